"""Login throttling, sessions, passwords and headers."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

pytestmark = pytest.mark.django_db
LOGIN = "/conta/entrar/"


@pytest.fixture
def maria(django_user_model):
    return django_user_model.objects.create_user(
        email="maria@example.com", password="s3nha-b0a-123", full_name="Maria"
    )


def test_repeated_failures_lock_the_login_with_a_clear_message(client, maria):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "maria@example.com", "password": "errada"})
    response = client.post(LOGIN, {"username": "maria@example.com", "password": "s3nha-b0a-123"})
    assert response.status_code == 429
    assert "Muitas tentativas" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_admin_unlock_lets_the_person_in_again(client, maria):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "maria@example.com", "password": "errada"})
    AccessAttempt.objects.all().delete()  # what "delete" on the admin's Access attempts does
    response = client.post(LOGIN, {"username": "maria@example.com", "password": "s3nha-b0a-123"})
    assert response.status_code == 302


def test_access_attempts_are_in_the_admin_for_the_platform_operator(client, django_user_model):
    root = django_user_model.objects.create_superuser(email="root@example.com", password="x-root-pass-1")
    client.force_login(root)
    assert client.get("/admin/axes/accessattempt/").status_code == 200


def test_login_rotates_the_session_key(client, maria):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    client.post(LOGIN, {"username": "maria@example.com", "password": "s3nha-b0a-123"})
    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(maria.pk)


def test_a_deleted_person_loses_the_session(client, maria):
    client.force_login(maria)
    assert client.get("/").status_code in (200, 302)
    maria.delete()
    response = client.get("/meus-tickets/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_weak_passwords_are_refused(client, maria):
    client.force_login(maria)
    response = client.post(
        reverse("password_change"),
        {"old_password": "s3nha-b0a-123", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.check_password("s3nha-b0a-123")


def test_production_hashes_with_argon2():
    from trilogo import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_pages_send_csp_nosniff_and_deny_framing(client, maria):
    client.force_login(maria)
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_refused_access_and_permission_changes_are_logged(world, client, caplog):
    from tickets import services

    client.force_login(world["other_gestor"])
    with caplog.at_level("INFO", logger="trilogo.security"):
        assert client.get(reverse("tickets:detail", args=[world["t1"].pk])).status_code == 404
        client.force_login(world["tecnico1"])
        assert client.post(reverse("tickets:allocate", args=[world["t1"].pk])).status_code == 403
        services.ticket_allocate(ticket=world["t3"], executante=world["tecnico2"], by=world["gestor"])
    lines = [r.getMessage() for r in caplog.records if r.name == "trilogo.security"]
    assert any(f"ticket={world['t1'].pk} action=view (not visible)" in line for line in lines)
    assert any("action=allocate roles=['executante']" in line for line in lines)
    assert any(f"grant ticket={world['t3'].pk} user={world['tecnico2'].pk}" in line for line in lines)
