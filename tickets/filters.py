"""List filters and sorting. Every filter and sort key is declared here (allow-listed);
nothing from the request reaches filter(**...) or order_by(...) unchecked, and every
choice list is narrowed to what the person can already see."""

from datetime import datetime, time, timedelta

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ClientCompany, Unit, User
from providers.models import Contract, ProviderMember

from .models import Category, Tag, Ticket

SORTS = {
    "recent": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "deadline": ("deadline", "-created_at", "-id"),
    "priority": ("-priority", "-created_at", "-id"),
    "number": ("-number", "-id"),
    "updated": ("-updated_at", "-id"),
}
SORT_LABELS = [
    ("recent", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("deadline", _("Deadline")),
    ("priority", _("Priority")),
    ("number", _("Number")),
    ("updated", _("Last change")),
]


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class TicketFilter(df.FilterSet):
    q = df.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    status = df.MultipleChoiceFilter(
        label=_("Status"), choices=Ticket.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    client = df.ModelChoiceFilter(label=_("Client"), queryset=ClientCompany.objects.none())
    unit = df.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.none())
    executante = df.ModelChoiceFilter(label=_("Responsável Executante"), queryset=User.objects.none())
    priority = df.TypedChoiceFilter(label=_("Priority"), choices=Ticket.Priority.choices, coerce=int)
    category = df.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.none())
    tag = df.ModelChoiceFilter(label=_("Tag"), field_name="tags", queryset=Tag.objects.none())
    overdue = df.BooleanFilter(label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput)
    unallocated = df.BooleanFilter(
        label=_("Not yet allocated"), method="filter_unallocated", widget=forms.CheckboxInput
    )
    created_from = df.DateFilter(
        label=_("Opened from"), method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = df.DateFilter(
        label=_("Opened until"), method="filter_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = df.ChoiceFilter(label=_("Sort by"), choices=SORT_LABELS, method="filter_sort", empty_label=None)

    class Meta:
        model = Ticket
        fields = []

    def __init__(self, data=None, *args, scope, client_ids, contract_ids, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.scope = scope
        client_ids = sorted(client_ids)
        contract_ids = sorted(contract_ids)
        f = self.filters
        f["client"].queryset = ClientCompany.objects.filter(pk__in=client_ids)
        f["unit"].queryset = Unit.objects.filter(client_id__in=client_ids)
        f["category"].queryset = Category.objects.filter(client_id__in=client_ids)
        f["tag"].queryset = Tag.objects.filter(client_id__in=client_ids)
        member_scope = Q(contract_id__in=contract_ids) if scope == "queue" else Q(client_id__in=client_ids)
        f["executante"].queryset = User.objects.filter(
            pk__in=ProviderMember.objects.filter(member_scope, active=True).values("user_id")
        ).order_by("full_name")
        for name in self.hidden_filters():
            del self.filters[name]

    def hidden_filters(self):
        if self.scope == "mine":
            return [
                "client",
                "unit",
                "executante",
                "category",
                "tag",
                "unallocated",
                "created_from",
                "created_to",
            ]
        if self.scope == "client":
            return ["client"] if len(self.filters["client"].queryset) <= 1 else []
        return []

    @property
    def active_count(self):
        if not self.is_bound or not self.form.is_valid():
            return 0
        return sum(
            1
            for k, v in self.form.cleaned_data.items()
            if k not in {"sort", "q"} and v not in (None, "", [], False)
        )

    def filter_q(self, queryset, name, value):
        value = value.strip().lstrip("#")
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(number=int(value))
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def filter_unallocated(self, queryset, name, value):
        return queryset.unallocated() if value else queryset

    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["recent"]))


def contracts_of(contract_ids):
    return Contract.objects.filter(pk__in=sorted(contract_ids))
