"""Indexes for the ticket lists at a million tickets (issue 5, bench/README.md).

Besides the B-tree indexes declared on Ticket.Meta, on PostgreSQL only:
- pg_trgm GIN indexes on UPPER(title) and UPPER(description): exactly what
  ``icontains`` compiles to there, so the list's text search is indexed (SQLite
  keeps a plain scan, fine at its sizes);
- a larger statistics sample for the columns whose values are very skewed (a
  technician with 10,000 tickets next to one with 20): with the default sample the
  planner misjudges the sparse people and picks plans that walk a whole index.
"""

from django.db import migrations, models

TRIGRAM = [
    ("ticket_title_trgm", "title"),
    ("ticket_description_trgm", "description"),
]
STATISTICS = [
    ("tickets_ticketuserobjectpermission", "user_id"),
    ("tickets_ticket", "executante_id"),
]


def postgres_forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON tickets_ticket USING gin (UPPER({column}) gin_trgm_ops)"
        )
    for table, column in STATISTICS:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS 1000")


def postgres_backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for table, column in STATISTICS:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_executante_status",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_contract_open_deadline",
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["client", "status", "-created_at", "-id"], name="ticket_client_status"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["-created_at", "-id", "contract", "client", "status"], name="ticket_recent_scoped"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["executante", "-created_at", "-id"], name="ticket_executante_recent"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["executante", "status", "deadline", "-created_at", "-id"],
                name="ticket_executante_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", ["vistoriado", "arquivado"]), _negated=True),
                fields=["contract", "deadline", "executante"],
                name="ticket_contract_open_load",
            ),
        ),
        migrations.RunPython(postgres_forward, postgres_backward, elidable=False),
    ]
