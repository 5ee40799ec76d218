import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_a_demo_user_in_on_a_phone(demo, live_server, phone_page, login_as, screenshot):
    phone_page.goto(f"{live_server.url}/")
    assert "/conta/entrar/" in phone_page.url
    assert phone_page.get_by_role("heading", name="Entrar").is_visible()
    screenshot(phone_page, "login-390")

    login_as(phone_page, "tecnico2@prestadora.demo")

    assert phone_page.url.rstrip("/") == live_server.url
    assert phone_page.get_by_role("heading", name="Olá, Talita").is_visible()
    # The navigation collapses behind a toggler on a phone.
    assert phone_page.get_by_role("button", name="Menu").is_visible()
    path = screenshot(phone_page, "home-after-login-390")
    assert path.stat().st_size > 1000


def test_it_shows_a_clear_message_on_a_wrong_password(demo, live_server, phone_page, login_as):
    login_as(phone_page, "tecnico2@prestadora.demo", password="wrong-password")
    assert "/conta/entrar/" in phone_page.url
    assert phone_page.get_by_text("E-mail ou senha incorretos").is_visible()
    # What the user typed is kept.
    assert phone_page.get_by_label("E-mail").input_value() == "tecnico2@prestadora.demo"
