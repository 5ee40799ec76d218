"""The authentication backend: Django's ``ModelBackend``, with the user every request
loads read by one prepared statement on PostgreSQL.

``AuthenticationMiddleware`` loads the session's user on every request;
``User.objects.get(pk=...)`` cost the ORM about 0.25 ms to build and compile, and
PostgreSQL planned it each time (bench/README.md). The user comes back the same
(every column, ``user_can_authenticate`` still refuses an inactive one), and
``django.contrib.auth.get_user`` still checks the session's password hash. Logging
in, passwords and permissions are ``ModelBackend``'s own; on other databases, or
with ``PREPARED_STATEMENTS`` off, so is this.
"""

from functools import cache

from django.contrib.auth import backends, get_user_model
from django.db import connections, router

from trilogo.prepared import PreparedStatement, prepares


@cache
def _user_statement(table: str, pk: str, columns: tuple[str, ...]) -> PreparedStatement:
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {pk} = %(id)s"  # noqa: S608 - the model's own names
    return PreparedStatement("trilogo_user", sql, {"id": "bigint"})


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        database = connections[router.db_for_read(model)]
        if not prepares(database):
            return super().get_user(user_id)
        concrete = model._meta.concrete_fields
        quote = database.ops.quote_name
        statement = _user_statement(
            quote(model._meta.db_table),
            quote(model._meta.pk.column),
            tuple(quote(f.column) for f in concrete),
        )
        with database.cursor() as cursor:
            statement.execute(cursor, {"id": user_id})
            row = cursor.fetchone()
        if row is None:
            return None
        user = model.from_db(database.alias, [field.attname for field in concrete], row)
        return user if self.user_can_authenticate(user) else None
