"""The text search's trigram indexes lead with the technician, on PostgreSQL only.

A technician's search in Meus tickets matched the word through the trigram index of
every ticket, then kept his own: at 1M tickets "vazamento" gathered the 83,000
titles with the word to keep his 803 (18 ms of a 23 ms statement, and growing with
everyone's tickets). A GIN index over (executante_id, UPPER(column)) answers both
conditions in one scan, 6 ms; a word found nowhere stays at a tenth of a
millisecond (bench/README.md). ``executante_id`` is a GIN column through btree_gin,
whose operator classes hold no cross-type operators: the condition must compare a
bigint with a bigint (tickets.access casts the person's key).

The indexes replace those of migrations 0002 and 0004 rather than joining them: GIN
keeps each column's keys apart, so a search with no technician (the queue, a
client's list) scans the trigram keys of these just as it did the old ones, at about
the same size (title 48 → 54 MB at 1M). The statistics target of migration 0005
moves with the expression, now the second column, and the table is analysed at once:
an expression's statistics go with its dropped index, and without them PostgreSQL
guesses how many tickets a word matches until autovacuum next analyses the table
(after a tenth of it has changed).
"""

from django.db import migrations

# Ticket.CLOSED_STATUSES, as in migration 0004.
OPEN = "NOT (status IN ('vistoriado', 'arquivado'))"
# (new name, old name, column, predicate)
INDEXES = [
    ("ticket_executante_title_trgm", "ticket_title_trgm", "title", ""),
    ("ticket_executante_description_trgm", "ticket_description_trgm", "description", ""),
    ("ticket_open_executante_title_trgm", "ticket_open_title_trgm", "title", OPEN),
    ("ticket_open_executante_description_trgm", "ticket_open_description_trgm", "description", OPEN),
]


def _create(schema_editor, name, columns, predicate, expression_column):
    where = f" WHERE {predicate}" if predicate else ""
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON tickets_ticket USING gin ({columns}){where}")
    schema_editor.execute(f"ALTER INDEX {name} ALTER COLUMN {expression_column} SET STATISTICS 1000")


def postgres_forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    for name, old, column, predicate in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {old}")
        _create(schema_editor, name, f"executante_id, UPPER({column}) gin_trgm_ops", predicate, 2)
    schema_editor.execute("ANALYZE tickets_ticket")


def postgres_backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, old, column, predicate in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        _create(schema_editor, old, f"UPPER({column}) gin_trgm_ops", predicate, 1)
    schema_editor.execute("ANALYZE tickets_ticket")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0007_overdue_index"),
    ]

    operations = [
        migrations.RunPython(postgres_forward, postgres_backward, elidable=False),
    ]
