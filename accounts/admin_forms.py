"""Forms of the accounts admin. Choices are narrowed by ScopedFormMixin in __init__."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .admin_scoping import ScopedFormMixin
from .models import Area, Unit


class AreaForm(ScopedFormMixin, forms.ModelForm):
    """An area of one unit; it can only sit inside another area of the same unit."""

    parent = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, label=_("inside"))

    class Meta:
        model = Area
        fields = ["name", "parent"]

    def __init__(self, *args, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        if unit is None or unit.pk is None:
            field.queryset = field.queryset.none()
            return
        field.queryset = field.queryset.filter(unit=unit)
        if self.instance.pk:
            # Nesting an area inside itself or its own children would make a loop.
            field.queryset = field.queryset.exclude(pk__in=[self.instance.pk, *descendant_ids(self.instance)])


def descendant_ids(area: Area) -> list[int]:
    found, frontier = [], [area.pk]
    while frontier:
        frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found.extend(frontier)
    return found


class AreaFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "unit": self.instance}
