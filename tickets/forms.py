"""Ticket forms. Every choice field is narrowed to the person's reach in __init__;
class-level querysets are empty, so a forgotten narrowing shows nothing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Unit, User
from providers.models import Contract
from trilogo import formfields

from .attachments import validate_upload
from .models import Category, Ticket
from .services import allocatable_members


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        files = [single(item, initial) for item in items if item]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for upload in files:
            validate_upload(upload)  # size and real type, before anything is saved
        return files


def photo_field():
    return MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class AreaSelect(forms.Select):
    """Each area option carries its unit's id, so the page offers only the chosen unit's areas."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        area = getattr(value, "instance", None)
        if area is not None:
            option["attrs"]["data-unit"] = area.unit_id
        return option


class VersionedForm(forms.Form):
    """Carries the ticket version the page was rendered with (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TicketCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    unit = formfields.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    area = formfields.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        required=False,
        widget=AreaSelect(attrs={"data-area-for": "id_unit"}),
    )
    category = formfields.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Ticket.Priority.choices, coerce=int, initial=Ticket.Priority.MEDIA
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    contract = formfields.ModelChoiceField(
        label=_("Send to provider"),
        queryset=Contract.objects.none(),
        required=False,
        help_text=_("Leave empty to send it later."),
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    internal_responsible = formfields.ModelChoiceField(
        label=_("Internal responsible"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Who follows the ticket on the client's side."),
    )
    files = MultipleFileField(label=_("Attachments (photos, videos, PDF)"), required=False)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["internal_responsible"].queryset = User.objects.filter(
            is_active=True, client_memberships__client=client, client_memberships__active=True
        ).order_by("full_name")
        self.fields["unit"].queryset = Unit.objects.filter(client=client, active=True)
        self.fields["area"].queryset = Area.objects.filter(client=client).select_related("unit")
        self.fields["area"].label_from_instance = lambda a: f"{a.unit.code} · {a.path}"
        self.fields["category"].queryset = Category.objects.filter(client=client)
        self.fields["contract"].queryset = Contract.objects.filter(client=client, active=True).select_related(
            "provider"
        )
        self.fields["contract"].label_from_instance = lambda c: c.provider.name

    def clean(self):
        data = super().clean()
        unit, area = data.get("unit"), data.get("area")
        if unit and area and area.unit_id != unit.pk:
            self.add_error("area", _("The area does not belong to the chosen unit."))
        return data


class AllocateForm(VersionedForm):
    executante = formfields.ModelChoiceField(label=_("Responsável Executante"), queryset=None, required=False)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["executante"].queryset = User.objects.filter(
            pk__in=allocatable_members(ticket.contract_id).values("user_id")
        )


class BulkAllocateForm(forms.Form):
    executante = formfields.ModelChoiceField(label=_("Responsável Executante"), queryset=None)
    tickets = formfields.ModelMultipleChoiceField(queryset=None)

    def __init__(self, *args, visible, contract_ids, **kwargs):
        super().__init__(*args, **kwargs)
        from providers.models import ProviderMember

        self.fields["tickets"].queryset = visible
        self.fields["executante"].queryset = User.objects.filter(
            pk__in=ProviderMember.objects.filter(contract_id__in=contract_ids, active=True).values("user_id")
        )


class DeadlineForm(VersionedForm):
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    files = photo_field()


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas."),
    )

    def clean_tags(self):
        return [t for t in self.cleaned_data["tags"].split(",") if t.strip()]


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FinishForm(VersionedForm):
    comment = forms.CharField(
        label=_("Closing comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    files = photo_field()


class SendForm(VersionedForm):
    contract = formfields.ModelChoiceField(label=_("Provider company"), queryset=Contract.objects.none())

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.filter(
            client_id=ticket.client_id, active=True
        ).select_related("provider")
        self.fields["contract"].label_from_instance = lambda c: c.provider.name


class RelateForm(forms.Form):
    number = forms.IntegerField(label=_("Ticket number"), min_value=1)


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("Files"))
