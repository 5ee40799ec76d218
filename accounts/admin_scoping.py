"""Scoping the Django admin to a client admin's own client(s).

A client admin is a staff user with an active admin ClientMembership of an active
client. Whatever they reach in the admin — changelists, search, list filters and
their choices, autocomplete, raw-id popups, inlines, history and delete pages, and
the choices of every form field — is narrowed by one AdminScope, resolved once per
request. Superusers (platform operators) see everything.

Each model declares how it reaches its client with ``register()``. A model nobody
registered is invisible to client admins: scoping fails closed.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField

from .models import ClientMembership

_CLIENT_PATHS: dict[type[Model], str] = {}


def register(model: type[Model], path: str) -> None:
    """Declare the lookup from ``model`` to its ClientCompany id ("client", "contracts__client")."""
    _CLIENT_PATHS[model] = path


@dataclass(frozen=True)
class AdminScope:
    """The clients one admin user may act on."""

    client_ids: frozenset[int] = frozenset()
    is_platform: bool = False

    @property
    def allowed(self) -> bool:
        return self.is_platform or bool(self.client_ids)

    @property
    def several_clients(self) -> bool:
        """Whether pages need a client column (one client's admin knows whose rows they are)."""
        return self.is_platform or len(self.client_ids) > 1

    def filter(self, qs: QuerySet) -> QuerySet:
        """Narrow a queryset to the scope's clients; unregistered models yield nothing."""
        if self.is_platform:
            return qs
        path = _CLIENT_PATHS.get(qs.model)
        if path is None or not self.client_ids:
            return qs.none()
        ids = sorted(self.client_ids)
        if "__" not in path:
            return qs.filter(**{f"{path}__in": ids})
        # Across a relation a row can match more than once; a semi-join keeps
        # rows unique without distinct(), which delete() and the admin dislike.
        matching = qs.model._default_manager.filter(**{f"{path}__in": ids}).values("pk")
        return qs.filter(pk__in=matching)

    def rows(self, model: type[Model]) -> QuerySet:
        return self.filter(model._default_manager.all())


NO_SCOPE = AdminScope()


def scope_for(request) -> AdminScope:
    """The request user's admin scope, computed once per request."""
    scope = getattr(request, "_admin_scope", None)
    if scope is None:
        scope = _compute_scope(request.user)
        request._admin_scope = scope
    return scope


def _compute_scope(user) -> AdminScope:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return NO_SCOPE
    if user.is_superuser:
        return AdminScope(is_platform=True)
    ids = ClientMembership.objects.filter(
        user=user, role=ClientMembership.Role.ADMIN, active=True, client__active=True
    ).values_list("client_id", flat=True)
    return AdminScope(client_ids=frozenset(ids))


class ScopedFormMixin:
    """Every model choice field offers only the scope's rows, set in ``__init__``.

    The admin builds these fields with ``.none()`` querysets, so a field this mixin
    never reached offers nothing rather than everything. A form used outside the
    admin takes ``scope=``; without one it offers nothing at all.
    """

    scope: AdminScope = NO_SCOPE

    def __init__(self, *args, scope: AdminScope | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if scope is not None:
            self.scope = scope
        for field in self.fields.values():
            if isinstance(field, ModelChoiceField):
                narrow_field(field, self.scope)
        self._fix_client_field()

    def _fix_client_field(self):
        field = self.fields.get("client")
        if not isinstance(field, ModelChoiceField):
            return
        if getattr(self.instance, "pk", None):
            # A row never moves to another tenant; disabled (not read-only) so the
            # (client, ...) unique constraints are still validated.
            field.disabled = True
            return
        choices = list(field.queryset[:2])
        if len(choices) == 1:  # the admin of one client: already chosen
            field.initial = choices[0].pk
            field.empty_label = None


def narrow_field(field: ModelChoiceField, scope: AdminScope) -> None:
    qs = scope.rows(field.queryset.model)
    limit = field.get_limit_choices_to()
    field.queryset = qs.complex_filter(limit) if limit else qs


def scoped_form(form_class, scope: AdminScope):
    """A per-request subclass of ``form_class`` that carries the request's scope."""
    bases = (form_class,) if issubclass(form_class, ScopedFormMixin) else (ScopedFormMixin, form_class)
    return type(form_class.__name__, bases, {"scope": scope})


class ScopedMixin:
    """Queryset, form and permission scoping shared by model admins and inlines."""

    def get_queryset(self, request):
        return scope_for(request).filter(super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = db_field.related_model._default_manager.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = db_field.related_model._default_manager.none()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return scope_for(request).allowed and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return scope_for(request).allowed and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return scope_for(request).allowed and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return scope_for(request).allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return scope_for(request).allowed and super().has_delete_permission(request, obj)


class ScopedInline(ScopedMixin):
    """For InlineModelAdmin subclasses (their ``obj`` is the parent, checked by the parent admin)."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = scoped_form(kwargs.get("form", self.form), scope_for(request))
        return super().get_formset(request, obj, **kwargs)


class ReadOnlyInline(ScopedInline):
    template = "admin/edit_inline/readonly_tabular.html"
    can_delete = False
    extra = 0
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedModelAdmin(ScopedMixin, admin.ModelAdmin):
    """A ModelAdmin whose every page and form stays inside the admin's client(s).

    Another client's object is simply absent from ``get_queryset``, so the admin
    answers it exactly as a missing id ("not found" redirect); the object checks
    below are a second lock for code paths that receive an object directly.
    """

    save_as = False

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = scoped_form(kwargs.get("form", self.form), scope_for(request))
        return super().get_form(request, obj, **kwargs)

    def _reaches(self, request, obj) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._reaches(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._reaches(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._reaches(request, obj)


class ClientColumn:
    """Mixin: a client column only for admins who see several clients (and operators)."""

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        return [*columns, "client"] if scope_for(request).several_clients else columns


class SuperuserOnlyAdmin:
    """Mixin for admins a client admin must never open (users, groups, login attempts)."""

    def history_view(self, request, object_id, extra_context=None):
        # Django's history view looks the object up before it checks any permission: a
        # client admin would tell the ids that exist (403) from those that do not ("does
        # not exist" redirect). Refused first, like every other page of these admins.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class PlatformEditsOnly:
    """Mixin: client admins may look, only platform operators write (shared or tenant rows)."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def adopt(target: Model, saved: Model) -> None:
    """Turn the admin's unsaved form instance into the row a service saved.

    The admin logs and redirects with the object it handed to save_model(); the
    services create their own row (with grants and history), so copy it over.
    """
    target.__dict__.update(saved.__dict__)
