from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from localflavor.br.forms import BRCNPJField

from tickets.attachments import sniff
from trilogo import formfields

from .models import Cost, QuotationItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def normalize_number(raw: str) -> str:
    """Accept what people type: "R$ 1.234,50", "1234,50", "1234.50", "1.234"."""
    value = raw.replace("R$", "").replace("\u00a0", "").replace(" ", "").strip()
    if "," in value:
        return value.replace(".", "").replace(",", ".")
    head, _, tail = value.rpartition(".")
    if head and len(tail) == 3 and "." not in head.lstrip("-"):
        return head + tail  # "1.234" is a thousand, not one point two
    return value


class BRDecimalField(forms.DecimalField):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_number(value)
        return super().to_python(value)


def money_field(label, required=True):
    return BRDecimalField(
        label=label, max_digits=14, decimal_places=2, min_value=Decimal("0"), required=required
    )


class QuotationItemForm(forms.ModelForm):
    quantity = BRDecimalField(label=_("Quantity"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    unit_price = money_field(_("Unit price"))

    class Meta:
        model = QuotationItem
        fields = ["description", "quantity", "unit_price"]


ItemFormSet = forms.formset_factory(QuotationItemForm, extra=3, max_num=50, validate_max=True)


class FinanceFileField(forms.FileField):
    """A PDF (checked by content) or an NF-e XML; anything else is refused."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if upload.size > settings.MAX_UPLOAD_SIZE:
            raise forms.ValidationError(_("The file is too big."))
        if sniff(upload) == "application/pdf":
            upload.finance_type = "application/pdf"
            return upload
        upload.seek(0)
        head = upload.read(512).lstrip(b"\xef\xbb\xbf \r\n\t")
        upload.seek(0)
        if head.startswith(b"<?xml") or head.startswith(b"<nfeProc") or head.startswith(b"<NFe"):
            upload.finance_type = "application/xml"
            return upload
        raise forms.ValidationError(_("Attach a PDF or an XML file."))


def _one_file(required=False):
    return FinanceFileField(label=_("File (PDF or XML)"), required=required)


class QuotationForm(forms.Form):
    freight = money_field(_("Freight"), required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    file = _one_file()


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CostForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Cost.Kind.choices)
    amount = money_field(_("Amount"))
    freight = money_field(_("Freight"), required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=DATE)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class InvoiceForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=30)
    series = forms.CharField(label=_("Series"), max_length=10, required=False)
    issue_date = forms.DateField(label=_("Issue date"), widget=DATE)
    amount = money_field(_("Amount"))
    issuer_cnpj = BRCNPJField(label=_("Issuer CNPJ"))
    costs = formfields.ModelMultipleChoiceField(
        label=_("Costs covered"),
        queryset=Cost.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = _one_file()

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["costs"].queryset = Cost.objects.filter(ticket=ticket, invoice__isnull=True)
