"""Base layout, static assets and the auth pages, in pt-BR and English."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_it_redirects_anonymous_visitors_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_portuguese_and_loads_no_external_assets(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="pt-br">' in html
    assert "Esqueceu a senha?" in html
    assert not re.search(r"(src|href)=\"https?://", html)
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_it_sends_an_enforced_csp_without_unsafe_inline(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_templates_reference_no_cdn():
    offenders = [
        str(path)
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts
        and re.search(r"https?://(cdn|unpkg|fonts\.googleapis|cdnjs)", path.read_text())
    ]
    assert offenders == []


def test_vendored_assets_exist():
    for asset in (
        "static/vendor/bootstrap/bootstrap.min.css",
        "static/vendor/bootstrap/bootstrap.bundle.min.js",
        "static/vendor/htmx/htmx.min.js",
    ):
        assert (ROOT / asset).stat().st_size > 10_000


def test_it_logs_in_by_email_case_insensitively(client, django_user_model):
    django_user_model.objects.create_user(
        email="Maria@Example.com", password="s3nha-b0a-123", full_name="Maria"
    )
    response = client.post(reverse("login"), {"username": "MARIA@example.com", "password": "s3nha-b0a-123"})
    assert response.status_code == 302
    assert client.get("/").context["user"].email == "maria@example.com"


def test_wrong_password_gets_a_clear_message_and_keeps_the_email(client, django_user_model):
    django_user_model.objects.create_user(email="maria@example.com", password="s3nha-b0a-123")
    response = client.post(reverse("login"), {"username": "maria@example.com", "password": "nope"})
    html = response.content.decode()
    assert "E-mail ou senha incorretos" in html
    assert 'value="maria@example.com"' in html


def test_english_is_available(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("login")).content.decode()
    assert "Forgot your password?" in html


def test_password_reset_sends_a_link_that_sets_a_new_password(client, django_user_model):
    user = django_user_model.objects.create_user(email="maria@example.com", password="old-pass-123x")
    response = client.post(reverse("password_reset"), {"email": "maria@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/conta/senha/definir/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session-held one
    response = client.post(
        form_url, {"new_password1": "n0va-Senha-forte", "new_password2": "n0va-Senha-forte"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("n0va-Senha-forte")


def test_password_change_requires_login_and_works(client, django_user_model):
    user = django_user_model.objects.create_user(email="maria@example.com", password="old-pass-123x")
    assert client.get(reverse("password_change")).status_code == 302
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "old-pass-123x",
            "new_password1": "n0va-Senha-forte",
            "new_password2": "n0va-Senha-forte",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("n0va-Senha-forte")


def test_logout_is_a_post(client, django_user_model):
    user = django_user_model.objects.create_user(email="maria@example.com", password="x-pass-12345")
    client.force_login(user)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302


def test_an_absurdly_long_login_is_a_form_error(client):
    response = client.post(reverse("login"), {"username": "a" * 6000 + "@x.com", "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
