"""Trigram indexes over the tickets not yet closed, on PostgreSQL only.

A search with an open status (the queue's "Aberto", the default Meus tickets) ran
the whole table's trigram index: at 1M tickets a common word ("vazamento", 8 % of
titles) gathered 83,000 matches to keep the 868 of one provider's open tickets,
30 ms of the page's SQL, and growing with every ticket ever closed. These indexes
hold only the open tickets, the ones people work on, so PostgreSQL picks them
whenever the status filter leaves out the closed ones: 9 ms for the same page
(bench/README.md). Searches over every status keep the indexes of migration 0002.
"""

from django.db import migrations

# Ticket.CLOSED_STATUSES, as in ticket_contract_open_load: a query's status filter
# implies the predicate, so the planner knows the index covers it.
OPEN = "NOT (status IN ('vistoriado', 'arquivado'))"
TRIGRAM = [
    ("ticket_open_title_trgm", "title"),
    ("ticket_open_description_trgm", "description"),
]


def postgres_forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON tickets_ticket "
            f"USING gin (UPPER({column}) gin_trgm_ops) WHERE {OPEN}"
        )


def postgres_backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_pdf_jobs"),
    ]

    operations = [
        migrations.RunPython(postgres_forward, postgres_backward, elidable=False),
    ]
