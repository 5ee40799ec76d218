"""The trigram indexes of the open tickets (migration 0004): a search the status filter
keeps to open tickets can use them, one that reaches closed tickets cannot (their
predicate would exclude its rows). On SQLite there are no such indexes; the search
answers the same either way."""

import re

import pytest
from django.db import connection
from django.http import QueryDict

from tickets import access
from tickets.filters import TicketFilter
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
ON_POSTGRES = connection.vendor == "postgresql"


def search(query, queryset):
    return TicketFilter(QueryDict(query), queryset=queryset, scope="queue", client_ids=[], contract_ids=[]).qs


def open_indexes_planned(queryset):
    """The open tickets' trigram indexes PostgreSQL uses for ``queryset`` when they are
    the only indexes left on the table that could serve it (the others are dropped in
    this test's transaction, which rolls back), so the plan shows whether it may use
    them at all: whether the query implies their predicate, not which index a tiny test
    table makes cheapest."""
    sql, params = queryset.values_list("pk", flat=True).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname FROM pg_indexes i
            JOIN pg_class c ON c.relname = i.indexname AND c.relkind = 'i'
            WHERE i.schemaname = current_schema() AND i.tablename = 'tickets_ticket'
              AND i.indexname NOT LIKE 'ticket_open_%%'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            """
        )
        others = [name for (name,) in cursor.fetchall()]
        assert {"ticket_title_trgm", "ticket_contract_status"} <= set(others)
        cursor.execute("DROP INDEX " + ", ".join(others))
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return set(re.findall(r" on (ticket_open_\w+) ", plan))


def test_a_search_of_open_tickets_uses_the_open_tickets_trigram_indexes(world):
    gestor = world["gestor"]
    queue = access.gestor_tickets(gestor)
    assert list(search("status=aberto&q=refletor", queue)) == [world["t1"]]
    assert list(search("status=vistoriado&q=refletor", queue)) == []


@pytest.mark.parametrize(
    ("query", "usable"),
    [
        ("status=aberto&q=refletor", True),
        ("status=aberto&status=em_execucao&status=executado&q=refletor", True),
        # Vistoriado is closed: only the whole table's indexes hold such tickets.
        ("status=aberto&status=vistoriado&q=refletor", False),
        ("q=refletor", False),
    ],
)
def test_the_open_tickets_indexes_serve_a_search_the_status_keeps_to_open_tickets(world, query, usable):
    if not ON_POSTGRES:
        # Migration 0004 builds them on PostgreSQL only: SQLite scans, fine at its sizes.
        with connection.cursor() as cursor:
            names = connection.introspection.get_constraints(cursor, Ticket._meta.db_table)
        assert "ticket_title_trgm" not in names and not any(n.startswith("ticket_open_") for n in names)
        return
    # The filter's own SQL: its status condition must imply the indexes' predicate.
    planned = open_indexes_planned(search(query, Ticket.objects.all()))
    # Which of the two it takes, and whether for the words or only for the predicate,
    # depends on the test table's statistics; that it may take one is the point.
    assert bool(planned) is usable
    assert planned <= {"ticket_open_title_trgm", "ticket_open_description_trgm"}
