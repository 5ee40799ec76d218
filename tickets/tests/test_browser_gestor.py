"""The Gestor's journey on a desktop: the queue, its filters, allocation from a row,
bulk allocation and allocation from the ticket page — with htmx and without it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from providers.models import Contract
from tickets import services
from tickets.demo import seed_tickets
from tickets.models import Ticket
from tickets.tests.browser import watch, without_htmx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(demo):
    """The demo tickets, plus three fresh unallocated ones the Gestor works on."""
    seed_tickets()
    client = demo["supermercados"]
    clima = Contract.objects.get(client=client, provider=demo["clima"])
    made = {}
    for key, code, title in [
        ("sala", "LJ01", "Ar-condicionado da sala de TI não liga"),
        ("doca", "LJ03", "Refletor queimado na doca de Campinas"),
        ("goteira", "LJ02", "Goteira sobre o caixa 4"),
    ]:
        made[key] = services.ticket_create(
            client=client,
            requester=demo["client_staff"],
            title=title,
            unit=Unit.objects.get(client=client, code=code),
            description="Aberto para o teste do navegador.",
            priority=Ticket.Priority.ALTA,
            contract=clima,
            deadline=timezone.localdate() + timedelta(days=3),
        )
    return made


def row(page, ticket):
    return page.locator(f"#row-{ticket.pk}")


def test_it_filters_the_queue_and_allocates_from_a_row(
    demo, queue, live_server, desktop_page, login_as, screenshot
):
    page = desktop_page
    problems = watch(page)
    login_as(page, "gestor@prestadora.demo")
    assert page.url == f"{live_server.url}/fila/"
    expect(page.get_by_role("heading", name="Fila", exact=True)).to_be_visible()
    # Every client's unit is in the queue, and the other provider's tickets are not.
    expect(row(page, queue["sala"])).to_be_visible()
    expect(row(page, queue["doca"])).to_be_visible()
    other = Ticket.objects.filter(contract__provider=demo["eletrica"]).first()
    assert page.locator(f"#row-{other.pk}").count() == 0
    screenshot(page, "gestor-01-queue")

    # Not yet allocated: the list swaps in place (htmx) and the URL follows the filters.
    page.get_by_label("Sem executante").check()
    expect(page).to_have_url(re.compile(r"unallocated=on"))
    expect(page.locator("#ticket-list tbody tr")).not_to_have_count(0)
    for executante in page.locator("#ticket-list tbody td[id^=alloc-]").all_inner_texts():
        assert "Alocar" in executante or executante.strip() in ("", "—")
    # Status and unit.
    page.locator("label[for=id_status_0]").click()  # Aberto
    expect(page).to_have_url(re.compile(r"status=aberto"))
    page.get_by_label("Unidade").select_option(label="LJ03 · Loja Campinas")
    expect(page).to_have_url(re.compile(r"unit=\d+"))
    expect(row(page, queue["doca"])).to_be_visible()
    expect(row(page, queue["sala"])).to_have_count(0)
    # Text search, as the person types.
    page.get_by_label("Buscar").fill("queimado na doca")
    expect(page).to_have_url(re.compile(r"q=queimado"))
    expect(page.locator("#ticket-list tbody tr")).to_have_count(1)
    expect(row(page, queue["doca"])).to_contain_text("Refletor queimado na doca de Campinas")
    screenshot(page, "gestor-02-filtered")

    # "Alocar" loads the select, with each person's open tickets and next deadline.
    row(page, queue["doca"]).get_by_role("link", name="Alocar").click()
    select = row(page, queue["doca"]).locator("select[name=executante]")
    expect(select).to_be_visible()
    expect(select).to_be_focused()
    options = select.locator("option").all_inner_texts()
    tiago = next(text for text in options if text.startswith("Tiago Técnico"))
    assert re.search(r"\d+ abertos?", tiago), options
    talita = next(text for text in options if text.startswith("Talita Técnica"))
    assert re.search(r"\d+ abertos? · \S+ \S+ \d\d/\d\d", talita), options  # next deadline dd/mm
    screenshot(page, "gestor-03-allocate-select")

    select.select_option(str(demo["tecnico1"].pk))
    row(page, queue["doca"]).get_by_role("button", name="Salvar", exact=True).click()
    # The row is swapped in place: the button now names the technician.
    expect(page.locator(f"#alloc-{queue['doca'].pk}")).to_contain_text("Tiago Técnico")
    expect(page.locator("#messages")).to_contain_text("Responsável Executante: Tiago Técnico.")
    assert page.url.startswith(f"{live_server.url}/fila/?")  # no page change
    screenshot(page, "gestor-04-row-allocated")

    queue["doca"].refresh_from_db()
    assert queue["doca"].executante == demo["tecnico1"]
    assert queue["doca"].events.filter(kind="executante").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert problems == []


def test_it_allocates_in_bulk_and_from_the_ticket_page(
    demo, queue, live_server, desktop_page, login_as, screenshot
):
    page = desktop_page
    problems = watch(page)
    login_as(page, "gestor@prestadora.demo")
    page.goto(f"{live_server.url}/fila/?unallocated=on&status=aberto")

    submit = page.locator("[data-bulk-submit]")
    expect(submit).to_be_disabled()  # nothing selected yet
    choices = page.locator("#bulk-executante option")
    expect(choices).to_have_count(1)  # the technicians' load comes when a ticket is ticked
    row(page, queue["sala"]).locator("input[name=tickets]").check()
    row(page, queue["goteira"]).locator("input[name=tickets]").check()
    expect(submit).to_be_enabled()
    expect(page.locator("[data-bulk-count]")).to_contain_text("2")
    expect(choices.filter(has_text="Talita Técnica")).to_contain_text("aberto")
    page.locator("#bulk-executante").select_option(str(demo["tecnico2"].pk))
    screenshot(page, "gestor-05-bulk-selected")
    submit.click()
    page.wait_for_load_state()
    expect(page.locator("#messages")).to_contain_text("2 ticket(s) alocado(s) para Talita Técnica.")
    # Back on the same filtered queue, where the two are no longer listed.
    assert "unallocated=on" in page.url
    expect(row(page, queue["sala"])).to_have_count(0)
    screenshot(page, "gestor-06-bulk-done")
    for key in ("sala", "goteira"):
        queue[key].refresh_from_db()
        assert queue[key].executante == demo["tecnico2"]

    # From the ticket page: the Responsável Executante card in the sidebar.
    page.goto(f"{live_server.url}/tickets/{queue['doca'].pk}/")
    expect(page.get_by_role("heading", name="Refletor queimado na doca de Campinas")).to_be_visible()
    card = page.locator("#ticket aside")
    card.locator("select[name=executante]").select_option(str(demo["tecnico2"].pk))
    card.get_by_role("button", name="Salvar", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Responsável Executante: Talita Técnica.")
    expect(page.locator(".ticket-facts")).to_contain_text("Talita Técnica")
    expect(page.locator(".timeline")).to_contain_text("Talita Técnica")
    screenshot(page, "gestor-07-detail-allocated")
    queue["doca"].refresh_from_db()
    assert queue["doca"].executante == demo["tecnico2"]
    assert problems == []


def test_the_queue_works_without_htmx(demo, queue, live_server, desktop_page, login_as, screenshot):
    page = desktop_page
    without_htmx(page)
    problems = watch(page)
    login_as(page, "gestor@prestadora.demo")

    # The filter form is a plain GET.
    page.get_by_label("Buscar").fill("Goteira sobre")
    page.get_by_role("button", name="Aplicar").click()
    page.wait_for_load_state()
    assert "q=Goteira" in page.url
    expect(page.locator("#ticket-list tbody tr")).to_have_count(1)

    # "Alocar" is a link to the allocation page, whose form posts and redirects.
    row(page, queue["goteira"]).get_by_role("link", name="Alocar").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/tickets/{queue['goteira'].pk}/alocar/")
    expect(page.get_by_role("cell", name="Tiago Técnico")).to_be_visible()
    screenshot(page, "gestor-08-allocate-page-no-htmx")
    page.locator("select[name=executante]").select_option(str(demo["tecnico1"].pk))
    page.get_by_role("button", name="Salvar", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/tickets/{queue['goteira'].pk}/")
    expect(page.locator("#messages")).to_contain_text("Responsável Executante: Tiago Técnico.")
    queue["goteira"].refresh_from_db()
    assert queue["goteira"].executante == demo["tecnico1"]

    # Bulk allocation: with no script to load the technicians, the button opens a page to choose.
    page.goto(f"{live_server.url}/fila/?unallocated=on&status=aberto")
    row(page, queue["sala"]).locator("input[name=tickets]").check()
    row(page, queue["doca"]).locator("input[name=tickets]").check()
    page.get_by_role("button", name="Alocar selecionados").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Alocar 2 tickets")).to_be_visible()
    screenshot(page, "gestor-09-bulk-choose-no-htmx")
    page.locator("select[name=executante]").select_option(str(demo["tecnico2"].pk))
    page.get_by_role("button", name="Alocar selecionados").click()
    page.wait_for_load_state()
    expect(page.locator("#messages")).to_contain_text("2 ticket(s) alocado(s) para Talita Técnica.")
    assert "unallocated=on" in page.url
    for key in ("sala", "doca"):
        queue[key].refresh_from_db()
        assert queue[key].executante == demo["tecnico2"]
    assert problems == []


def test_more_filters_load_when_opened(demo, queue, live_server, desktop_page, login_as, screenshot):
    page = desktop_page
    problems = watch(page)
    login_as(page, "gestor@prestadora.demo")
    page.goto(f"{live_server.url}/fila/")
    expect(page.locator("select[name=executante]")).to_have_count(1)  # the bulk bar's only
    page.get_by_role("button", name="Mais filtros").click()
    executante = page.locator("#more-filters select[name=executante]")
    expect(executante).to_be_visible()
    screenshot(page, "gestor-10-more-filters")
    executante.select_option(label="Tiago Técnico")
    expect(page.locator("#ticket-list")).not_to_contain_text("Talita Técnica")
    assert f"executante={demo['tecnico1'].pk}" in page.url
    # Reloaded with the filter in use, the panel comes open with the page, the choice kept.
    page.reload()
    expect(page.locator("#more-filters")).to_be_visible()
    expect(page.locator("#more-filters select[name=executante]")).to_have_value(str(demo["tecnico1"].pk))
    expect(page.get_by_role("button", name="Mais filtros")).to_contain_text("1")
    assert problems == []
