"""Work-order PDFs: what each persona's PDF contains, who gets none, the selection job."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import remove_perm
from pypdf import PdfReader

from providers import services as provider_services
from providers.models import ProviderMember
from quotations.tests import conftest as finance_tests
from tickets import pdf, pdf_jobs, services
from tickets.demo import demo_photo
from tickets.models import Attachment
from tickets.tests.fixtures import statements

pytestmark = pytest.mark.django_db

# The finance tests' canary data (markers, unusual amounts) on t2.
finance = finance_tests.finance

# Our own strings are checked in English (msgids); the data (names, R$ amounts) in any language.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MONEY = re.compile(r"R\$\s?\d")


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (table cells wrap lines anywhere)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


def get_pdf(client, ticket, **extra):
    response = client.get(reverse("tickets:pdf", args=[ticket.pk]), **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.fixture
def rich_t2(world, request, django_capture_on_commit_callbacks):
    """t2 with an accented description, a comment with a photo, and its finance."""
    request.getfixturevalue("finance")
    t2 = world["t2"]
    with django_capture_on_commit_callbacks(execute=True):
        t2.description = "Água pingando no balcão da padaria.\nVerificar a drenagem e o isolamento térmico."
        t2.save(update_fields=["description"])
        services.comment_add(
            ticket=t2,
            author=world["tecnico2"],
            body="Troquei a mangueira; ação concluída às 15h.",
            files=[demo_photo("mangueira.jpg")],
        )
    t2.refresh_from_db()
    return t2


# ---- What each persona gets ---------------------------------------------------------------


def test_it_gives_the_gestor_a_work_order_with_the_finance_section(world, rich_t2, as_user):
    text = pdf_text(get_pdf(as_user(world["gestor"]), rich_t2, **EN))
    for expected in (
        f"Work order #{rich_t2.number}",
        "Ar-condicionado pingando",
        "Supermercados Exemplo",
        "LJ02",
        "Av. Ibirapuera, 2000, São Paulo / SP",
        "Clima Manutenção",
        "Talita Técnica",  # Responsável Executante
        "Executed",  # status
        "Medium",  # priority
        "Água pingando no balcão da padaria.",
        "Troquei a mangueira; ação concluída às 15h.",
        "mangueira.jpg",
        "Status changed from In progress to Executed",  # timeline
        "QUOTATIONS, COSTS AND INVOICES",  # headings are upper-cased by the print CSS
        "CANARY-ITEM-2",
        "R$ 987.654,32",
        "R$ 1.753.086,42",  # q2 total
        "R$ 765.432,19",  # the labour cost
        "CANARY77",
        "R$ 654.321,98",
        "Quotation v1 refused: CANARY-REFUSAL",  # the financial timeline row
        "Technician: Talita Técnica",
        "Client's responsible",
    ):
        assert expected in text, expected
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert today in text  # dates as dd/mm/aaaa


def test_it_gives_client_staff_the_finance_section_too(world, rich_t2, as_user):
    text = pdf_text(get_pdf(as_user(world["client_staff"]), rich_t2, **EN))
    assert "QUOTATIONS, COSTS AND INVOICES" in text
    assert "R$ 987.654,32" in text and "CANARY-COST" in text


def test_it_leaves_finance_out_for_a_gestor_without_the_finance_grant(world, rich_t2, as_user):
    contract = world["clima_sm"]
    remove_perm("providers.view_financials", contract.gestor_group, contract)
    text = pdf_text(get_pdf(as_user(world["gestor"]), rich_t2, **EN))
    assert "Água pingando" in text  # the work order itself is there
    assert "CANARY" not in text
    assert not MONEY.search(text)
    assert "QUOTATIONS, COSTS AND INVOICES" not in text
    assert "Quotation v1" not in text  # nor the financial timeline rows


def test_it_prints_in_portuguese_by_default_with_its_glyphs(world, rich_t2, as_user):
    data = get_pdf(as_user(world["client_staff"]), rich_t2)
    text = pdf_text(data)
    assert "Água pingando no balcão" in text
    assert "ação concluída às 15h" in text
    assert "Talita Técnica" in text
    assert "\ufffd" not in text  # no replacement glyphs


def test_the_timeline_names_only_the_tickets_the_reader_sees(world, as_user):
    t1, t2, t4 = world["t1"], world["t2"], world["t4"]
    services.ticket_relate(ticket=t1, other=t2, by=world["client_admin"])
    services.ticket_relate(ticket=t1, other=t4, by=world["client_admin"])  # Elétrica's ticket
    gestor = pdf_text(get_pdf(as_user(world["gestor"]), t1, **EN))
    assert f"Related to ticket #{t2.number}" in gestor
    assert f"#{t4.number}" not in gestor
    staff = pdf_text(get_pdf(as_user(world["client_staff"]), t1, **EN))
    assert f"Related to ticket #{t2.number}" in staff and f"Related to ticket #{t4.number}" in staff


@pytest.mark.parametrize("persona", ["tecnico2", "other_gestor", "other_client_admin", "tecnico1"])
def test_it_answers_404_to_whoever_may_not_print_the_ticket(world, rich_t2, as_user, persona):
    # tecnico2 executes t2 and sees it, but has no PDF; the others do not see it at all.
    client = as_user(world[persona])
    assert client.get(reverse("tickets:pdf", args=[rich_t2.pk])).status_code == 404
    assert client.post(reverse("tickets:pdf", args=[rich_t2.pk])).status_code == 404


def test_a_missing_ticket_and_an_invisible_one_look_the_same(world, as_user):
    client = as_user(world["gestor"])
    missing = client.get(reverse("tickets:pdf", args=[999999]))
    invisible = client.get(reverse("tickets:pdf", args=[world["t4"].pk]))  # another provider's
    assert missing.status_code == invisible.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    response = client.get(reverse("tickets:pdf", args=[world["t1"].pk]))
    assert response.status_code == 302 and "/conta/entrar/" in response["Location"]


def test_the_response_is_private_and_named_after_the_ticket(world, as_user):
    response = as_user(world["gestor"]).get(reverse("tickets:pdf", args=[world["t1"].pk]))
    assert response["Cache-Control"] == "private, no-store"
    assert f'filename="OS-supermercados-exemplo-{world["t1"].number}.pdf"' in response["Content-Disposition"]


# ---- Layout -------------------------------------------------------------------------------


def test_a_long_ticket_paginates_with_header_footer_and_page_numbers(world, as_user):
    t1 = world["t1"]
    for i in range(45):
        services.comment_add(
            ticket=t1, author=world["gestor"], body=f"Comentário de acompanhamento nº {i}. " * 4
        )
    pages = pdf_pages(get_pdf(as_user(world["gestor"]), t1, **EN))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Work order #{t1.number} · Supermercados Exemplo" in text  # running header
        assert f"Page {number} of {len(pages)}" in text  # footer
        assert "Generated on" in text and "by Gustavo Gestor" in text
    assert "Comentário de acompanhamento nº 44." in pages[-1] or "nº 44." in "".join(pages)
    assert "Client's responsible" in pages[-1]  # the signatures close the work order


def test_photos_are_embedded_as_small_thumbnails(world, rich_t2, as_user):
    reader = PdfReader(io.BytesIO(get_pdf(as_user(world["gestor"]), rich_t2)))
    # WeasyPrint shares one resource dictionary between pages: count each image once.
    images = {image.name: image for page in reader.pages for image in page.images}
    assert len(images) == 1
    width, height = next(iter(images.values())).image.size
    assert width <= pdf.THUMB_BOX[0] and height <= pdf.THUMB_BOX[1]


def test_a_photo_that_cannot_be_read_is_listed_by_name(world, as_user):
    t1 = world["t1"]
    Attachment.objects.create(
        client_id=t1.client_id,
        ticket=t1,
        uploaded_by=world["tecnico1"],
        file=ContentFile(b"not really a picture", name="broken.heic"),
        original_name="foto-do-quadro.heic",
        content_type="image/heic",
        size=20,
        kind=Attachment.Kind.PHOTO,
    )
    text = pdf_text(get_pdf(as_user(world["gestor"]), t1, **EN))
    assert "foto-do-quadro.heic" in text


def test_weasyprint_fetches_no_url():
    fetcher = pdf.RefuseFetcher()
    for url in ("http://127.0.0.1:9/x.png", "https://example.com/a.css", "file:///etc/hostname", "ftp://x/y"):
        with pytest.raises(ValueError, match="may not fetch"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,T2zh").read() == b"Ol\xe1"
    # A document pointing at local files and the network renders without them.
    html = pdf.HTML(
        string='<img src="file:///etc/hostname"><img src="http://127.0.0.1:9/x.png"><p>ok</p>',
        url_fetcher=pdf.RefuseFetcher(),
    )
    reader = PdfReader(io.BytesIO(html.write_pdf()))
    assert not reader.pages[0].images


def test_user_text_is_escaped_not_rendered_as_markup(world, as_user):
    t1 = world["t1"]
    t1.description = '<img src="http://127.0.0.1:9/track.png"><b>negrito</b>'
    t1.save(update_fields=["description"])
    text = pdf_text(get_pdf(as_user(world["gestor"]), t1))
    assert '<img src="http://127.0.0.1:9/track.png">' in text


@pytest.mark.usefixtures("finance")
def test_loading_work_orders_takes_the_same_queries_for_two_or_six_tickets(world, as_user):
    from tickets import access

    gestor = world["gestor"]

    def count(n):
        tickets = list(access.gestor_tickets(gestor).select_related(*pdf.TICKET_RELATED)[:n])
        for t in tickets:  # a comment and a photo on each
            services.comment_add(ticket=t, author=gestor, body="ok", files=[demo_photo()])
        with CaptureQueriesContext(connection) as queries:
            orders = pdf.load_work_orders(gestor, tickets)
        assert len(orders) == len(tickets)
        return statements(queries)

    assert count(2) == count(6)


# ---- The selection ------------------------------------------------------------------------


@pytest.fixture
def run_jobs_inline(monkeypatch):
    """Jobs run in the test's thread, on commit, instead of a background thread."""
    monkeypatch.setattr(pdf_jobs, "spawn", pdf_jobs.run_job)


@pytest.mark.usefixtures("finance")
def test_the_gestor_gets_the_selection_pdf_through_a_job(
    world, as_user, run_jobs_inline, django_capture_on_commit_callbacks
):
    client = as_user(world["gestor"])
    url = reverse("tickets:pdf_selection") + "?scope=queue&status=aberto&status=executado"
    page = client.get(url, **EN)
    assert page.status_code == 200
    assert "select 3 tickets" in page.content.decode()  # t1, t3 open; t2 executed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, **EN)
    job = pdf_jobs.PdfJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tickets:pdf_job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done" and job.done == job.total == 3
    status = client.get(reverse("tickets:pdf_job", args=[job.pk]), **EN).content.decode()
    assert reverse("tickets:pdf_job_file", args=[job.pk]) in status
    download = client.get(reverse("tickets:pdf_job_file", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(download.streaming_content))
    for name in ("t1", "t2", "t3"):
        assert world[name].title in text
    assert world["t4"].title not in text and world["b1"].title not in text
    assert "CANARY-ITEM-2" in text and "R$ 987.654,32" in text
    # Each work order counts its own pages.
    assert text.count("Page 1 of") == 3 or "Página 1 de" in text


def test_client_staff_get_their_selection_from_their_list(
    world, as_user, run_jobs_inline, django_capture_on_commit_callbacks
):
    client = as_user(world["client_staff"])
    url = reverse("tickets:pdf_selection") + f"?unit={world['t1'].unit_id}"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job = pdf_jobs.PdfJob.objects.get()
    assert job.scope == "client" and sorted(job.ticket_ids) == sorted([world["t1"].pk, world["t4"].pk])


def test_the_selection_is_capped_and_the_page_says_so(
    world, as_user, monkeypatch, run_jobs_inline, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(pdf_jobs, "MAX_TICKETS", 2)
    client = as_user(world["gestor"])
    url = reverse("tickets:pdf_selection") + "?sort=number"
    html = client.get(url, **EN).content.decode()
    assert "more than 2 tickets" in html and "Only the first 2" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job = pdf_jobs.PdfJob.objects.get()
    assert job.ticket_ids == [world["t3"].pk, world["t2"].pk]  # the list's order: highest number first


def test_the_job_page_polls_while_running_and_answers_htmx_with_the_fragment(world, as_user):
    job = pdf_jobs.PdfJob.objects.create(
        owner=world["gestor"], scope="queue", ticket_ids=[world["t1"].pk], total=4, done=1, status="running"
    )
    client = as_user(world["gestor"])
    page = client.get(reverse("tickets:pdf_job", args=[job.pk]), **EN).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and 'value="1"' in page
    fragment = client.get(reverse("tickets:pdf_job", args=[job.pk]), HTTP_HX_REQUEST="true", **EN)
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div class="card mb-4" id="pdf-job"') and "<html" not in body
    assert "style=" not in page  # the CSP has no 'unsafe-inline'


def test_the_executante_gets_404_on_every_selection_url(world, as_user, run_jobs_inline):
    job = pdf_jobs.PdfJob.objects.create(owner=world["gestor"], scope="queue", ticket_ids=[world["t2"].pk])
    pdf_jobs.run_job(job.pk)
    client = as_user(world["tecnico2"])
    for url in (
        reverse("tickets:pdf_selection"),
        reverse("tickets:pdf_selection") + "?scope=queue",
        reverse("tickets:pdf_selection") + "?scope=client",
        reverse("tickets:pdf_job", args=[job.pk]),
        reverse("tickets:pdf_job_file", args=[job.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert pdf_jobs.PdfJob.objects.count() == 1  # his POST made no job


def test_someone_elses_job_is_a_404(world, as_user):
    job = pdf_jobs.PdfJob.objects.create(owner=world["gestor"], scope="queue", ticket_ids=[world["t1"].pk])
    pdf_jobs.run_job(job.pk)
    for persona in ("other_gestor", "client_staff"):
        client = as_user(world[persona])
        assert client.get(reverse("tickets:pdf_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("tickets:pdf_job_file", args=[job.pk])).status_code == 404


@pytest.mark.usefixtures("finance")
def test_a_file_made_before_a_reclassification_is_not_handed_out(world, as_user):
    job = pdf_jobs.PdfJob.objects.create(owner=world["gestor"], scope="queue", ticket_ids=[world["t2"].pk])
    pdf_jobs.run_job(job.pk)
    client = as_user(world["gestor"])
    url = reverse("tickets:pdf_job_file", args=[job.pk])
    assert client.get(url).status_code == 200
    # The finance grant goes: the file (which has the finance section) is no longer his.
    contract = world["clima_sm"]
    remove_perm("providers.view_financials", contract.gestor_group, contract)
    assert client.get(url).status_code == 404
    # Reclassified as Executante: no selection at all.
    member = ProviderMember.objects.get(contract=contract, user=world["gestor"])
    provider_services.member_reclassify(member=member, role="executante", by=world["client_admin"])
    assert client.get(url).status_code == 404


def test_run_pdf_jobs_renders_waiting_jobs_requeues_dead_ones_and_purges_old_ones(world, capsys):
    waiting = pdf_jobs.PdfJob.objects.create(
        owner=world["gestor"], scope="queue", ticket_ids=[world["t1"].pk]
    )
    dead = pdf_jobs.PdfJob.objects.create(
        owner=world["gestor"],
        scope="queue",
        ticket_ids=[world["t3"].pk],
        status="running",
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    old = pdf_jobs.PdfJob.objects.create(
        owner=world["gestor"], scope="queue", created_at=timezone.now() - timedelta(days=2)
    )
    old.file.save("old.pdf", ContentFile(b"%PDF-old"), save=True)
    old_name = old.file.name
    call_command("run_pdf_jobs")
    assert "2 job(s) rendered, 1 requeued, 1 old job(s) deleted." in capsys.readouterr().out
    waiting.refresh_from_db()
    dead.refresh_from_db()
    assert waiting.status == dead.status == "done"
    assert world["t3"].title in pdf_text(dead.file.read())
    assert not pdf_jobs.PdfJob.objects.filter(pk=old.pk).exists()
    assert not old.file.storage.exists(old_name)


def test_a_job_that_fails_says_so(world, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pdf, "render_pdf", explode)
    job = pdf_jobs.PdfJob.objects.create(owner=world["gestor"], scope="queue", ticket_ids=[world["t1"].pk])
    assert pdf_jobs.run_job(job.pk) is True
    job.refresh_from_db()
    assert job.status == "failed" and job.finished
    assert pdf_jobs.run_job(job.pk) is False  # not taken twice


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_in_a_thread_started_on_commit(world, as_user):
    client = as_user(world["gestor"])
    with CaptureThreads() as threads:
        client.post(reverse("tickets:pdf_selection") + "?scope=queue&unallocated=on")
    for thread in threads:
        thread.join(timeout=60)
    job = pdf_jobs.PdfJob.objects.get()
    assert job.status == "done" and job.ticket_ids == [world["t3"].pk]
    assert world["t3"].title in pdf_text(job.file.read())


class CaptureThreads:
    """Collect the threads pdf_jobs.spawn starts, to wait for them."""

    def __enter__(self):
        self.threads, self._spawn = [], pdf_jobs.spawn

        def spawn(job_id):
            thread = self._spawn(job_id)
            self.threads.append(thread)
            return thread

        pdf_jobs.spawn = spawn
        return self.threads

    def __exit__(self, *exc):
        pdf_jobs.spawn = self._spawn
