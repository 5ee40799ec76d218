"""Start-up configuration: production-safe defaults and one-line errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 30 + "-production-secret-for-the-check-only-0123456789",
    "ALLOWED_HOSTS": "trilogo.example.com",
}


def manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base["DJANGO_SETTINGS_MODULE"] = "trilogo.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "x.example.com"}, "SECRET_KEY is required"),
        ({**PROD_ENV, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is required"),
        ({**PROD_ENV, "DATABASE_URL": "mysql//nonsense"}, "DATABASE_URL"),
        ({**PROD_ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/"}, "no database name"),
        ({**PROD_ENV, "DEBUG": "maybe"}, "not a boolean"),
        ({**PROD_ENV, "SECRET_KEY": "short"}, "at least 50 characters"),
    ],
)
def test_it_stops_bad_configuration_with_one_line(env, message):
    result = manage("check", env=env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert message in lines[0]


def test_production_defaults_are_safe():
    from django.conf import settings  # noqa: F401 - the test settings run DEBUG on

    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.DEBUG)"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, **PROD_ENV, "DJANGO_SETTINGS_MODULE": "trilogo.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "31536000", "False"], result.stderr


def test_it_speaks_brazilian_portuguese_by_default(settings):
    assert settings.LANGUAGE_CODE == "pt-br"
    assert settings.TIME_ZONE == "America/Sao_Paulo"
    assert settings.USE_TZ is True
    assert "en" in dict(settings.LANGUAGES)


def test_dates_are_day_first_in_english_too():
    from datetime import date

    from django.utils.formats import date_format
    from django.utils.translation import override

    day = date(2026, 12, 20)
    with override("pt-br"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "20/12/2026"
    with override("en"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "20/12/2026"
        assert date_format(day) == "20 December 2026"


def test_an_english_list_shows_day_first_deadlines(world, client):
    from datetime import date

    from tickets.models import Ticket

    Ticket.objects.filter(pk=world["t3"].pk).update(deadline=date(2031, 12, 20))
    client.force_login(world["gestor"])
    html = client.get("/fila/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "20/12/2031" in html and "12/20/2031" not in html
