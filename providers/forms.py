"""Admin forms for contracts and provider people.

They parse and validate; the writes are providers.services. Every model choice
field starts empty and is narrowed to the admin's client(s) by ScopedFormMixin in
``__init__``; the rules a write must respect are the services' own check_*
functions, so the form shows exactly the errors the service would raise.
"""

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from localflavor.br.forms import BRCNPJField

from accounts.admin_scoping import ScopedFormMixin

from . import services
from .models import Contract, ProviderCompany, ProviderMember

CNPJ_ERROR = _("Invalid CNPJ: check the 14 digits.")
ROLE_HELP = _(
    "Gestor: sees every ticket of the contract, allocates the Executantes and sees quotations "
    "and costs. Executante: sees only the tickets allocated to him, never any financial data."
)


def add_service_errors(form, error: ValidationError, rename: dict | None = None) -> None:
    """Show a service's ValidationError on the form, on the fields it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        field = (rename or {}).get(key, key)
        form.add_error(field if field in form.fields else None, errors)


class CNPJField(BRCNPJField):
    """localflavor's CNPJ check with one clear message (not one per failed rule),
    cleaned to the single spelling the services look up."""

    def clean(self, value):
        try:
            value = super().clean(value)
        except ValidationError as error:
            if any(e.code == "required" for e in error.error_list):
                raise
            raise ValidationError(CNPJ_ERROR, code="invalid") from None
        return services.normalize_cnpj(value)


def _provider_label(name):
    return capfirst(ProviderCompany._meta.get_field(name).verbose_name)


TEXT = admin_widgets.AdminTextInputWidget
EMAIL = admin_widgets.AdminEmailInputWidget


class ContractRegistrationForm(ScopedFormMixin, forms.ModelForm):
    """Link a provider by CNPJ (or register it) and create the client's contract."""

    cnpj = CNPJField(
        label=_("Provider CNPJ"),
        help_text=_("If the provider is already on Trílogo, its CNPJ is enough."),
        widget=TEXT,
    )
    provider_name = forms.CharField(
        label=_("Provider name"),
        max_length=150,
        required=False,
        help_text=_("Only for a provider new to Trílogo."),
        widget=TEXT,
    )
    contact_name = forms.CharField(
        label=_provider_label("contact_name"), max_length=150, required=False, widget=TEXT
    )
    contact_email = forms.EmailField(label=_provider_label("contact_email"), required=False, widget=EMAIL)
    contact_phone = forms.CharField(
        label=_provider_label("contact_phone"), max_length=30, required=False, widget=TEXT
    )

    class Meta:
        model = Contract
        fields = ["client", "start_date", "end_date", "units"]

    def clean(self):
        data = super().clean()
        client = data.get("client")
        if client is None:
            return data
        if data.get("cnpj"):
            try:
                services.check_new_contract(
                    client=client, cnpj=data["cnpj"], name=data.get("provider_name", "")
                )
            except ValidationError as error:
                add_service_errors(self, error, rename={"name": "provider_name"})
        self._check_terms(client, data)
        return data

    def _check_terms(self, client, data):
        try:
            services.check_contract_terms(
                client=client,
                units=data.get("units") or (),
                start_date=data.get("start_date"),
                end_date=data.get("end_date"),
            )
        except ValidationError as error:
            add_service_errors(self, error)

    def contact(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("contact_name", "contact_email", "contact_phone")}


class ContractChangeForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["active", "start_date", "end_date", "units"]

    def clean(self):
        data = super().clean()
        try:
            services.check_contract_terms(
                client=self.instance.client,
                units=data.get("units") or (),
                start_date=data.get("start_date"),
                end_date=data.get("end_date"),
            )
        except ValidationError as error:
            add_service_errors(self, error)
        return data


class MemberRegistrationForm(ScopedFormMixin, forms.ModelForm):
    """Register a person by name, e-mail and profile under one of the client's contracts."""

    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=TEXT)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The person's login. Someone already on Trílogo keeps the same account."),
        widget=EMAIL,
    )

    class Meta:
        model = ProviderMember
        fields = ["contract", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = self.fields["contract"].queryset.filter(active=True)
        self.fields["role"].help_text = ROLE_HELP

    def clean(self):
        data = super().clean()
        if data.get("contract") and data.get("email") and data.get("role"):
            try:
                services.check_member_registration(
                    contract=data["contract"], email=data["email"], role=data["role"]
                )
            except ValidationError as error:
                add_service_errors(self, error)
        return data


class MemberChangeForm(ScopedFormMixin, forms.ModelForm):
    """Reclassify (Gestor ↔ Executante) or (de)activate; saved through the services."""

    class Meta:
        model = ProviderMember
        fields = ["role", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].help_text = ROLE_HELP


class ProviderCompanyForm(forms.ModelForm):
    """Platform operators only: the CNPJ is stored in the spelling the services look up."""

    cnpj = CNPJField(label=_("CNPJ"), widget=TEXT)

    class Meta:
        model = ProviderCompany
        fields = ["name", "cnpj", "contact_name", "contact_email", "contact_phone"]
