"""Shared fixtures: the demo personas and a Playwright-driven system Chromium.

Personas follow the demo world of accounts/demo.py, so a test reads like the
product's own vocabulary: gestor, tecnico1, other_gestor, client_staff, ...
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse
# its ORM calls from there. Tests only, never production.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The ticket world (tickets/tests/fixtures.py) is shared by the tickets and finance tests.
pytest_plugins = ["tickets.tests.fixtures"]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=pt-BR",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(autouse=True)
def _no_kept_rows():
    """Each test starts with no list rows kept from another (tickets/row_cache.py):
    fixtures write names with bulk inserts and updates, which move no stamp."""
    from tickets import row_cache

    row_cache.forget_all()
    yield
    row_cache.forget_all()


@pytest.fixture
def demo(db):
    """The demo world's people, clients and contracts (accounts/demo.py)."""
    from accounts.demo import seed_people
    from accounts.models import User

    world = seed_people()
    users = {u.email: u for u in User.objects.all()}
    world.update(
        client_admin=users["admin@cliente.demo"],
        client_staff=users["interno@cliente.demo"],
        gestor=users["gestor@prestadora.demo"],
        tecnico1=users["tecnico1@prestadora.demo"],
        tecnico2=users["tecnico2@prestadora.demo"],
        other_gestor=users["gestor@outra.demo"],
        other_tecnico=users["tecnico@outra.demo"],
        other_client_admin=users["admin@outrocliente.demo"],
        root=users["root@plataforma.demo"],
    )
    return world


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, viewport):
    # Reduced motion turns Bootstrap's transitions off (collapse, fade, smooth scroll). A click
    # on a button that is still sliding can press it and release over its form: the browser
    # then clicks the form, nothing is submitted, and the test waits in vain (seen under load).
    context = browser.new_context(
        viewport=viewport, locale="pt-BR", timezone_id="America/Sao_Paulo", reduced_motion="reduce"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def phone_page(browser):
    context, page = _page(browser, PHONE)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    context, page = _page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a screenshot under artifacts/screenshots/ (git-ignored) and return its path."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login_as(live_server):
    """Log a person in through the real login page."""

    def login(page, email: str, password: str = "trilogo-demo"):
        page.goto(f"{live_server.url}/conta/entrar/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Senha").fill(password)
        page.get_by_role("button", name="Entrar").click()
        page.wait_for_load_state()
        return page

    return login


# --- The scoped Django admin (issue 3) ---------------------------------------


@pytest.fixture
def login_client(db):
    """A Django test client logged in as the given user (a fresh client per call)."""
    from django.test import Client

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def b_only_provider(demo):
    """A provider that only Banco Modelo (client B) contracts, with one Gestor."""
    from providers import services

    contract, _ = services.contract_register(
        client=demo["banco"], cnpj="90.123.456/0001-31", name="Banco Reformas Ltda"
    )
    services.member_register(
        contract=contract,
        email="gestor@reformas.demo",
        full_name="Rita Reformas",
        role="gestor",
        by=demo["other_client_admin"],
        invite=False,
    )
    return contract.provider
