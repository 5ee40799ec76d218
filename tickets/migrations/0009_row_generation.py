"""The sequence whose value stamps every cached list row (tickets/row_cache.py): a
rename of anything a row prints moves it on, so no row drawn before is used again.
PostgreSQL only: the rows are cached only there."""

from django.db import migrations

SEQUENCE = "tickets_row_generation"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_technician_search_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
