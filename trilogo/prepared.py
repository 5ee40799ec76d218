"""SQL that PostgreSQL parses and plans once per connection instead of on every call.

Every request runs the reach query (tickets/access.py), and PostgreSQL spent more
time planning it (about 0.4 ms: three branches over eight small tables) than running
it (about 0.1 ms). As a prepared statement it is planned once per database
connection, which lives for many requests (CONN_MAX_AGE): 0.75 ms a round trip
became 0.2 ms (bench/README.md).

Prepared statements belong to one connection. Django's ``connection_created`` signal
marks each new connection as having none; the first call on a connection prepares
the statement. PostgreSQL keeps a prepared statement when a transaction rolls back
and re-plans it by itself when a table it reads changes. A connection pooler that
resets server connections between transactions (PgBouncer in transaction mode)
would drop them: turn ``PREPARED_STATEMENTS`` off there (an environment variable,
trilogo/settings.py). Other databases run the plain SQL.
"""

import hashlib
import itertools
import re

from django.conf import settings

_PARAMETER = re.compile(r"%\((\w+)\)s")


def prepares(database) -> bool:
    """Whether statements are prepared on ``database`` (a Django connection)."""
    return database.vendor == "postgresql" and settings.PREPARED_STATEMENTS


class PreparedStatement:
    """``sql`` with ``%(name)s`` parameters, typed by ``types`` ({name: PostgreSQL type})."""

    def __init__(self, name: str, sql: str, types: dict[str, str]):
        self.name = name
        self.sql = sql
        self.order = list(types)
        numbered = _PARAMETER.sub(lambda m: f"${self.order.index(m.group(1)) + 1}", sql)
        self.prepare = f"PREPARE {name}({', '.join(types.values())}) AS {numbered}"
        self.execute_sql = f"EXECUTE {name}({', '.join(['%s'] * len(self.order))})"

    def execute(self, cursor, params: dict):
        """Run it on ``cursor`` (a Django cursor)."""
        database = cursor.db  # this thread's connection, not the module-level proxy
        if not prepares(database):
            cursor.execute(self.sql, params)
            return
        prepared = database.__dict__.setdefault("trilogo_prepared", set())
        if self.name not in prepared:
            cursor.execute(self.prepare)
            prepared.add(self.name)
        cursor.execute(self.execute_sql, [params[name] for name in self.order])


def forget_prepared(sender, connection, **kwargs):
    """A new database connection has no prepared statements (``connection_created``)."""
    connection.__dict__["trilogo_prepared"] = set()


# Django's placeholders, and its escaped percent sign, in the SQL the ORM compiles.
_ORM_PLACEHOLDER = re.compile(r"%%|%s")
# How many statements ``reuse_plans`` prepares on one connection; past it they run
# plain. The statements it serves differ only by how many keys or ids they carry.
REUSED_MAX = 200


def reuse_plans(execute, sql, params, many, context):
    """A ``connection.execute_wrapper``: each statement is prepared once per
    connection, named after its text, and executed by name from then on.

    Only for statements whose best plan cannot depend on their parameters: after
    five runs PostgreSQL may keep one generic plan for any values. A ticket looked
    up by its key (its reach checked on that one row), a ticket's related tickets
    found from its key: each starts from one primary key whatever the values.
    Planning the ticket page's ticket took PostgreSQL 0.5 ms at 1M tickets and
    running it 0.1 ms. Not a list's keys, whose plan depends on whose tickets they
    are (psycopg 3's prepare-everything made a technician's search 3x slower,
    bench/README.md), nor a page's rows: for a technician's 25 cards the generic
    plan intersected the 25 keys with all 10,000 of his tickets (0.5 -> 2.0 ms).
    """
    database = context["connection"]
    if many or not prepares(database) or not isinstance(params, (list, tuple)):
        return execute(sql, params, many, context)
    prepared = database.__dict__.setdefault("trilogo_prepared", set())
    name = "trilogo_plan_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
    if name not in prepared:
        if len(prepared) >= REUSED_MAX:
            return execute(sql, params, many, context)
        number = itertools.count(1)
        numbered = _ORM_PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(number)}", sql)
        execute(f"PREPARE {name} AS {numbered}", None, False, context)
        prepared.add(name)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    return execute(f"EXECUTE {name}{arguments}", params, many, context)
