"""The dropdown choices of a ticket list (units, clients, categories, tags, people),
from one query per request built from that request's reach.

Never cached across requests: the ids come from the person's reach computed for this
request, so the choices can never show more than it; a chosen value only narrows a
queryset that is already limited to that reach (tickets/filters.py).
"""

# The statement is fixed SQL: table names from the models' metadata, every id a
# parameter.
# ruff: noqa: S608
from collections import defaultdict
from datetime import date
from functools import cached_property
from typing import NamedTuple

from django.db import connection

from accounts.models import ClientCompany, Unit, User
from providers.models import ProviderMember

from .models import Category, Tag, Ticket

OPTION_FILTERS = ("client", "unit", "executante", "category", "tag")


class Option(NamedTuple):
    """One dropdown entry; ``pk`` and ``str()`` like the model instance it stands for.

    A named tuple: a list page builds one per unit of the person's clients (150 for
    the big Gestor of the benchmark) and a frozen dataclass costs twice as much."""

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
        """The chosen branches as one UNION ALL statement, each row (kind, id, text,
        text, count, date). Fixed SQL over the small tables: the ORM spent about 1 ms
        building and compiling the unit branch alone, on every list page."""
        table = {
            m: connection.ops.quote_name(m._meta.db_table)
            for m in (ClientCompany, Unit, Category, Tag, ProviderMember, Ticket, User)
        }
        people = (
            ("contract_id", self.contract_ids) if self.scope == "queue" else ("client_id", self.client_ids)
        )
        # Typed NULLs: PostgreSQL resolves a UNION's column types branch by branch.
        none = "CAST(NULL AS bigint), CAST(NULL AS date)"
        branches = {
            "client": (
                f"SELECT 'client', id, name, '', {none} FROM {table[ClientCompany]} WHERE ",
                "id",
                self.client_ids,
            ),
            "unit": (
                f"SELECT 'unit', id, code, name, {none} FROM {table[Unit]} WHERE ",
                "client_id",
                self.client_ids,
            ),
            "category": (
                f"SELECT 'category', id, path, '', {none} FROM {table[Category]} WHERE ",
                "client_id",
                self.client_ids,
            ),
            "tag": (
                f"SELECT 'tag', id, name, '', {none} FROM {table[Tag]} WHERE ",
                "client_id",
                self.client_ids,
            ),
            "executante": (
                f"SELECT 'executante', m.user_id, u.full_name, u.email, {none} FROM {table[ProviderMember]} m"
                f" JOIN {table[User]} u ON u.id = m.user_id WHERE m.active AND m.",
                *people,
            ),
        }
        if self.with_load:
            # The partial index of open tickets (contract, deadline, executante) answers it alone.
            closed = ", ".join(f"'{status}'" for status in Ticket.CLOSED_STATUSES)
            branches["load"] = (
                f"SELECT 'load', executante_id, '', '', COUNT(*), MIN(deadline) FROM {table[Ticket]}"
                f" WHERE executante_id IS NOT NULL AND NOT (status IN ({closed})) AND ",
                "contract_id",
                self.contract_ids,
                " GROUP BY executante_id",
            )
        statements, params = [], []
        for kind, (select, column, ids, *group_by) in branches.items():
            if kind in self.kinds or kind == "load":  # "load" is there only when asked for
                ids = ids or [None]  # IN (NULL): no rows
                statements.append(f"{select}{column} IN ({', '.join(['%s'] * len(ids))}){''.join(group_by)}")
                params.extend(ids)
        return " UNION ALL ".join(statements), params

    @cached_property
    def _rows(self):
        if not self.kinds:
            return []
        with connection.cursor() as cursor:
            cursor.execute(*self._query())
            rows = cursor.fetchall()
        # SQLite hands a raw MIN(date) back as text (only the "load" rows carry one).
        return [(*row[:5], date.fromisoformat(row[5])) if type(row[5]) is str else row for row in rows]

    @cached_property
    def by_kind(self) -> dict[str, list[Option]]:
        # {kind: {pk: (sort key, pk, label)}}: by pk, as the statement gives a technician
        # once per contract he is under.
        found = defaultdict(dict)
        for kind, pk, a, b, _count, _date in self._rows:
            if kind == "unit":
                found[kind][pk] = (b, pk, f"{a} · {b}")  # Unit.__str__, in order of name
            elif kind == "executante":
                label = a or b  # User.__str__: full name, else e-mail
                found[kind][pk] = (label.lower(), pk, label)
            elif kind != "load":
                found[kind][pk] = (a.lower(), pk, a)
        return {
            kind: [Option(pk, label) for _key, pk, label in sorted(found[kind].values())]
            for kind in OPTION_FILTERS
        }

    def choices(self, kind):
        return [(str(pk), label) for pk, label in self.by_kind[kind]]

    def allocation_choices(self):
        """Who can take the Gestor's tickets, with their open tickets and next deadline
        (the queue's bulk allocation, and the ticket page through
        tickets.selectors.allocation_choices), from the same query."""
        load = {pk: (count, day) for kind, pk, _a, _b, count, day in self._rows if kind == "load"}
        return [
            {
                "user": person,
                "open_count": load.get(person.pk, (0, None))[0],
                "next_deadline": load.get(person.pk, (0, None))[1],
            }
            for person in self.by_kind["executante"]
        ]
