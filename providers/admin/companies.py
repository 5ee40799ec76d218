"""Provider companies and contracts in the admin.

A provider company is shared by every client it serves, so a client admin only
reads it (and only when they have a contract with it); platform operators edit it.
Client admins register a provider through the contract form: by CNPJ, linking the
existing company or creating it.
"""

from django.contrib import admin
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from accounts import admin_scoping as scoping
from accounts.admin_scoping import ClientColumn, PlatformEditsOnly, ReadOnlyInline, ScopedModelAdmin, adopt

from .. import services
from ..forms import ContractChangeForm, ContractRegistrationForm, ProviderCompanyForm
from ..models import Contract, ProviderCompany, ProviderMember
from .common import OwnSuccessMessage, WideAutocomplete

scoping.register(ProviderCompany, "contracts__client")
scoping.register(Contract, "client")


class ContractInline(ReadOnlyInline, admin.TabularInline):
    """The admin's own contracts with this provider (never another client's)."""

    model = Contract
    fk_name = "provider"
    fields = ["client", "active", "start_date", "end_date"]
    readonly_fields = fields
    show_change_link = True


@admin.register(ProviderCompany)
class ProviderCompanyAdmin(PlatformEditsOnly, ScopedModelAdmin):
    form = ProviderCompanyForm
    list_display = ["name", "cnpj", "contact_name", "contact_email", "contact_phone"]
    search_fields = ["name", "cnpj"]
    inlines = [ContractInline]


class MemberInline(ReadOnlyInline, admin.TabularInline):
    model = ProviderMember
    fields = ["person", "role", "active"]
    readonly_fields = fields
    show_change_link = True

    @admin.display(description=_("person"))
    def person(self, obj):
        return f"{obj.user.full_name} <{obj.user.email}>"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Contract)
class ContractAdmin(OwnSuccessMessage, WideAutocomplete, ClientColumn, ScopedModelAdmin):
    list_display = ["provider", "provider_cnpj", "active", "start_date", "end_date"]
    list_filter = ["active", ("client", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["provider", "client"]
    search_fields = ["provider__name", "provider__cnpj", "client__name"]
    autocomplete_fields = ["units"]

    add_fieldsets = [
        (
            _("Provider company"),
            {"fields": ["cnpj", "provider_name", "contact_name", "contact_email", "contact_phone"]},
        ),
        (_("Contract"), {"fields": ["client", "start_date", "end_date", "units"]}),
    ]
    change_fields = ["provider", "client", "active", "start_date", "end_date", "units"]

    @admin.display(description=_("CNPJ"), ordering="provider__cnpj")
    def provider_cnpj(self, obj):
        return obj.provider.cnpj

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if (request.GET.get("model_name"), request.GET.get("field_name")) == ("providermember", "contract"):
            # The person form's autocomplete: people join active contracts only (the form's rule).
            queryset = queryset.filter(active=True)
        return queryset, may_have_duplicates

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = ContractChangeForm if obj else ContractRegistrationForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.change_fields})] if obj else self.add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        return ["provider", "client"] if obj else []

    def get_inlines(self, request, obj):
        return [MemberInline] if obj else []

    def has_delete_permission(self, request, obj=None):
        # Tickets and history hang on a contract: it is deactivated, never deleted.
        return False

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {"title": _("Register provider and contract"), **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.contract_update(
                contract=obj,
                units=data["units"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                active=data["active"],
                by=request.user,
            )
            return
        contract, created = services.contract_register(
            client=data["client"],
            cnpj=data["cnpj"],
            name=data["provider_name"],
            units=data["units"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            contact=form.contact(),
        )
        adopt(obj, contract)
        self.say(request, self._registered_message(contract, created))

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): the services already set the covered units.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _registered_message(self, contract, created):
        if created:
            text = gettext_now("Provider %(provider)s registered and contract created.")
        else:
            text = gettext_now("Contract created with %(provider)s, already on Trílogo (same CNPJ).")
        return text % {"provider": contract.provider}
