"""The reach query as a prepared statement (trilogo/prepared.py): planned once per
PostgreSQL connection, plain SQL elsewhere, and the same answer either way."""

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tickets import access

pytestmark = pytest.mark.django_db(transaction=True)
ON_POSTGRES = connection.vendor == "postgresql"


def reach_and_sql(user):
    fresh = User.objects.get(pk=user.pk)  # a new request: nothing cached on the user
    with CaptureQueriesContext(connection) as captured:
        reach = access.reach_for(fresh)
    return reach, [query["sql"] for query in captured.captured_queries]


def test_the_reach_is_prepared_once_per_connection_and_answers_the_same(demo, settings):
    gestor, tecnico = demo["gestor"], demo["tecnico2"]
    settings.PREPARED_STATEMENTS = False
    plain = {user: reach_and_sql(user)[0] for user in (gestor, tecnico)}
    assert plain[gestor].is_gestor and not plain[tecnico].is_gestor  # a reach worth comparing
    settings.PREPARED_STATEMENTS = True
    connection.close()  # a new connection: nothing prepared on it yet

    first, sql = reach_and_sql(gestor)
    assert first == plain[gestor]
    if ON_POSTGRES:
        assert [s.split("(")[0] for s in sql] == ["PREPARE trilogo_reach", "EXECUTE trilogo_reach"]
    else:
        assert len(sql) == 1 and sql[0].lstrip().startswith("SELECT 'client'")

    again, sql = reach_and_sql(tecnico)
    assert again == plain[tecnico]
    assert len(sql) == 1 and sql[0].startswith("EXECUTE trilogo_reach") == ON_POSTGRES


def test_a_rolled_back_transaction_keeps_the_statement(demo):
    connection.close()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert reach_and_sql(demo["gestor"])[0].is_gestor  # prepares it inside the transaction
        raise RuntimeError("roll back")
    reach, sql = reach_and_sql(demo["gestor"])
    assert reach.is_gestor and len(sql) == 1


def test_each_new_connection_prepares_it_again(demo):
    reach_and_sql(demo["gestor"])
    connection.close()
    reach, sql = reach_and_sql(demo["gestor"])
    assert reach.is_gestor
    assert len(sql) == (2 if ON_POSTGRES else 1)


def test_reused_plans_answer_like_the_plain_statement_and_prepare_once(demo):
    from django.db.models import Value
    from django.db.models.expressions import RawSQL

    from trilogo.prepared import reuse_plans

    people = (
        User.objects.filter(pk__in=[demo["gestor"].pk, demo["tecnico2"].pk, demo["client_staff"].pk])
        # A literal percent sign in the SQL, and a parameter that holds one.
        .annotate(share=RawSQL("'100%%'", ()), pattern=Value("50% off"))
        .order_by("pk")
    )
    plain = list(people.values_list("pk", "email", "share", "pattern"))
    assert plain[0][2:] == ("100%", "50% off")
    connection.close()
    for _ in range(2):  # preparing, then the prepared statement
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(reuse_plans):
            assert list(people.values_list("pk", "email", "share", "pattern")) == plain
        # One statement each time: preparing is part of the first one.
        assert len(captured.captured_queries) == 1
        assert captured.captured_queries[0]["sql"].startswith("EXECUTE trilogo_plan_") == ON_POSTGRES
    names = connections["default"].__dict__.get("trilogo_prepared", set())
    assert sum(name.startswith("trilogo_plan_") for name in names) == (1 if ON_POSTGRES else 0)


def test_reused_plans_stop_preparing_at_the_cap(demo, monkeypatch):
    from trilogo import prepared

    monkeypatch.setattr(prepared, "REUSED_MAX", 2)
    connection.close()
    emails = []
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(prepared.reuse_plans):
        for size in (1, 2, 3):  # three texts: pk IN (%s), (%s, %s), (%s, %s, %s)
            pks = [demo["gestor"].pk, demo["tecnico2"].pk, demo["client_staff"].pk][:size]
            emails.append(sorted(User.objects.filter(pk__in=pks).values_list("email", flat=True)))
    assert [len(e) for e in emails] == [1, 2, 3]
    executed = [q["sql"].startswith("EXECUTE trilogo_plan_") for q in captured.captured_queries]
    assert executed == ([True, True, False] if ON_POSTGRES else [False, False, False])
