"""Django's database sessions, with the read every request makes as one prepared
statement on PostgreSQL (``SESSION_ENGINE = "trilogo.sessions"``).

``Session.objects.get(session_key=..., expire_date__gt=now)`` cost the ORM about
0.3 ms to build and compile on every request, and PostgreSQL planned it each time
(bench/README.md). The statement is the same query: a session past its expiry date
is no session. Writing, rotating and deleting sessions stay Django's own; on other
databases, or with ``PREPARED_STATEMENTS`` off, so does reading.
"""

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from trilogo.prepared import PreparedStatement, prepares


@cache
def _read_statement(table: str) -> PreparedStatement:
    sql = f"SELECT session_data FROM {table} WHERE session_key = %(key)s AND expire_date > %(now)s"  # noqa: S608 - the model's table
    return PreparedStatement("trilogo_session", sql, {"key": "varchar", "now": "timestamptz"})


class SessionStore(db.SessionStore):
    def load(self):
        database = connections[router.db_for_read(self.model)]
        if not prepares(database):
            return super().load()
        statement = _read_statement(database.ops.quote_name(self.model._meta.db_table))
        with database.cursor() as cursor:
            statement.execute(cursor, {"key": self.session_key, "now": timezone.now()})
            row = cursor.fetchone()
        if row is None:  # unknown or expired: as Django's, a new session from here on
            self._session_key = None
            return {}
        return self.decode(row[0])
