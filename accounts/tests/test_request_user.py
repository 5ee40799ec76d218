"""The session and the user every request loads, read by prepared statements on
PostgreSQL (trilogo/sessions.py, accounts/backends.py): the same person, and the same
refusals as Django's own reads (expired, tampered, inactive, deleted, password
changed), with the statements prepared or not."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

pytestmark = pytest.mark.django_db
ON_POSTGRES = connection.vendor == "postgresql"
PAGE = "password_change"  # any page that needs a login and touches nothing else


@pytest.fixture(params=[True, False], ids=["prepared", "plain"])
def prepared(request, settings):
    settings.PREPARED_STATEMENTS = request.param
    return request.param


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": "trilogo-demo"})
    assert response.status_code == 302
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def assert_logged_out(client):
    response = client.get(reverse(PAGE))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_each_request_reads_its_person_through_the_statements(demo, client, prepared):
    user = demo["gestor"]
    log_in(client, user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(PAGE))
    assert response.status_code == 200 and response.wsgi_request.user == user
    executed = [q["sql"].split("(")[0] for q in captured.captured_queries if q["sql"].startswith("EXECUTE")]
    if ON_POSTGRES and prepared:
        assert executed[:2] == ["EXECUTE trilogo_session", "EXECUTE trilogo_user"]
    else:
        assert not [e for e in executed if e in {"EXECUTE trilogo_session", "EXECUTE trilogo_user"}]


def test_the_user_is_loaded_whole_and_the_same_as_the_orm_loads_him(demo, rf, prepared):
    user = demo["client_admin"]
    user.last_login = timezone.now() - timedelta(days=3)
    user.phone = "(11) 99999-0000"
    user.save()
    request = rf.get("/")
    request.session = _session_for(user)
    loaded = get_user(request)
    expected = User.objects.get(pk=user.pk)
    assert type(loaded) is User and loaded.pk == user.pk
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    assert loaded._state.adding is False and loaded._state.db == "default"


def _session_for(user):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from trilogo.sessions import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return SessionStore(session.session_key)


def test_an_expired_session_is_no_session(demo, client, prepared):
    session = log_in(client, demo["tecnico1"])
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert_logged_out(client)


def test_a_tampered_session_is_no_session(demo, client, prepared):
    session = log_in(client, demo["tecnico1"])
    data = session.session_data
    Session.objects.filter(pk=session.pk).update(
        session_data=data[:-3] + ("A" if data[-3] != "A" else "B") + data[-2:]
    )
    assert_logged_out(client)


def test_an_unknown_session_key_is_no_session(demo, client, prepared):
    log_in(client, demo["tecnico1"])
    Session.objects.all().delete()
    assert_logged_out(client)


@pytest.mark.parametrize("change", ["deactivated", "deleted", "password changed"])
def test_the_person_changed_elsewhere_is_logged_out(demo, client, prepared, change):
    user = demo["other_gestor"]
    log_in(client, user)
    assert client.get(reverse(PAGE)).status_code == 200
    if change == "deactivated":
        User.objects.filter(pk=user.pk).update(is_active=False)
    elif change == "deleted":
        User.objects.filter(pk=user.pk).delete()
    else:
        user.set_password("uma-outra-senha-longa")
        user.save()
    assert_logged_out(client)


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_them_again(demo, client):
    log_in(client, demo["gestor"])
    connection.close()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(PAGE)).status_code == 200
    prepares = [q["sql"].split("(")[0] for q in captured.captured_queries if q["sql"].startswith("PREPARE")]
    if ON_POSTGRES:
        assert {"PREPARE trilogo_session", "PREPARE trilogo_user"} <= set(prepares)
    else:
        assert not prepares
