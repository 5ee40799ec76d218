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

import copy
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import django_filters as df
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from trilogo.html import escape_html, flat_attributes

from .list_options import OPTION_FILTERS, ListOptions
from .models import Ticket

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
# Sorts an index on (contract or client, [status,] -created_at, -id) returns in order.
DATE_SORTS = {None, "", "recent", "oldest"}
# The other sorts, which indexes on (contract or client, the sort's columns) return in
# order (Ticket.Meta.indexes), over every status or a closed one: the history, where
# each contract's tickets pile up with the years.
HISTORY_SORTS = {"priority", "deadline", "number", "updated"}
# The filters in the first row of a list's filter form; the rest sit behind "More filters".
PRIMARY_FILTERS = ("q", "sort", "status", "unit", "unallocated")


def _search_value(raw):
    return (raw or "").strip().lstrip("#")


def _is_number(value):
    return value.isascii() and value.isdigit()


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class LazyChoices(BaseChoiceIterator):
    """Choices that run the options query only when a form renders or validates them."""

    def __init__(self, options: ListOptions, kind: str):
        self.options = options
        self.kind = kind

    def __iter__(self):
        return iter(self.options.choices(self.kind))

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
        chosen = tuple(self.format_value(value))
        # Text, not lazy translations: the same text gives the same select whatever
        # the language, and a different language gives different text.
        pairs = tuple(("" if key is None else str(key), str(label)) for key, label in self.choices)
        attributes = tuple(sorted((key, str(v) if isinstance(v, Promise) else v) for key, v in attrs.items()))
        return _select(name, attributes, pairs, chosen)


@lru_cache(maxsize=256)
def _select(name, attributes, pairs, chosen):
    """The <select>, remembered by everything it is drawn from: a Gestor's unit filter
    (a hundred or more options) is the same page after page. Measured in
    bench/README.md."""
    options = []
    for key, label in pairs:
        selected = " selected" if key in chosen else ""
        options.append(f'<option value="{escape_html(key)}"{selected}>{escape_html(label)}</option>')
    attrs = flat_attributes(dict(attributes))
    return mark_safe(f'<select name="{escape_html(name)}"{attrs}>{"".join(options)}</select>')  # noqa: S308


class OptionFilter(df.ChoiceFilter):
    """A choice among the person's own options; filters on the id (``field_name``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        kwargs.setdefault("empty_label", _("Any"))
        super().__init__(*args, **kwargs)

    def bind_options(self, options: ListOptions, kind: str):
        self.options = options
        self.kind = kind
        self.extra["choices"] = LazyChoices(options, kind)

    @property
    def queryset(self):
        # The queue page lists the technicians for bulk allocation from here.
        return self.options.by_kind[self.kind]


def _fresh_filter(declared: df.filters.Filter, filterset, model) -> df.filters.Filter:
    """This request's copy of a declared filter: what ``FilterSet.__init__`` makes by
    deep-copying it, without copying what no request changes.

    Shared with the class: the label, lookups, choice lists and widget instances
    (every form field copies its widget and its choices when it is built). Its own:
    ``extra`` (``bind_options`` puts this person's choices there), its form field
    (built on first use from that copy) and its method, bound to the copy.
    """
    fresh = copy.copy(declared)
    fresh.__dict__.pop("_field", None)
    fresh.extra = dict(declared.extra)
    if declared.method is not None:
        fresh.method = declared.method  # a FilterMethod that calls this copy's parent
    fresh.model = model
    fresh.parent = filterset
    return fresh


class FilterForm(forms.Form):
    """The filter form, over the fields this request's filters built.

    django-filter builds a form class per request and ``Form.__init__`` deep-copies
    its fields, which the filters had just built for this request alone.
    """

    def __init__(self, data, *, fields):
        super().__init__(data)
        self.fields = fields


class TicketFilter(df.FilterSet):
    q = df.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    status = df.MultipleChoiceFilter(
        label=_("Status"),
        choices=Ticket.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_status",
    )
    client = OptionFilter(label=_("Client"), field_name="client_id")
    unit = OptionFilter(label=_("Unit"), field_name="unit_id", empty_label=_("All units"))
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

    def __init__(self, data=None, *, queryset, scope, client_ids, contract_ids, panel=False):
        """``panel``: the response draws the "More filters" panel (its htmx fragment).

        The full page draws that panel only when one of its filters is set; otherwise
        the page leaves it empty and the browser asks for it when it is opened, so
        the page loads only the unit choices (and those of any filter in use).
        """
        # FilterSet.__init__, but for the copy of the filters: it deep-copies every
        # declared filter (choice lists, lazy labels, widgets) on every request, and
        # the form copies them again: 0.7 ms of each list request (bench/README.md).
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = None
        self.form_prefix = None
        self.scope = scope
        self.client_count = len(client_ids)
        hidden = set(self.hidden_filters())
        self.filters = {
            name: _fresh_filter(declared, self, queryset.model)
            for name, declared in self.base_filters.items()
            if name not in hidden
        }
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

    @property
    def form(self):
        if not hasattr(self, "_form"):
            fields = {name: declared.field for name, declared in self.filters.items()}
            self._form = FilterForm(self.data if self.is_bound else None, fields=fields)
        return self._form

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
    def index_order(self):
        """The list in an order an index gives one contract (or client) at a time
        (paging.merged_keys), with nothing filtered but at most one status: date order,
        on (contract or client, [status,] -created_at, -id); or any other sort
        (HISTORY_SORTS) over every status or a closed one, on (contract or client, the
        sort's columns). An open status in another sort is left to its status index:
        its tickets are few, and walking the sort's index for them read past the
        closed ones (gestor_big's open tickets by deadline 20 → 99 ms at 1M;
        bench/README.md). A text search merges only as ``merges_its_search`` says."""
        if not self.is_bound or not self.form.is_valid():
            return False
        chosen = self.form.cleaned_data
        sort, statuses = chosen.get("sort"), chosen.get("status") or []
        if any(
            value not in (None, "", [], False)
            for name, value in chosen.items()
            if name not in {"sort", "status", "q"}
        ):
            return False
        words = _search_value(chosen.get("q"))
        if words:
            return self.merges_its_search(words, sort, statuses)
        if len(statuses) > 1:
            return False
        if sort in DATE_SORTS:
            return True
        return sort in HISTORY_SORTS and set(statuses) <= set(Ticket.CLOSED_STATUSES)

    @staticmethod
    def merges_its_search(words, sort, statuses):
        """A search of one word, over every status, in date order, walks each contract's
        tickets newest first and tests the word on them: a small provider's Gestor's
        tickets lie thinly through the global date index, and PostgreSQL 15 tests his
        contracts there only on the table row (an ``= ANY`` on an index's later column),
        so it read 19,500 tickets to find 101 with "vazamento". At 1M tickets, his keys
        77.7 → 4.9 ms for that word, 42–121 → 3.6–7.9 ms for other common ones; a word
        found nowhere 0.6 → 7.3 ms (each contract ANDed with the trigram index). Kept to
        one word of three letters or more: a phrase of common words ran the trigram
        index once per contract (38 → 95 ms), and a pattern the trigram indexes cannot
        serve reads every ticket either way. With a status, the open tickets' trigram
        indexes (migration 0004) answer faster unmerged (bench/README.md)."""
        one_word = len(words) >= 3 and not any(c.isspace() for c in words) and not _is_number(words)
        return one_word and not statuses and sort in DATE_SORTS

    @property
    def active_count(self):
        if not self.is_bound or not self.form.is_valid():
            return 0
        return sum(
            1
            for k, v in self.form.cleaned_data.items()
            if k not in {"sort", "q"} and v not in (None, "", [], False)
        )

    @property
    def text_search(self):
        """A search for words (not a ticket number) is in use: the page counts its
        matches only to ``paging.SEARCH_COUNT_CAP``."""
        if not self.is_bound or not self.form.is_valid():
            return False
        value = _search_value(self.form.cleaned_data.get("q"))
        return bool(value) and not _is_number(value)

    def filter_q(self, queryset, name, value):
        value = _search_value(value)
        if not value:
            return queryset
        if _is_number(value):
            # A ticket number; anything longer than any number can be matches nothing.
            return queryset.filter(number=int(value) if len(value) <= 9 else 0)
        # On PostgreSQL both sides are covered by pg_trgm GIN indexes on UPPER(column),
        # which is exactly what icontains compiles to (migration 0002), led by the
        # technician's key for Meus tickets (migration 0008).
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
