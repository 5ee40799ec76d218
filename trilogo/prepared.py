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
