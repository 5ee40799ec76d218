"""The technician's journey on a 390x844 phone: "Meus tickets", start with one tap,
a photo and a comment, finish — with htmx and without it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from providers.models import Contract
from tickets import services
from tickets.demo import demo_photo, seed_tickets
from tickets.models import Attachment, Comment, Ticket, TicketEvent
from tickets.tests.browser import watch, without_htmx
from tickets.timeline import RECENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def assert_fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def assert_touch_target(locator):
    box = locator.bounding_box()
    assert box is not None and box["height"] >= 48, (locator, box)


def photo_file(name="refletor.jpg"):
    upload = demo_photo(name, color=(200, 90, 40))
    return {"name": name, "mimeType": "image/jpeg", "buffer": upload.read()}


@pytest.fixture
def job(demo):
    """A ticket at Loja Campinas allocated to Talita (tecnico2), due in two days."""
    seed_tickets()
    client = demo["supermercados"]
    ticket = services.ticket_create(
        client=client,
        requester=demo["client_staff"],
        title="Refletor do estacionamento piscando sem parar",
        unit=Unit.objects.get(client=client, code="LJ03"),
        description="O refletor da entrada pisca a noite toda.",
        priority=Ticket.Priority.URGENTE,
        contract=Contract.objects.get(client=client, provider=demo["clima"]),
        deadline=timezone.localdate() + timedelta(days=2),
    )
    services.ticket_allocate(ticket=ticket, executante=demo["tecnico2"], by=demo["gestor"])
    return ticket


def test_the_technician_starts_documents_and_finishes_a_ticket(
    demo, job, live_server, phone_page, login_as, screenshot
):
    page = phone_page
    problems = watch(page)
    login_as(page, "tecnico2@prestadora.demo")
    assert page.url == f"{live_server.url}/meus-tickets/"
    expect(page.get_by_role("heading", name="Meus tickets")).to_be_visible()

    card = page.locator(f"#card-{job.pk}")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Refletor do estacionamento piscando")
    expect(card.locator(".chip")).to_contain_text(["Aberto"])
    expect(card).to_contain_text("Loja Campinas")
    expect(card).to_contain_text("Av. Norte-Sul, 500")  # the unit's address
    expect(card).to_contain_text("Prazo: " + job.deadline.strftime("%d/%m/%Y"))
    start = card.get_by_role("button", name="Iniciar")
    for target in (start, card.locator("a.btn").last, page.locator(".status-toggles label").first):
        assert_touch_target(target)
    # Only open work is listed by default: nothing executed, inspected or archived.
    for chip in page.locator("#ticket-list .chip:first-child").all_inner_texts():
        assert chip in ("Aberto", "Em execução"), chip
    assert_fits_the_phone(page)
    screenshot(page, "executante-01-my-tickets-390")

    # One tap starts it; the card is swapped in place.
    start.click()
    expect(card.locator(".chip").first).to_have_text("Em execução")
    expect(page.locator("#messages")).to_contain_text("Execução iniciada.")
    finish_link = card.get_by_role("link", name="Finalizar")
    expect(finish_link).to_be_visible()
    assert_touch_target(finish_link)
    job.refresh_from_db()
    assert job.status == Ticket.Status.EM_EXECUCAO
    screenshot(page, "executante-02-started-390")

    # Open it.
    card.locator(f"a.btn[href='/tickets/{job.pk}/']").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Refletor do estacionamento piscando sem parar")).to_be_visible()
    facts = page.locator(".ticket-head .ticket-facts")
    expect(facts).to_contain_text("Av. Norte-Sul, 500")
    expect(facts).to_contain_text(job.deadline.strftime("%d/%m/%Y"))
    assert_fits_the_phone(page)
    screenshot(page, "executante-03-ticket-390")

    # A photo from the camera and a comment.
    photos = page.locator(".comment-form input[type=file]")
    assert photos.get_attribute("accept") == "image/*"
    assert photos.get_attribute("capture") is not None
    page.get_by_label("Comentário", exact=True).fill("Reator queimado, troquei pelo reserva.")
    photos.set_input_files(photo_file())
    expect(page.locator(".comment-form [data-file-preview] img")).to_have_count(1)
    assert_touch_target(page.locator(".comment-form .file-button"))
    assert_fits_the_phone(page)
    screenshot(page, "executante-04-photo-chosen-390")
    send = page.locator(".comment-form button[type=submit]")
    assert_touch_target(send)
    send.click()
    expect(page.locator("#messages")).to_contain_text("Comentário adicionado.")
    comment = page.locator("#comments article.comment").last
    expect(comment).to_contain_text("Reator queimado, troquei pelo reserva.")
    thumbnail = comment.locator("img")
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_be_visible()
    # The photo really loads, through the access-checked attachment view.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    saved = Comment.objects.get(ticket=job, author=demo["tecnico2"])
    assert saved.body == "Reator queimado, troquei pelo reserva."
    photo = Attachment.objects.get(comment=saved)
    assert (photo.kind, photo.content_type, photo.original_name) == ("photo", "image/jpeg", "refletor.jpg")
    assert_fits_the_phone(page)
    screenshot(page, "executante-05-commented-390")

    # Finish it: Executado, with a closing comment.
    finish = page.get_by_role("button", name="Finalizar")
    assert_touch_target(finish)
    finish.click()
    expect(page.locator("#finish.collapse.show")).to_be_visible()  # opened, not still sliding
    page.get_by_label("Comentário de encerramento").fill("Serviço concluído, refletor funcionando.")
    screenshot(page, "executante-06-finish-form-390")
    page.get_by_role("button", name="Marcar como executado").click()
    expect(page.locator("#messages")).to_contain_text("Ticket finalizado. O solicitante foi avisado.")
    expect(page.locator(".ticket-head .chip").first).to_have_text("Executado")
    expect(page.get_by_role("button", name="Finalizar")).to_have_count(0)
    assert_fits_the_phone(page)
    screenshot(page, "executante-07-executed-390")

    job.refresh_from_db()
    assert job.status == Ticket.Status.EXECUTADO and job.executed_at is not None
    assert job.comments.filter(body="Serviço concluído, refletor funcionando.").exists()
    assert problems == []


def test_the_phone_journey_works_without_htmx(demo, job, live_server, phone_page, login_as, screenshot):
    page = phone_page
    without_htmx(page)
    problems = watch(page)
    login_as(page, "tecnico2@prestadora.demo")

    # Start from the card: a plain post that lands on the ticket page.
    page.locator(f"#card-{job.pk}").get_by_role("button", name="Iniciar").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/tickets/{job.pk}/"
    expect(page.locator("#messages")).to_contain_text("Execução iniciada.")

    # One photo per page here: the test server shares one in-memory SQLite connection
    # between its threads, and two photos would load in parallel.
    page.get_by_label("Comentário", exact=True).fill("Sem htmx também funciona.")
    page.locator(".comment-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#messages")).to_contain_text("Comentário adicionado.")
    expect(page.locator("#comments")).to_contain_text("Sem htmx também funciona.")

    page.get_by_role("button", name="Finalizar").click()
    expect(page.locator("#finish.collapse.show")).to_be_visible()
    page.get_by_label("Comentário de encerramento").fill("Feito.")
    page.locator("#finish input[type=file]").set_input_files(photo_file("depois.jpg"))
    page.get_by_role("button", name="Marcar como executado").click()
    page.wait_for_load_state()
    expect(page.locator("#messages")).to_contain_text("Ticket finalizado")
    assert_fits_the_phone(page)
    screenshot(page, "executante-08-executed-no-htmx-390")

    job.refresh_from_db()
    assert job.status == Ticket.Status.EXECUTADO
    assert job.comments.filter(body="Sem htmx também funciona.").exists()
    assert list(job.attachments.values_list("original_name", flat=True)) == ["depois.jpg"]
    assert problems == []


def test_finish_from_a_card_opens_the_finish_panel(demo, job, live_server, phone_page, login_as):
    services.ticket_start(ticket=job, by=demo["tecnico2"])
    page = phone_page
    problems = watch(page)
    login_as(page, "tecnico2@prestadora.demo")
    page.locator(f"#card-{job.pk}").get_by_role("link", name="Finalizar").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{job.pk}/#finish$"))
    expect(page.get_by_label("Comentário de encerramento")).to_be_visible()
    assert problems == []


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-htmx"])
def test_a_long_history_shows_its_newest_events_and_the_rest_on_a_tap(
    demo, job, live_server, phone_page, login_as, screenshot, htmx
):
    # A ticket that went back and forth for weeks: a deadline moved every day.
    start = timezone.now() - timedelta(days=40)
    TicketEvent.objects.bulk_create(
        TicketEvent(
            client_id=job.client_id,
            ticket=job,
            actor=demo["gestor"],
            kind="deadline",
            data={"old": f"2026-11-{day:02}", "new": f"2026-11-{day + 1:02}"},
            created_at=start + timedelta(days=day),
        )
        for day in range(1, 30)
    )
    total = job.events.count()
    page = phone_page
    if not htmx:
        without_htmx(page)
    problems = watch(page)
    login_as(page, "tecnico2@prestadora.demo")
    page.goto(f"{live_server.url}/tickets/{job.pk}/")
    timeline = page.locator("#timeline li")
    expect(timeline).to_have_count(RECENT)
    earlier = page.get_by_role("link", name=f"Mostrar os {total - RECENT} eventos anteriores")
    expect(earlier).to_be_visible()
    assert_touch_target(earlier)
    if htmx:
        screenshot(page, "executante-09-timeline-recent-390")
    earlier.click()
    expect(timeline).to_have_count(total)
    expect(page.locator("#timeline")).to_contain_text("Prazo alterado de 01/11/2026 para 02/11/2026")
    expect(earlier).to_have_count(0)
    if htmx:
        assert page.url == f"{live_server.url}/tickets/{job.pk}/"  # the fragment came in place
    else:
        assert page.url.endswith(f"/tickets/{job.pk}/?timeline=all#timeline")
    assert_fits_the_phone(page)
    assert problems == []
