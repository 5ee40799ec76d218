import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_a_demo_user_in_on_a_phone(demo, live_server, phone_page, login_as, screenshot):
    phone_page.goto(f"{live_server.url}/")
    assert "/conta/entrar/" in phone_page.url
    expect(phone_page.get_by_role("heading", name="Entrar")).to_be_visible()
    screenshot(phone_page, "login-390")

    login_as(phone_page, "tecnico2@prestadora.demo")

    assert phone_page.url.rstrip("/") == live_server.url
    expect(phone_page.get_by_role("heading", name="Olá, Talita")).to_be_visible()
    # The navigation collapses behind a toggler on a phone.
    expect(phone_page.get_by_role("button", name="Menu")).to_be_visible()
    path = screenshot(phone_page, "home-after-login-390")
    assert path.stat().st_size > 1000


def test_it_shows_a_clear_message_on_a_wrong_password(demo, live_server, phone_page, login_as):
    login_as(phone_page, "tecnico2@prestadora.demo", password="wrong-password")
    assert "/conta/entrar/" in phone_page.url
    expect(phone_page.get_by_text("E-mail ou senha incorretos")).to_be_visible()
    # What the user typed is kept.
    expect(phone_page.get_by_label("E-mail")).to_have_value("tecnico2@prestadora.demo")
