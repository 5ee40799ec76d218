"""The client staff's journey on a desktop: open a ticket with the form, send it to a
provider, and later inspect (Vistoriado) an executed ticket — with htmx and without it."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Unit
from providers.models import Contract
from tickets import services
from tickets.demo import demo_photo
from tickets.models import Category, Ticket
from tickets.tests.browser import watch, without_htmx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def categories(demo):
    client = demo["supermercados"]
    climatizacao = Category.objects.create(client=client, name="Climatização")
    return {
        "ar": Category.objects.create(client=client, parent=climatizacao, name="Ar-condicionado"),
    }


@pytest.fixture
def executed(demo):
    """A ticket Talita finished at Loja Moema, waiting for the client's inspection."""
    client = demo["supermercados"]
    ticket = services.ticket_create(
        client=client,
        requester=demo["client_staff"],
        title="Porta automática da entrada travando",
        unit=Unit.objects.get(client=client, code="LJ02"),
        contract=Contract.objects.get(client=client, provider=demo["clima"]),
    )
    services.ticket_allocate(ticket=ticket, executante=demo["tecnico2"], by=demo["gestor"])
    services.ticket_start(ticket=ticket, by=demo["tecnico2"])
    services.ticket_finish(
        ticket=ticket,
        by=demo["tecnico2"],
        comment="Trilho limpo e motor regulado.",
        files=[demo_photo("porta.jpg")],
    )
    return ticket


def fill_new_ticket(page, title):
    page.get_by_label("Título").fill(title)
    page.get_by_label("Unidade").select_option(label="LJ02 · Loja Moema")
    # Only the chosen unit's areas are offered.
    area = page.get_by_label("Ambiente")
    offered = area.locator("option:not([hidden])").all_inner_texts()
    assert offered[1:] and all(text.startswith("LJ02") for text in offered[1:]), offered
    area.select_option(label="LJ02 · Térreo > Hortifruti")
    page.get_by_label("Tipo").select_option(label="Climatização > Ar-condicionado")
    page.get_by_label("Prioridade").select_option(label="Alta")
    page.get_by_label("Descrição").fill("O ar-condicionado do hortifruti pinga sobre as bancas.")
    photo = demo_photo("hortifruti.jpg")
    page.locator("input[type=file][name=files]").set_input_files(
        {"name": "hortifruti.jpg", "mimeType": "image/jpeg", "buffer": photo.read()}
    )


def test_client_staff_open_a_ticket_send_it_and_inspect_another(
    demo, categories, executed, live_server, desktop_page, login_as, screenshot
):
    page = desktop_page
    problems = watch(page)
    login_as(page, "interno@cliente.demo")
    assert page.url == f"{live_server.url}/tickets/"
    page.get_by_role("link", name="Novo ticket").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Novo ticket")).to_be_visible()
    screenshot(page, "client-01-new-ticket-empty")

    fill_new_ticket(page, "Ar-condicionado pingando no hortifruti")
    expect(page.locator("[data-file-preview] img")).to_have_count(1)
    screenshot(page, "client-02-new-ticket-filled")
    page.get_by_role("button", name="Abrir ticket").click()
    page.wait_for_load_state()

    ticket = Ticket.objects.get(title="Ar-condicionado pingando no hortifruti")
    assert page.url == f"{live_server.url}/tickets/{ticket.pk}/"
    expect(page.locator("#messages")).to_contain_text(f"Ticket #{ticket.number} aberto.")
    expect(page.locator("aside")).to_contain_text("Ainda não enviado")
    expect(page.locator("#ticket img[alt='hortifruti.jpg']")).to_be_visible()
    assert (ticket.unit.code, ticket.area.path, ticket.category) == (
        "LJ02",
        "Térreo > Hortifruti",
        categories["ar"],
    )
    assert ticket.priority == Ticket.Priority.ALTA and ticket.requester == demo["client_staff"]
    assert ticket.attachments.get().original_name == "hortifruti.jpg"
    assert ticket.contract is None
    screenshot(page, "client-03-opened")

    # Send it to a provider from the ticket page.
    page.get_by_label("Empresa prestadora").select_option(label="Clima Manutenção")
    page.get_by_role("button", name="Enviar para a prestadora").click()
    expect(page.locator("#messages")).to_contain_text("Ticket enviado para Clima Manutenção.")
    expect(page.locator("aside")).to_contain_text("Clima Manutenção")
    screenshot(page, "client-04-sent")
    ticket.refresh_from_db()
    assert ticket.contract.provider == demo["clima"]

    # Later: the executed ticket, with the technician's photo, is inspected and accepted.
    page.goto(f"{live_server.url}/tickets/{executed.pk}/")
    expect(page.locator(".ticket-head .chip").first).to_have_text("Executado")
    expect(page.locator("#comments")).to_contain_text("Trilho limpo e motor regulado.")
    expect(page.locator("#comments img[alt='porta.jpg']")).to_be_visible()
    screenshot(page, "client-05-executed")
    page.get_by_role("button", name="Vistoriado: aceitar o serviço").click()
    expect(page.locator("#messages")).to_contain_text("Ticket vistoriado.")
    expect(page.locator(".ticket-head .chip").first).to_have_text("Vistoriado")
    screenshot(page, "client-06-inspected")
    executed.refresh_from_db()
    assert executed.status == Ticket.Status.VISTORIADO and executed.inspected_at is not None
    assert problems == []


def test_the_client_journey_works_without_htmx(
    demo, categories, executed, live_server, desktop_page, login_as, screenshot
):
    page = desktop_page
    without_htmx(page)
    problems = watch(page)
    login_as(page, "admin@cliente.demo")
    page.goto(f"{live_server.url}/tickets/novo/")
    fill_new_ticket(page, "Lâmpada queimada no hortifruti")
    page.get_by_role("button", name="Abrir ticket").click()
    page.wait_for_load_state()
    ticket = Ticket.objects.get(title="Lâmpada queimada no hortifruti")

    page.get_by_label("Empresa prestadora").select_option(label="Clima Manutenção")
    page.get_by_role("button", name="Enviar para a prestadora").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/tickets/{ticket.pk}/"
    expect(page.locator("#messages")).to_contain_text("Ticket enviado para Clima Manutenção.")

    page.goto(f"{live_server.url}/tickets/{executed.pk}/")
    page.get_by_role("button", name="Vistoriado: aceitar o serviço").click()
    page.wait_for_load_state()
    expect(page.locator("#messages")).to_contain_text("Ticket vistoriado.")
    screenshot(page, "client-07-inspected-no-htmx")

    ticket.refresh_from_db()
    executed.refresh_from_db()
    assert ticket.contract.provider == demo["clima"]
    assert executed.status == Ticket.Status.VISTORIADO
    assert problems == []


def test_a_form_error_keeps_what_was_typed(demo, live_server, desktop_page, login_as, screenshot):
    page = desktop_page
    problems = watch(page)
    login_as(page, "interno@cliente.demo")
    page.goto(f"{live_server.url}/tickets/novo/")
    page.get_by_label("Descrição").fill("Texto que não pode se perder.")
    page.get_by_role("button", name="Abrir ticket").click()
    page.wait_for_load_state()
    expect(page.locator("#id_title")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_label("Descrição")).to_have_value("Texto que não pode se perder.")
    screenshot(page, "client-08-form-errors")
    assert Ticket.objects.count() == 0
    # The 400 answer of the form post is the only "error" the console reports.
    assert all("400" in text for text in problems), problems
