"""Provider people in the admin: register, reclassify, (de)activate, remove, and their history.

Every change goes through providers.services, which keep the gestor group and the
Executante's ticket grants in sync and write the MemberEvent history; a bare
model save here would skip both.
"""

from django.contrib import admin
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import admin_scoping as scoping
from accounts.admin import PersonColumns
from accounts.admin_scoping import ClientColumn, ReadOnlyInline, ScopedModelAdmin, adopt

from .. import services
from ..forms import MemberChangeForm, MemberRegistrationForm
from ..models import MemberEvent, ProviderMember
from .common import OwnSuccessMessage, WideAutocomplete

scoping.register(ProviderMember, "client")
scoping.register(MemberEvent, "client")

Role = ProviderMember.Role


class EventColumns:
    @admin.display(description=_("person"), ordering="person__full_name")
    def person_name(self, obj):
        return obj.person.full_name or obj.person.email

    @admin.display(description=_("change"))
    def old_to_new(self, obj):
        return " → ".join(value for value in (obj.old_value, obj.new_value) if value)

    @admin.display(description=_("provider company"), ordering="contract__provider__name")
    def provider(self, obj):
        return obj.contract.provider

    @admin.display(description=_("by"), ordering="by__full_name")
    def by_name(self, obj):
        return (obj.by.full_name or obj.by.email) if obj.by else "—"


class MemberEventInline(EventColumns, ReadOnlyInline, admin.TabularInline):
    model = MemberEvent
    fk_name = "member"
    fields = ["at", "action", "old_to_new", "by_name"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(ProviderMember)
class ProviderMemberAdmin(PersonColumns, OwnSuccessMessage, WideAutocomplete, ClientColumn, ScopedModelAdmin):
    list_display = ["person_name", "person_email", "role", "active", "provider"]
    list_filter = ["role", "active", ("contract", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "client", "contract__provider", "contract__client"]
    search_fields = ["user__full_name", "user__email", "contract__provider__name"]
    autocomplete_fields = ["contract"]
    radio_fields = {"role": admin.HORIZONTAL}
    actions = ["make_gestor", "make_executante", "deactivate", "reactivate"]

    add_fields = ["contract", "full_name", "email", "role"]
    change_fieldsets = [
        (None, {"fields": ["person_name", "person_email", "contract", "role", "active"]}),
        (_("Registration"), {"fields": ["registered_by_name", "registered_at"]}),
    ]

    @admin.display(description=_("provider company"), ordering="contract__provider__name")
    def provider(self, obj):
        return obj.contract.provider

    @admin.display(description=_("registered by"))
    def registered_by_name(self, obj):
        by = obj.registered_by
        return (by.full_name or by.email) if by else "—"

    # Forms and layout: registration on add, reclassification / activation on change.

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = MemberChangeForm if obj else MemberRegistrationForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return self.change_fieldsets if obj else [(None, {"fields": self.add_fields})]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["person_name", "person_email", "contract", "registered_by_name", "registered_at"]

    def get_inlines(self, request, obj):
        return [MemberEventInline] if obj else []

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {"title": _("Register a person"), **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    # Writes: services only.

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.member_update(
                member=obj, role=data["role"], active=data["active"], by=request.user
            )
            self.say(request, gettext_now("Changes to %(name)s saved.") % {"name": saved.user})
        else:
            saved = services.member_register(
                contract=data["contract"],
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                by=request.user,
            )
            self.say(request, self._registered_message(saved))
        adopt(obj, saved)

    def _registered_message(self, member):
        text = gettext_now(
            "%(name)s registered as %(role)s under %(contract)s. Invitation sent to %(email)s."
        )
        return text % {
            "name": member.user,
            "role": member.get_role_display(),
            "contract": member.contract,
            "email": member.user.email,
        }

    def delete_model(self, request, obj):
        services.member_remove(member=obj, by=request.user)
        self.say(
            request,
            gettext_now("%(name)s removed from %(contract)s.") % {"name": obj.user, "contract": obj.contract},
        )

    def delete_queryset(self, request, queryset):
        for member in queryset:
            services.member_remove(member=member, by=request.user)

    # Bulk actions (changelist), each through the services.

    @admin.action(description=_("Reclassify as Gestor"), permissions=["change"])
    def make_gestor(self, request, queryset):
        self._reclassify(request, queryset, Role.GESTOR)

    @admin.action(description=_("Reclassify as Executante"), permissions=["change"])
    def make_executante(self, request, queryset):
        self._reclassify(request, queryset, Role.EXECUTANTE)

    @admin.action(description=_("Deactivate"), permissions=["change"])
    def deactivate(self, request, queryset):
        members = list(queryset.filter(active=True))
        for member in members:
            services.member_set_active(member=member, active=False, by=request.user)
        count = len(members)
        self.message_user(
            request,
            ngettext("%(count)d person deactivated.", "%(count)d people deactivated.", count)
            % {"count": count},
        )

    @admin.action(description=_("Reactivate"), permissions=["change"])
    def reactivate(self, request, queryset):
        members = list(queryset.filter(active=False))
        for member in members:
            services.member_set_active(member=member, active=True, by=request.user)
        count = len(members)
        self.message_user(
            request,
            ngettext("%(count)d person reactivated.", "%(count)d people reactivated.", count)
            % {"count": count},
        )

    def _reclassify(self, request, queryset, role):
        members = list(queryset.exclude(role=role))
        for member in members:
            services.member_reclassify(member=member, role=role, by=request.user)
        count = len(members)
        message = ngettext(
            "%(count)d person reclassified as %(role)s.", "%(count)d people reclassified as %(role)s.", count
        )
        self.message_user(request, message % {"count": count, "role": Role(role).label})


@admin.register(MemberEvent)
class MemberEventAdmin(EventColumns, ClientColumn, ScopedModelAdmin):
    """Read-only history: who did what to whom, when, old → new."""

    list_display = ["at", "person_name", "action", "old_to_new", "provider", "by_name"]
    list_filter = ["action", ("contract", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "by", "client", "contract__provider"]
    search_fields = ["person__full_name", "person__email"]
    fields = ["at", "action", "person_name", "person_email", "old_to_new", "contract", "by_name"]
    readonly_fields = fields

    @admin.display(description=_("e-mail"), ordering="person__email")
    def person_email(self, obj):
        return obj.person.email

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
