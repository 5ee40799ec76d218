"""Pagination that never counts a large set exactly, in two queries per page.

An exact COUNT over hundreds of thousands of rows costs tens of milliseconds even
when indexed; people need "is there more" and a rough size, not the exact number.
We count only as far as the page reaches (at least COUNT_CAP rows, shown as
"1.000+"; SEARCH_COUNT_CAP, "100+", for a text search) and page by offset up to
MAX_PAGES; past that, the list asks for a narrower filter.

A page is two statements:
- its keys and the capped count, from one ordered scan of the visible, filtered
  tickets' first COUNT_CAP + 1 keys (an index-only scan where an index matches the
  order): a deep page skips its offset in the index instead of fetching and joining
  every skipped row (a "deferred join"), and a text search runs its trigram bitmap
  once, where counting and paging separately ran it twice (bench/README.md);
- only those 25 rows, fetched by primary key with their joins.

A person whose reach is several contracts (or clients) sees their tickets spread
thinly through the global date index: a small provider's Gestor with 7 % of all
tickets had 15,000 index entries read to find his first 1,001, and ten times that
for page 400, growing with every other provider's tickets. When the list is in date
order and nothing but one status is filtered, the keys come instead from one
ordered index scan per contract, merged (``merge_on``): PostgreSQL's Merge Append
reads about as many entries as the page needs, whoever else's tickets lie in between.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F
from django.db.models.expressions import Col
from django.db.models.lookups import In
from django.db.models.sql.where import AND

from . import row_cache

PAGE_SIZE = 25
COUNT_CAP = 1000
# A text search finds its rows by testing each candidate in date order (for a common
# word PostgreSQL walks the date index; the trigram index only wins for rare ones), so
# its cost is the count's reach divided by how common the word is: at 1M tickets
# "descarga" (5 % of titles) tested 38,000 rows to count 1,001 and 4,000 to count
# 101 (bench/README.md). Who searches wants the newest matches, not how many.
SEARCH_COUNT_CAP = 100
MAX_PAGES = 400
# Each merged branch costs about 0.2 ms to compile and plan (bench/README.md): past a
# few contracts that outweighs what merging saves, so a wider reach keeps one scan.
MERGE_MAX = 8


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


def within_cap(raw_page) -> bool:
    """Whether page ``raw_page`` ends within the first ``COUNT_CAP`` keys: its keys
    statement then reads at most ``COUNT_CAP + 1`` of them."""
    return page_number(raw_page) * PAGE_SIZE <= COUNT_CAP


def page_number(raw) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGES)
    except (TypeError, ValueError):
        return 1


def ordering_of(queryset) -> tuple:
    return tuple(queryset.query.order_by or queryset.model._meta.ordering or ("pk",))


def keys_and_count(queryset, offset: int, size: int, cap: int, merge_on=None) -> tuple[list, int]:
    """The keys of rows ``offset`` to ``offset + size`` of the ordered ``queryset``, and
    how many rows it has, counted up to ``cap``, from one scan of its first ``cap`` keys.

    PostgreSQL gathers those keys into one array and returns only the page's slice and
    the array's length, so a deep page does not ship its offset's keys over the wire.
    ``merge_on``: see ``merged_keys``.
    """
    if connections[queryset.db].vendor != "postgresql":
        keys = list(queryset.values_list("pk", flat=True)[:cap])
        return keys[offset : offset + size], len(keys)
    keys, count, *_ = _page_statement(queryset, offset, size, cap, merge_on)
    return keys, count


def keys_count_and_stamps(queryset, offset, size, cap, merge_on=None) -> tuple[list, int, list, int]:
    """``keys_and_count`` (PostgreSQL), with each key's row stamp and the row
    generation read by the same statement (tickets/row_cache.py): the stamps are of
    exactly the tickets that statement found visible."""
    stamps_sql = row_cache.STAMPS_SQL
    keys, count, stamps, generation = _page_statement(queryset, offset, size, cap, merge_on, stamps_sql)
    return keys, count, stamps or [], generation


def _page_statement(queryset, offset, size, cap, merge_on, more=None):
    ordered = queryset.values_list("pk", flat=True)[:cap]
    try:
        if (
            merge_on
            and 1 < len(merge_on[1]) <= MERGE_MAX
            and all(isinstance(t, str) for t in ordering_of(queryset))
        ):
            sql, params = merged_keys(queryset, merge_on, cap)
        else:
            sql, params = ordered.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter Django knows matches nothing (e.g. an out-of-range number)
        return [], 0, [], 0
    # The inner SQL is compiled by Django itself: values stay parameters. MATERIALIZED,
    # or the planner inlines the array into both of its uses and scans twice.
    columns = "keys[%s:%s], cardinality(keys)"
    slice_params = (offset + 1, offset + size)
    if more:
        columns += ", " + more.format(keys="keys[%s:%s]")
        slice_params *= 2
    statement = f"WITH page AS MATERIALIZED (SELECT ARRAY({sql}) AS keys) SELECT {columns} FROM page"  # noqa: S608
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(statement, (*params, *slice_params))
        return cursor.fetchone()


# Stands for each branch's value while the branch is compiled once (no field merged
# on holds negative values: they are primary keys).
_BRANCH = -987654321


def merged_keys(queryset, merge_on: tuple[str, list], cap: int) -> tuple[str, tuple]:
    """SQL for the first ``cap`` keys of the ordered ``queryset``, as the ordered merge
    of one branch per value of ``merge_on`` = (field, values): ``queryset`` narrowed to
    ``field = value``, each in the same order and limited to ``cap``.

    For an order an index on (field, that order) gives, each branch is an ordered
    index scan and PostgreSQL merges them (Merge Append), reading little more than
    ``cap`` entries in all. Each branch is ``queryset`` itself narrowed, so the keys
    are the same as without merging, and never more than ``queryset`` holds. The
    branch is compiled once and repeated with each value: building one queryset per
    value took the ORM about 0.3 ms each.
    """
    field, values = merge_on
    queryset = _without_implied(queryset, field, values)
    ordering = ordering_of(queryset)
    # The order's columns under fixed names, for the merge's own ORDER BY.
    columns = {f"merge_order_{i}": F(term.lstrip("-")) for i, term in enumerate(ordering)}
    branch = (
        queryset.filter(**{field: _BRANCH})
        .annotate(merge_key=F("pk"), **columns)
        .values_list("merge_key", *columns)
        .order_by(*ordering)[:cap]
    )
    sql, params = branch.query.get_compiler(queryset.db).as_sql()
    params = list(params)
    at = params.index(_BRANCH)
    merged_params = []
    for value in values:
        merged_params += [*params[:at], value, *params[at + 1 :]]
    union = " UNION ALL ".join([f"({sql})"] * len(values))
    order = ", ".join(
        f'merged."{name}" {"DESC" if term.startswith("-") else "ASC"}'
        for name, term in zip(columns, ordering, strict=True)
    )
    # Names and directions come from the ordering (strings the views allow), values stay parameters.
    statement = f'SELECT merged."merge_key" FROM ({union}) merged ORDER BY {order} LIMIT %s'  # noqa: S608
    return statement, (*merged_params, cap)


def _without_implied(queryset, field: str, values):
    """``queryset`` without its top-level ``field IN (...)`` conditions that hold for
    every one of ``values``: in a branch narrowed to ``field = value`` they are implied.

    Left in, PostgreSQL multiplies the two conditions' selectivities and expects half
    the rows a contract holds: at 10k tickets, where one contract holds about as many
    as the count's cap, it then sorted each contract's tickets instead of reading its
    ordered index (gestor_big's keys: 5.0 → 1.0 ms; at 1M 1.04 → 0.85 ms). Anything
    else in the queryset stays, and so does this condition when it is not plainly
    there (nested, negated, another table's column)."""
    where = queryset.query.where
    if where.connector != AND or where.negated:
        return queryset
    table = queryset.model._meta.db_table

    def implied(node):
        return (
            isinstance(node, In)
            and isinstance(node.lhs, Col)
            and node.lhs.alias == table
            and node.lhs.target.attname == field
            and isinstance(node.rhs, (list, tuple, set, frozenset))
            and set(values) <= set(node.rhs)
        )

    keep = [node for node in where.children if not implied(node)]
    if len(keep) == len(where.children):
        return queryset
    narrowed = queryset.all()
    narrowed.query.where = type(where)(keep, AND)
    return narrowed


def paginate(
    queryset,
    raw_page,
    page_size: int | None = None,
    *,
    rows=None,
    within=None,
    merge_on=None,
    count_cap: int | None = None,
    kept_rows=None,
) -> Page:
    """One page of ``queryset`` (the visible, filtered, ordered rows), in two queries:
    its keys with the capped count, then its rows by key.

    ``rows(qs)`` adds what the page shows (select_related, annotations) to the queryset
    that fetches the page's rows by key; it defaults to nothing. ``within`` is where
    those rows are fetched from: the person's reach, so that a ticket taken from him
    between the two statements is not drawn (default: the model's manager).
    ``merge_on`` = (field, values): ``queryset`` is within those values of ``field``
    and its order is one an index on (field, order) gives: see ``merged_keys``.
    ``count_cap``: how far to count when the page reaches less far (default
    ``COUNT_CAP``; a text search passes ``SEARCH_COUNT_CAP``).

    ``kept_rows``: the list (``"queue"``, ``"client"``, ``"mine"``) whose drawn rows
    are kept (tickets/row_cache.py). The keys statement then reads each key's stamp
    too; a row kept for that stamp is put in ``object_list`` as its HTML, and only the
    others are fetched, each carrying ``row_cache_key`` to be kept under. When all of
    them are kept the page has no rows statement.
    """
    page_size = page_size or PAGE_SIZE
    count_cap = COUNT_CAP if count_cap is None else count_cap
    number = page_number(raw_page)
    ordering = ordering_of(queryset)
    offset = (number - 1) * page_size
    cap = max(count_cap, offset + page_size) + 1
    if kept_rows and not row_cache.enabled(queryset.db):
        kept_rows = None
    page_keys = keys_count_and_stamps if kept_rows else keys_and_count

    def read(offset):
        return page_keys(queryset.order_by(*ordering), offset, page_size, cap, merge_on)

    keys, count, *stamped = read(offset)
    if not keys and number > 1:
        # Past the end (an old link, a list that shrank): show the last page instead.
        # The count is exact here (it stopped short of the cap).
        number = max(1, -(-count // page_size))
        offset = (number - 1) * page_size
        if count:
            keys, count, *stamped = read(offset)
    kept, found = {}, []
    page_rows = row_cache.PageRows(kept_rows, *stamped) if kept_rows else None
    if page_rows is not None:
        kept = page_rows.found()
    missing = [key for key in keys if key not in kept]
    if missing:
        # The keys come from the visible queryset; fetching their rows within the
        # reach again (a few primary-key probes) holds even if a grant went in between.
        source = within if within is not None else queryset.model._default_manager.all()
        fetch = source.filter(pk__in=missing)
        if rows is not None:
            fetch = rows(fetch)
        found = list(fetch.order_by(*ordering))
    if page_rows is not None:
        # In the keys' order (the page's), the kept rows' HTML among the fetched rows.
        by_key = {ticket.pk: ticket for ticket in found}
        for ticket in found:
            ticket.row_cache_key = page_rows.key_of(ticket.pk)
        found = [kept[key] if key in kept else by_key[key] for key in keys if key in kept or key in by_key]
    capped = count >= cap
    has_next = count > offset + page_size
    return Page(found, number, has_next, min(count, cap - 1), capped, page_size)
