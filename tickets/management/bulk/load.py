"""Writing batches (COPY on PostgreSQL, executemany elsewhere) and adding N tickets."""

import io
import json
from datetime import date, datetime

from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.db.models import Max

from accounts.models import ClientCompany
from providers.models import ProviderMember
from tickets.models import Comment, Ticket, TicketEvent, TicketUserObjectPermission

from .rows import Batch, Generator
from .world import SPARSE, World

# ---- Writers: COPY on PostgreSQL, executemany elsewhere ------------------------------------------


def _escape(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        value = value.replace("\r", "\\r")
    return value


# COPY's text format, by Python type (a dict lookup is much cheaper than isinstance chains).
_COPY_TEXT = {
    type(None): lambda v: r"\N",
    bool: lambda v: "t" if v else "f",
    int: str,
    str: _escape,
    datetime: datetime.isoformat,
    date: date.isoformat,
    dict: lambda v: _escape(json.dumps(v, ensure_ascii=False)),
}


def _write(table: str, columns: list[str], rows: list[tuple], fields=None) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        cols = ", ".join(f'"{c}"' for c in columns)
        if connection.vendor == "postgresql":
            conv = _COPY_TEXT
            buffer = io.StringIO()
            buffer.writelines("\t".join([conv[type(v)](v) for v in row]) + "\n" for row in rows)
            buffer.seek(0)
            cursor.cursor.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', buffer)
        else:
            # Let each field adapt its value for the backend (dates, JSON, booleans).
            if fields:
                rows = [
                    tuple(f.get_db_prep_value(v, connection) for f, v in zip(fields, row, strict=True))
                    for row in rows
                ]
            marks = ", ".join(["%s"] * len(columns))
            # Table and column names come from the models, values are parameters.
            cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)  # noqa: S608


def _model_columns(model, names: list[str]):
    fields = [model._meta.get_field(n) for n in names]
    return [f.column for f in fields], fields


def _reserve_ticket_ids(count: int) -> int:
    """The first of ``count`` consecutive ticket ids nobody else will take."""
    table = Ticket._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            seq = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [seq])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
            return first
    return (Ticket.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def write_batch(batch: Batch) -> None:
    ticket_fields = [f for f in Ticket._meta.concrete_fields]
    rows = []
    for t in batch.tickets:
        rows.append(tuple(t[f.attname] if f.attname in t else f.get_default() for f in ticket_fields))
    _write(Ticket._meta.db_table, [f.column for f in ticket_fields], rows, ticket_fields)

    through = Ticket.tags.through
    cols, fields = _model_columns(through, ["ticket", "tag"])
    _write(through._meta.db_table, cols, batch.ticket_tags, fields)
    related = Ticket.related.through
    cols, fields = _model_columns(related, ["from_ticket", "to_ticket"])
    _write(related._meta.db_table, cols, batch.related, fields)
    cols, fields = _model_columns(Comment, ["client", "ticket", "author", "body", "created_at"])
    _write(Comment._meta.db_table, cols, batch.comments, fields)
    cols, fields = _model_columns(
        TicketEvent, ["client", "ticket", "actor", "kind", "data", "financial", "created_at"]
    )
    _write(TicketEvent._meta.db_table, cols, batch.events, fields)
    perm_names = ["permission", "user", "content_object", "client"]
    cols, fields = _model_columns(TicketUserObjectPermission, perm_names)
    _write(TicketUserObjectPermission._meta.db_table, cols, batch.perms, fields)


def _sparse_missing(world: World) -> tuple[int, int]:
    tiny = Ticket.objects.filter(client=world.tiny.client).count()
    newcomer = Ticket.objects.filter(executante_id=world.newcomer).count()
    return max(0, SPARSE - tiny), max(0, SPARSE - newcomer)


BULK_TABLES = (
    Ticket,
    Ticket.tags.through,
    Ticket.related.through,
    Comment,
    TicketEvent,
    TicketUserObjectPermission,
)


def _secondary_indexes() -> list[tuple[str, str]]:
    """(name, SQL that builds it again) of the bulk tables' indexes that back no
    constraint: its CREATE INDEX, then the statistics target of any of its columns
    set apart (migration 0005), which dropping the index forgets."""
    tables = [m._meta.db_table for m in BULK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef,
              ARRAY(SELECT a.attnum || ' ' || a.attstattarget FROM pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attstattarget > 0 ORDER BY a.attnum)
            FROM pg_indexes i
            JOIN pg_class c ON c.relname = i.indexname AND c.relkind = 'i'
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            ORDER BY i.indexname
            """,
            [tables],
        )
        return [
            (
                name,
                ";\n".join(
                    [
                        sql,
                        *(
                            f'ALTER INDEX "{name}" ALTER COLUMN {column} SET STATISTICS {target}'
                            for column, target in (pair.split() for pair in targets)
                        ),
                    ]
                ),
            )
            for name, sql, targets in cursor.fetchall()
        ]


def add_tickets(
    world: World,
    count: int,
    *,
    batch_size: int = 20_000,
    seed: int = 42,
    rebuild_indexes: bool | None = None,
    progress=None,
) -> int:
    """Add ``count`` tickets in batches; returns how many were added.

    On PostgreSQL a large load (at least as many new tickets as there are already)
    drops the secondary indexes and builds them again at the end, in the same
    transaction: building a GIN trigram index once is far cheaper than updating it
    row by row. Smaller loads commit batch by batch.
    """
    postgres = connection.vendor == "postgresql"
    if rebuild_indexes is None:
        rebuild_indexes = postgres and count >= max(50_000, Ticket.objects.count())
    rebuild_indexes = rebuild_indexes and postgres
    gen = Generator(world, seed + Ticket.objects.count())
    tiny_missing, newcomer_missing = _sparse_missing(world)
    done = 0

    def one_batch(size):
        nonlocal tiny_missing, newcomer_missing
        batch = Batch()
        first = _reserve_ticket_ids(size)
        for offset in range(size):
            if tiny_missing:
                tiny_missing -= 1
                gen.ticket(first + offset, batch, world.tiny, force=("tiny",))
            elif newcomer_missing:
                newcomer_missing -= 1
                gen.ticket(first + offset, batch, gen._pick_client(), force=("newcomer",))
            else:
                gen.ticket(first + offset, batch)
        write_batch(batch)
        for client_id, number in gen.numbers.items():
            ClientCompany.objects.filter(pk=client_id, last_ticket_number__lt=number).update(
                last_ticket_number=number
            )
        return batch

    def tune(cursor):
        if postgres:
            # Made-up data: no need to wait for the WAL flush at every commit.
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Every id written here was just read from its table: skip the millions of
            # foreign-key trigger checks (minutes at 1M) where the role may do so.
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError:
                pass

    if rebuild_indexes:
        with transaction.atomic(), connection.cursor() as cursor:
            tune(cursor)
            indexes = _secondary_indexes()
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            while done < count:
                size = min(batch_size, count - done)
                batch = one_batch(size)
                done += size
                if progress:
                    progress(done, batch)
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: check them now,
            # an index cannot be built over rows with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name, sql in indexes:
                if progress:
                    progress(done, None, f"index {name}")
                cursor.execute(sql)
        return done
    while done < count:
        size = min(batch_size, count - done)
        with transaction.atomic(), connection.cursor() as cursor:
            tune(cursor)
            batch = one_batch(size)
        done += size
        if progress:
            progress(done, batch)
    return done


def finish() -> None:
    """Fresh statistics and visibility maps, so the planner and index-only scans see the new rows."""
    if connection.vendor != "postgresql":
        return
    tables = [
        Ticket._meta.db_table,
        Ticket.tags.through._meta.db_table,
        Comment._meta.db_table,
        TicketEvent._meta.db_table,
        TicketUserObjectPermission._meta.db_table,
        ProviderMember._meta.db_table,
        Group._meta.db_table,
    ]
    # VACUUM cannot run inside a transaction (a test, a caller's atomic block).
    vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'{vacuum} "{table}"')
        cursor.execute("ANALYZE")  # the small tables too (people, units, contracts...)
