"""A larger statistics target for the text search's trigram indexes, on PostgreSQL.

PostgreSQL estimates how many tickets a ``LIKE '%word%'`` matches from the
statistics ANALYZE keeps of each indexed expression (``UPPER(title)``...): its most
common values and a histogram, 100 entries each by default. With those the estimate for one and the same word moved 30-fold between two
loads of the benchmark's 1M tickets: "vazamento", in 83,000 titles, was taken for
127,000 once and for 4,600 the next time, and then the planner gathered all 83,000
through the trigram index to keep a client's 101 newest (143 ms) instead of reading
that client's tickets newest first until it had them (6 ms). With 1000 it estimated
25,000 of the client's 25,000 (bench/README.md). ANALYZE reads no more rows for it:
migration 0002's target of 1000 on ``executante_id`` already has it sample 300,000
rows of the table (about 8 s at 1M tickets either way).
"""

from django.db import migrations

INDEXES = [
    "ticket_title_trgm",
    "ticket_description_trgm",
    "ticket_open_title_trgm",
    "ticket_open_description_trgm",
]


def postgres_forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS 1000")


def postgres_backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_open_search_indexes"),
    ]

    operations = [
        migrations.RunPython(postgres_forward, postgres_backward, elidable=False),
    ]
