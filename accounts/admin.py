"""Admin for clients, their units and staff, scoped to a client admin's own client(s).

Users, groups and login attempts (django-axes) are the platform operator's: a client admin
never browses them, nor learns which of their ids exist.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from . import admin_scoping as scoping
from .admin_forms import AreaForm, AreaFormSet
from .admin_scoping import ClientColumn, PlatformEditsOnly, ScopedInline, ScopedModelAdmin, SuperuserOnlyAdmin
from .models import Area, ClientCompany, ClientMembership, Unit, User

scoping.register(ClientCompany, "pk")
scoping.register(ClientMembership, "client")
scoping.register(Unit, "client")
scoping.register(Area, "client")

# Django 6.1's new blank-choice label (selects, the admin's action menu) is not in
# Django's pt-BR catalog yet; naming it here lets makemessages carry it into ours.
gettext_noop("- Select an option -")


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "full_name")


class UserChangeForm(BaseUserChangeForm):
    class Meta(BaseUserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(SuperuserOnlyAdmin, BaseUserAdmin):
    add_form = UserCreationForm
    form = UserChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyAdmin, BaseGroupAdmin):
    """Gestor groups and the client-admin group hold grants: operators only."""


# django-axes' own admins (login attempts; deleting one is the operator's unlock).
admin.site.unregister([AccessAttempt, AccessLog, AccessFailureLog])


@admin.register(AccessAttempt)
class AccessAttemptAdmin(SuperuserOnlyAdmin, axes_admin.AccessAttemptAdmin):
    pass


@admin.register(AccessLog)
class AccessLogAdmin(SuperuserOnlyAdmin, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(SuperuserOnlyAdmin, axes_admin.AccessFailureLogAdmin):
    pass


@admin.register(ClientCompany)
class ClientCompanyAdmin(PlatformEditsOnly, ScopedModelAdmin):
    list_display = ["name", "cnpj", "active"]
    list_filter = ["active"]
    search_fields = ["name", "cnpj"]


class PersonColumns:
    """Name and e-mail of ``obj.user`` as plain text: a client admin cannot open users."""

    @admin.display(description=_("full name"), ordering="user__full_name")
    def person_name(self, obj):
        return obj.user.full_name

    @admin.display(description=_("e-mail"), ordering="user__email")
    def person_email(self, obj):
        return obj.user.email


@admin.register(ClientMembership)
class ClientMembershipAdmin(PersonColumns, ClientColumn, PlatformEditsOnly, ScopedModelAdmin):
    list_display = ["person_name", "person_email", "role", "active"]
    list_filter = ["role", "active", ("client", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "client"]
    search_fields = ["user__full_name", "user__email"]
    autocomplete_fields = ["client", "user"]
    readonly_fields = ["person_name", "person_email"]

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["client", "user", "role", "active"]
        return ["client", "person_name", "person_email", "role", "active"]


class AreaInline(ScopedInline, admin.TabularInline):
    model = Area
    form = AreaForm
    formset = AreaFormSet
    fields = ["name", "parent", "path"]
    readonly_fields = ["path"]
    extra = 0


@admin.register(Unit)
class UnitAdmin(ClientColumn, ScopedModelAdmin):
    list_display = ["code", "name", "city", "state", "active"]
    list_filter = ["active", "state", ("client", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["client"]
    search_fields = ["code", "name", "city"]
    fields = ["client", "code", "name", "address", "city", "state", "active"]
    inlines = [AreaInline]
