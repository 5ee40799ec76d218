"""List filters and sorting. Every filter and sort key is declared here (allow-listed);
nothing from the request reaches filter(**...) or order_by(...) unchecked, and every
choice list is narrowed to what the person can already see.

The dropdown choices (clients, units, categories, tags, people) come from one
UNION ALL query per request, run only when the form is rendered or one of those
filters is used (ListOptions). They are built from the reach computed for this
request and never cached across requests, so they can never show more than the
person's reach; and a chosen value only narrows a queryset that is already limited
to that reach.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property, partial

import django_filters as df
from django import forms
from django.db.models import BigIntegerField, CharField, Count, DateField, Min, Q, Value
from django.db.models.functions import Cast
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import ClientCompany, Unit
from providers.models import ProviderMember

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
OPTION_FILTERS = ("client", "unit", "executante", "category", "tag")
# The filters in the first row of a list's filter form; the rest sit behind "More filters".
PRIMARY_FILTERS = ("q", "sort", "status", "unit", "unallocated")


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Option:
    """One dropdown entry; ``pk`` and ``str()`` like the model instance it stands for."""

    pk: int
    label: str

    def __str__(self):
        return self.label


class ListOptions:
    """The dropdown choices of one list, loaded on first use in a single query.

    ``kinds`` limits the query to the dropdowns the response will draw or validate
    (the list page draws only the unit filter until "More filters" is opened).
    ``with_load`` adds each person's open tickets and next deadline under the
    Gestor's contracts (the queue's bulk allocation) to the same query: the one
    part of it that grows with the number of tickets, so only the responses that
    show it ask for it.
    """

    def __init__(self, *, scope, client_ids, contract_ids, kinds=OPTION_FILTERS, with_load=False):
        self.scope = scope
        self.client_ids = sorted(client_ids)
        self.contract_ids = sorted(contract_ids)
        self.kinds = frozenset(kinds) | ({"executante"} if with_load else frozenset())
        self.with_load = with_load

    def _query(self):
        text = partial(Value, output_field=CharField())
        # Typed NULLs: PostgreSQL resolves a UNION's column types branch by branch.
        none = (Cast(Value(None), BigIntegerField()), Cast(Value(None), DateField()))
        clients = self.client_ids
        people = ProviderMember.objects.filter(
            Q(contract_id__in=self.contract_ids) if self.scope == "queue" else Q(client_id__in=clients),
            active=True,
        )
        # Every branch: (kind, id, text, text, count, date).
        branches = {
            "client": lambda: ClientCompany.objects.filter(pk__in=clients).values_list(
                text("client"), "id", "name", text(""), *none
            ),
            "unit": lambda: Unit.objects.filter(client_id__in=clients).values_list(
                text("unit"), "id", "code", "name", *none
            ),
            "category": lambda: Category.objects.filter(client_id__in=clients).values_list(
                text("category"), "id", "path", text(""), *none
            ),
            "tag": lambda: Tag.objects.filter(client_id__in=clients).values_list(
                text("tag"), "id", "name", text(""), *none
            ),
            "executante": lambda: people.values_list(
                text("executante"), "user_id", "user__full_name", "user__email", *none
            ),
        }
        parts = [build() for kind, build in branches.items() if kind in self.kinds]
        if self.with_load:
            parts.append(
                Ticket.objects.filter(contract_id__in=self.contract_ids, executante__isnull=False)
                .open()
                .values("executante_id")
                .annotate(open_count=Count("*"), next_deadline=Min("deadline"))
                .values_list(text("load"), "executante_id", text(""), text(""), "open_count", "next_deadline")
            )
        first, *rest = (part.order_by() for part in parts)
        # order_by() on the union too: it would otherwise take the first branch's
        # Meta.ordering, which names columns the union does not select.
        return first.union(*rest, all=True).order_by() if rest else first

    @cached_property
    def _rows(self):
        return list(self._query()) if self.kinds else []

    @cached_property
    def by_kind(self) -> dict[str, list[Option]]:
        found = defaultdict(dict)
        for kind, pk, a, b, _count, _date in self._rows:
            if kind == "unit":
                found[kind][pk] = f"{a} · {b}"  # Unit.__str__
            elif kind == "executante":
                found[kind][pk] = a or b  # User.__str__: full name, else e-mail
            elif kind != "load":
                found[kind][pk] = a
        order = {"unit": lambda o: (o.label.split(" · ", 1)[-1], o.pk)}
        return {
            kind: sorted(
                (Option(pk, label) for pk, label in found[kind].items()),
                key=order.get(kind, lambda o: (o.label.lower(), o.pk)),
            )
            for kind in OPTION_FILTERS
        }

    def choices(self, kind):
        return [(str(o.pk), o.label) for o in self.by_kind[kind]]

    def __deepcopy__(self, memo):
        # Forms deep-copy their fields (and so their choices): share the one load.
        return self

    def allocation_choices(self):
        """Who can take the Gestor's tickets, with their open tickets and next deadline
        (what tickets.selectors.allocation_choices gives, from the same query)."""
        load = {pk: (count, day) for kind, pk, _a, _b, count, day in self._rows if kind == "load"}
        return [
            {
                "user": person,
                "open_count": load.get(person.pk, (0, None))[0],
                "next_deadline": load.get(person.pk, (0, None))[1],
            }
            for person in self.by_kind["executante"]
        ]


class LazyChoices(BaseChoiceIterator):
    """Choices that run the options query only when a form renders or validates them."""

    def __init__(self, options: ListOptions, kind: str):
        self.options = options
        self.kind = kind

    def __iter__(self):
        yield from self.options.choices(self.kind)

    def __len__(self):
        return len(self.options.by_kind[self.kind])


class FastSelect(forms.Select):
    """A <select> rendered in Python instead of one template per <option>.

    The Gestor's filters list every unit, category, tag and technician of his
    clients (hundreds of options); Django's template-per-option rendering of them
    cost more than the rest of the page together.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = self.format_value(value)
        options = []
        for key, label in self.choices:
            key = "" if key is None else str(key)
            selected = " selected" if key in chosen else ""
            options.append(f'<option value="{escape(key)}"{selected}>{escape(label)}</option>')
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{"".join(options)}</select>')  # noqa: S308


class OptionFilter(df.ChoiceFilter):
    """A choice among the person's own options; filters on the id (``field_name``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)

    def bind_options(self, options: ListOptions, kind: str):
        self.options = options
        self.kind = kind
        self.extra["choices"] = LazyChoices(options, kind)

    @property
    def queryset(self):
        # The queue page lists the technicians for bulk allocation from here.
        return self.options.by_kind[self.kind]


class TicketFilter(df.FilterSet):
    q = df.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    status = df.MultipleChoiceFilter(
        label=_("Status"),
        choices=Ticket.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_status",
    )
    client = OptionFilter(label=_("Client"), field_name="client_id")
    unit = OptionFilter(label=_("Unit"), field_name="unit_id")
    executante = OptionFilter(label=_("Responsável Executante"), field_name="executante_id")
    priority = df.TypedChoiceFilter(
        label=_("Priority"),
        # The empty choice first: without it the browser submits the first priority.
        choices=[("", _("Any")), *Ticket.Priority.choices],
        coerce=int,
        empty_value=None,
        widget=FastSelect,
    )
    category = OptionFilter(label=_("Category"), field_name="category_id")
    tag = OptionFilter(label=_("Tag"), method="filter_tag")
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
    sort = df.ChoiceFilter(
        label=_("Sort by"), choices=SORT_LABELS, method="filter_sort", empty_label=None, widget=FastSelect
    )

    class Meta:
        model = Ticket
        fields = []

    def __init__(self, data=None, *args, scope, client_ids, contract_ids, panel=False, **kwargs):
        """``panel``: the response draws the "More filters" panel (its htmx fragment).

        The full page draws that panel only when one of its filters is set; otherwise
        the page leaves it empty and the browser asks for it when it is opened, so
        the page loads only the unit choices (and those of any filter in use).
        """
        super().__init__(data, *args, **kwargs)
        self.scope = scope
        self.client_count = len(client_ids)
        for name in self.hidden_filters():
            del self.filters[name]
        self.panel_open = any(self.data.get(name) for name in self.filters if name not in PRIMARY_FILTERS)
        # Lists whose panel has no dropdown (Meus tickets) draw it at once.
        self.panel_inline = self.panel_open or not any(
            name in self.filters and name not in PRIMARY_FILTERS for name in OPTION_FILTERS
        )
        in_use = {name for name in OPTION_FILTERS if name in self.filters and self.data.get(name)}
        shown = OPTION_FILTERS if panel or self.panel_open else PRIMARY_FILTERS
        self.options = ListOptions(
            scope=scope,
            client_ids=client_ids,
            contract_ids=contract_ids,
            kinds={name for name in shown if name in self.filters} | in_use,
        )
        for name in OPTION_FILTERS:
            if name in self.filters:
                self.filters[name].bind_options(self.options, name)

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
            return ["client"] if self.client_count <= 1 else []
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
        if value.isascii() and value.isdigit():
            # A ticket number; anything longer than any number can be matches nothing.
            return queryset.filter(number=int(value) if len(value) <= 9 else 0)
        # On PostgreSQL both sides are covered by pg_trgm GIN indexes on UPPER(column),
        # which is exactly what icontains compiles to (migration 0002).
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_status(self, queryset, name, value):
        # status IN (...): an index condition. django-filter's default ORs one
        # equality per value, which the indexes on (..., status, ...) cannot use.
        return queryset.filter(status__in=value) if value else queryset

    def filter_tag(self, queryset, name, value):
        through = Ticket.tags.through.objects.filter(tag_id=value).values("ticket_id")
        return queryset.filter(id__in=through)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def filter_unallocated(self, queryset, name, value):
        return queryset.unallocated() if value else queryset

    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        if value >= date.max:
            return queryset
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["recent"]))
