"""Pagination that never counts a large set exactly, in one query per page.

An exact COUNT over hundreds of thousands of rows costs tens of milliseconds even
when indexed; people need "is there more" and a rough size, not the exact number.
We count only as far as the page reaches (at least COUNT_CAP rows, shown as
"1.000+") and page by offset up to MAX_PAGES; past that, the list asks for a
narrower filter.

The page is one SQL statement:
- the page's keys come from an index-only scan of the visible, filtered, ordered
  tickets (``id = ANY(ARRAY(SELECT id ... ORDER BY ... LIMIT 26 OFFSET n))``), so a
  deep page skips its offset in the index instead of fetching and joining every
  skipped row (a "deferred join");
- only those 26 rows are fetched in full, with their joins;
- the capped count rides along as an uncorrelated scalar subquery, which the
  database runs once (PostgreSQL: an InitPlan).
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, F, Func, IntegerField, Subquery
from django.db.models.expressions import RawSQL

PAGE_SIZE = 25
COUNT_CAP = 1000
MAX_PAGES = 400


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool
    count: int
    count_capped: bool
    page_size: int

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def next_number(self):
        return self.number + 1

    @property
    def previous_number(self):
        return self.number - 1

    @property
    def start_index(self):
        return (self.number - 1) * self.page_size + 1 if self.object_list else 0

    @property
    def end_index(self):
        return self.start_index + len(self.object_list) - 1 if self.object_list else 0

    @property
    def at_limit(self):
        return self.number >= MAX_PAGES and self.has_next


def page_number(raw) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGES)
    except (TypeError, ValueError):
        return 1


def ordering_of(queryset) -> tuple:
    return tuple(queryset.query.order_by or queryset.model._meta.ordering or ("pk",))


def capped_count(queryset, cap: int) -> RawSQL:
    """``SELECT COUNT(*) FROM (<queryset's ids> LIMIT cap)`` as an expression.

    Django cannot count a sliced subquery; the inner SQL is compiled by Django
    itself (parameters stay parameters), so nothing from the request is pasted in.
    """
    inner = queryset.order_by().values("pk")[:cap]
    try:
        sql, params = inner.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter Django knows matches nothing (e.g. an out-of-range number)
        return RawSQL("SELECT 0", [], output_field=IntegerField())  # noqa: S611
    count = f"SELECT COUNT(*) FROM ({sql}) capped"  # noqa: S608 - compiled by Django, values are params
    return RawSQL(count, params, output_field=IntegerField())  # noqa: S611


class InKeys(Func):
    """``pk = ANY(ARRAY(<keys>))`` (PostgreSQL).

    With ``pk IN (<keys>)`` the planner treats the keys as one more relation to
    join; with the list's seven select_related joins that is past its join
    reordering limit, and it may join every ticket before looking at the 26 keys.
    ``ARRAY(subquery)`` is computed first, once (an InitPlan), and the rows are
    then fetched by primary key.
    """

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()


def by_keys(fetch, keys):
    if connections[fetch.db].vendor == "postgresql":
        return fetch.filter(InKeys(F("pk"), Subquery(keys)))
    return fetch.filter(pk__in=keys)


def paginate(queryset, raw_page, page_size: int | None = None, *, rows=None) -> Page:
    """One page of ``queryset`` (the visible, filtered, ordered rows).

    ``rows(qs)`` adds what the page shows (select_related, prefetch_related) to the
    queryset that fetches the page's rows by key; it defaults to nothing.
    """
    page_size = page_size or PAGE_SIZE
    number = page_number(raw_page)
    ordering = ordering_of(queryset)
    while True:
        offset = (number - 1) * page_size
        cap = max(COUNT_CAP, offset + page_size) + 1
        keys = queryset.order_by(*ordering).values("pk")[offset : offset + page_size + 1]
        # The keys come from the visible queryset: fetching their rows by key reaches
        # nothing more than it does.
        fetch = by_keys(queryset.model._default_manager.all(), keys)
        if rows is not None:
            fetch = rows(fetch)
        found = list(fetch.annotate(capped_count=capped_count(queryset, cap)).order_by(*ordering))
        if found or number == 1:
            break
        # Past the end (an old link, a list that shrank): show the last page instead.
        total = queryset.order_by()[:cap].count()
        number = max(1, min(number - 1, -(-total // page_size)))
    has_next = len(found) > page_size
    found = found[:page_size]
    count = found[0].capped_count if found else 0
    capped = count >= cap
    return Page(found, number, has_next, min(count, cap - 1), capped, page_size)
