"""Ticket pages and their POST endpoints, per persona, with forged requests."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets import paging, services
from tickets.demo import demo_photo
from tickets.models import Attachment, Comment, Ticket

pytestmark = pytest.mark.django_db


def url(name, ticket, *args):
    return reverse(f"tickets:{name}", args=[ticket.pk, *args])


def test_home_sends_each_person_to_their_page(world, as_user):
    assert as_user(world["gestor"]).get("/").url == reverse("tickets:queue")
    assert as_user(world["tecnico2"]).get("/").url == reverse("tickets:mine")
    assert as_user(world["client_staff"]).get("/").url == reverse("tickets:client_list")


@pytest.mark.parametrize(
    ("persona", "page", "status"),
    [
        ("gestor", "queue", 200),
        ("tecnico2", "queue", 404),
        ("client_staff", "queue", 404),
        ("tecnico2", "mine", 200),
        ("client_staff", "client_list", 200),
        ("gestor", "client_list", 404),
        ("tecnico2", "new", 404),
        ("client_staff", "new", 200),
    ],
)
def test_list_pages_answer_only_to_their_people(world, as_user, persona, page, status):
    assert as_user(world[persona]).get(reverse(f"tickets:{page}")).status_code == status


def test_the_queue_lists_the_gestors_tickets_only(world, as_user):
    html = as_user(world["gestor"]).get(reverse("tickets:queue")).content.decode()
    for name in ("t1", "t2", "t3"):
        assert world[name].title in html
    assert world["t4"].title not in html and world["b1"].title not in html


def test_queue_filters_are_applied_and_unknown_keys_ignored(world, as_user):
    client = as_user(world["gestor"])
    html = client.get(
        reverse("tickets:queue"), {"unallocated": "on", "sort": "evil__password"}
    ).content.decode()
    assert world["t3"].title in html and world["t1"].title not in html
    html = client.get(reverse("tickets:queue"), {"q": "Câmara", "executante__password": "x"}).content.decode()
    assert world["t3"].title in html and world["t2"].title not in html
    # A unit of another client is not a valid choice: the filter is refused, nothing leaks.
    other_unit = world["banco"].units.get().pk
    response = client.get(reverse("tickets:queue"), {"unit": other_unit})
    assert response.status_code == 200


def list_count(html):
    return " ".join(re.search(r"data-list-count>(.*?)</span>", html, re.S).group(1).split())


def test_a_text_search_counts_its_matches_only_to_the_search_cap(world, as_user, monkeypatch):
    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    monkeypatch.setattr(paging, "SEARCH_COUNT_CAP", 1)
    client = as_user(world["gestor"])
    queue = reverse("tickets:queue")
    # His three tickets (t1, t2, t3) all have an "a" in the title; the outsider's b1
    # (Banco Modelo, another contract of his provider) is never among them.
    assert list_count(client.get(queue, {"q": "a"}).content.decode()) == "1–1 de 1+"
    assert list_count(client.get(queue).content.decode()) == "1–1 de 3"
    # Page 2 of the search still knows a page 3 follows.
    html = client.get(queue, {"q": "a", "page": 2}).content.decode()
    assert list_count(html) == "2–2 de 2+" and "page=3" in html
    # A ticket number is a lookup, not a search: counted as any other list.
    number = client.get(queue, {"q": f"#{world['t2'].number}"}).content.decode()
    assert list_count(number) == "1–1 de 1" and world["t2"].title in number


def test_mine_lists_only_the_technicians_tickets(world, as_user):
    html = as_user(world["tecnico1"]).get(reverse("tickets:mine")).content.decode()
    assert world["t1"].title in html
    assert world["t2"].title not in html and world["b1"].title not in html


def test_the_technicians_search_finds_what_its_box_says_it_searches(world, as_user):
    t1 = world["t1"]
    Ticket.objects.filter(pk=t1.pk).update(description="O reator da luminária chia e pisca.")
    client = as_user(world["tecnico1"])
    html = client.get(reverse("tickets:mine"), HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert 'placeholder="Número, título ou descrição"' in html
    found = client.get(reverse("tickets:mine"), {"q": "reator"}).content.decode()
    assert t1.title in found  # a word of its description alone
    assert t1.title not in client.get(reverse("tickets:mine"), {"q": "compressor"}).content.decode()


def test_detail_shows_each_persona_only_their_actions(world, as_user):
    t1 = world["t1"]
    gestor = as_user(world["gestor"]).get(url("detail", t1)).content.decode()
    assert url("allocate", t1) in gestor and url("duplicate", t1) in gestor
    assert url("transition", t1, "vistoriar") not in gestor
    tecnico = as_user(world["tecnico1"]).get(url("detail", t1)).content.decode()
    assert url("transition", t1, "iniciar") in tecnico
    assert url("allocate", t1) not in tecnico and url("duplicate", t1) not in tecnico


def test_the_gestor_allocates_from_the_detail(world, as_user, django_capture_on_commit_callbacks):
    t3 = world["t3"]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world["gestor"]).post(
            url("allocate", t3), {"executante": world["tecnico2"].pk, "version": t3.version}
        )
    assert response.status_code == 302
    t3.refresh_from_db()
    assert t3.executante == world["tecnico2"]
    assert [m.to for m in mail.outbox] == [["tecnico2@prestadora.demo"]]


def test_allocation_over_htmx_returns_the_updated_row(world, as_user):
    t3 = world["t3"]
    response = as_user(world["gestor"]).post(
        url("allocate", t3),
        {"executante": world["tecnico1"].pk, "version": t3.version, "row": f"row-{t3.pk}"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"row-{t3.pk}",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="row-{t3.pk}"' in html and str(world["tecnico1"]) in html


def test_forged_allocation_of_another_providers_technician_changes_nothing(world, as_user):
    t3 = world["t3"]
    response = as_user(world["gestor"]).post(url("allocate", t3), {"executante": world["other_tecnico"].pk})
    assert response.status_code == 400
    t3.refresh_from_db()
    assert t3.executante is None


@pytest.mark.parametrize(
    ("persona", "ticket", "status"),
    [
        ("other_gestor", "t1", 404),
        ("other_client_admin", "t1", 404),
        ("tecnico2", "t2", 403),
        ("tecnico1", "t2", 404),
    ],
)
def test_allocation_by_anyone_but_the_tickets_gestor_is_refused(world, as_user, persona, ticket, status):
    t = world[ticket]
    response = as_user(world[persona]).post(url("allocate", t), {"executante": world["tecnico2"].pk})
    assert response.status_code == status
    before = t.executante_id
    t.refresh_from_db()
    assert t.executante_id == before


def test_bulk_allocation_skips_tickets_the_gestor_cannot_see(world, as_user):
    response = as_user(world["gestor"]).post(
        reverse("tickets:bulk_allocate"),
        {"executante": world["tecnico1"].pk, "tickets": [world["t3"].pk, world["t4"].pk]},
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=world["t4"].pk).executante == world["other_tecnico"]
    # The whole form is refused when a ticket is outside his queue: nothing changed.
    assert Ticket.objects.get(pk=world["t3"].pk).executante is None
    as_user(world["gestor"]).post(
        reverse("tickets:bulk_allocate"),
        {"executante": world["tecnico1"].pk, "tickets": [world["t3"].pk, world["t2"].pk]},
    )
    assert set(Ticket.objects.filter(executante=world["tecnico1"]).values_list("pk", flat=True)) >= {
        world["t2"].pk,
        world["t3"].pk,
    }


def test_bulk_allocation_without_a_technician_asks_for_one_on_a_page(world, as_user):
    """The queue's technician choices load with JavaScript; without them the tickets
    come to a page that asks who executes them, and lists only the Gestor's own."""
    client = as_user(world["gestor"])
    back = "/fila/?status=aberto"
    response = client.post(reverse("tickets:bulk_allocate"), {"tickets": [world["t3"].pk], "next": back})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="tickets" value="{world["t3"].pk}"' in html and f'value="{back}"' in html
    assert f'<option value="{world["tecnico1"].pk}">' in html
    assert f'<option value="{world["other_tecnico"].pk}">' not in html  # another provider's
    # An outsider's ticket among them: no page of choices, nothing to learn about it.
    response = client.post(reverse("tickets:bulk_allocate"), {"tickets": [world["t3"].pk, world["t4"].pk]})
    assert response.status_code == 302
    executante = as_user(world["tecnico2"])  # no queue at all
    assert executante.post(reverse("tickets:bulk_allocate"), {"tickets": [world["t3"].pk]}).status_code == 404


def test_the_technician_starts_and_finishes_with_a_photo(world, as_user):
    client = as_user(world["tecnico2"])
    t2 = world["t2"]
    assert client.post(url("transition", t2, "iniciar")).status_code == 302
    response = client.post(
        url("transition", t2, "finalizar"),
        {"finish-comment": "Dreno trocado", "finish-files": demo_photo("antes.jpg")},
    )
    assert response.status_code == 302
    t2.refresh_from_db()
    assert t2.status == Ticket.Status.EXECUTADO
    comment = Comment.objects.get(ticket=t2)
    assert comment.body == "Dreno trocado" and comment.attachments.get().kind == "photo"


def test_an_illegal_transition_gets_a_clear_message_and_changes_nothing(world, as_user):
    t1 = world["t1"]
    response = as_user(world["tecnico1"]).post(
        url("transition", t1, "finalizar"), {"finish-comment": "feito"}
    )
    assert response.status_code == 400
    assert "alert-danger" in response.content.decode()
    assert "execução em andamento" in response.content.decode()
    # The typed comment is kept in the form.
    assert "feito" in response.content.decode()
    t1.refresh_from_db()
    assert t1.status == Ticket.Status.ABERTO


def test_unknown_transitions_are_404(world, as_user):
    assert as_user(world["tecnico1"]).post(url("transition", world["t1"], "explodir")).status_code == 404


def test_the_executante_cannot_inspect_or_archive(world, as_user):
    client = as_user(world["tecnico1"])
    assert client.post(url("transition", world["t1"], "vistoriar")).status_code == 403
    assert client.post(url("transition", world["t1"], "arquivar")).status_code == 403


def test_a_stale_form_is_refused_and_keeps_what_was_typed(world, as_user):
    t1 = world["t1"]
    client = as_user(world["tecnico1"])
    stale = t1.version
    client.post(url("deadline", t1), {"deadline": "2030-01-10", "version": stale})
    response = client.post(url("deadline", t1), {"deadline": "2030-02-20", "version": stale})
    html = response.content.decode()
    assert response.status_code == 400
    assert "2030-02-20" in html
    t1.refresh_from_db()
    assert t1.deadline.isoformat() == "2030-01-10"


def test_comments_with_a_photo_and_download_through_the_access_check(world, as_user, client):
    t1 = world["t1"]
    as_user(world["tecnico1"]).post(url("comment", t1), {"body": "Foto do refletor", "files": demo_photo()})
    attachment = Attachment.objects.get(ticket=t1)
    download = url("attachment", t1, attachment.pk)
    assert as_user(world["gestor"]).get(download).status_code == 200
    assert as_user(world["other_gestor"]).get(download).status_code == 404
    # The attachment of one ticket is not reachable through another the person can see.
    assert (
        as_user(world["gestor"])
        .get(reverse("tickets:attachment", args=[world["t2"].pk, attachment.pk]))
        .status_code
        == 404
    )


def test_an_upload_that_is_not_a_photo_video_or_pdf_is_refused(world, as_user):
    t1 = world["t1"]
    fake = SimpleUploadedFile(
        "foto.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    response = as_user(world["tecnico1"]).post(url("comment", t1), {"body": "Segue foto", "files": fake})
    assert response.status_code == 400
    assert "Segue foto" in response.content.decode()
    assert not Comment.objects.filter(ticket=t1).exists()


def test_client_staff_open_a_ticket_and_send_it(world, as_user, django_capture_on_commit_callbacks):
    client = as_user(world["client_staff"])
    unit = world["supermercados"].units.get(code="LJ02")
    pdf = SimpleUploadedFile(
        "laudo.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tickets:new"),
            {
                "title": "Freezer desligando",
                "unit": unit.pk,
                "priority": 3,
                "description": "Desliga sozinho à noite",
                "contract": world["clima_sm"].pk,
                "files": pdf,
            },
        )
    ticket = Ticket.objects.get(title="Freezer desligando")
    assert response.url == url("detail", ticket)
    assert ticket.number == 6 and ticket.contract == world["clima_sm"]
    assert ticket.attachments.get().kind == "document"
    assert [m.to for m in mail.outbox] == [["gestor@prestadora.demo"]]


def test_a_forged_unit_of_another_client_is_refused_and_the_text_kept(world, as_user):
    response = as_user(world["client_staff"]).post(
        reverse("tickets:new"),
        {
            "title": "Ataque",
            "unit": world["banco"].units.get().pk,
            "priority": 2,
            "description": "texto digitado",
        },
    )
    assert response.status_code == 400
    assert "texto digitado" in response.content.decode()
    assert not Ticket.objects.filter(title="Ataque").exists()


def test_relate_only_finds_visible_tickets(world, as_user):
    client = as_user(world["gestor"])
    response = client.post(url("relate", world["t1"]), {"number": world["t4"].number})
    assert response.status_code == 400
    assert not world["t1"].related.exists()
    client.post(url("relate", world["t1"]), {"number": world["t2"].number})
    assert list(world["t1"].related.all()) == [world["t2"]]


def test_the_ticket_page_lists_only_the_related_tickets_the_person_sees(world, as_user):
    t1, t2, t4 = world["t1"], world["t2"], world["t4"]
    services.ticket_relate(ticket=t1, other=t2, by=world["client_admin"])
    services.ticket_relate(ticket=t1, other=t4, by=world["client_admin"])  # Elétrica's ticket

    def related_on(person, ticket):
        page = as_user(world[person]).get(url("detail", ticket)).content.decode()
        # The section is there when the person may relate or something is related.
        section = page.partition("Tickets relacionados")[2].split("</section>", 1)[0]
        return {t for t in (t1, t2, t4) if f'href="{url("detail", t)}"' in section}

    assert related_on("client_admin", t1) == {t2, t4}
    assert related_on("gestor", t1) == {t2}  # t4 is another provider's
    assert related_on("tecnico1", t1) == set()  # t2 is Talita's
    assert as_user(world["other_gestor"]).get(url("detail", t1)).status_code == 404
    assert related_on("other_gestor", t4) == set()  # t1 is Clima's


def test_duplicate_redirects_to_the_copy(world, as_user):
    response = as_user(world["gestor"]).post(url("duplicate", world["t1"]))
    copy = Ticket.objects.get(duplicated_from=world["t1"])
    assert response.url == url("detail", copy)
    assert as_user(world["tecnico1"]).post(url("duplicate", world["t1"])).status_code == 403


def test_htmx_actions_answer_with_the_ticket_body(world, as_user):
    response = as_user(world["tecnico1"]).post(
        url("comment", world["t1"]), {"body": "via htmx"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ticket"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="ticket"') and "via htmx" in html
    assert "<html" not in html


def test_emails_carry_only_what_the_recipient_may_see(world, as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world["gestor"]).post(url("allocate", world["t3"]), {"executante": world["tecnico2"].pk})
    body = mail.outbox[0].body
    assert world["t3"].title in body and "R$" not in body


def test_photos_are_re_encoded_so_nothing_hidden_in_them_survives(world, as_user):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 30, 30)).save(buffer, "JPEG")
    payload = buffer.getvalue() + b"<script>alert(1)</script>"
    upload = SimpleUploadedFile("foto.jpg", payload, content_type="image/jpeg")
    as_user(world["tecnico1"]).post(url("comment", world["t1"]), {"body": "foto", "files": upload})
    attachment = Attachment.objects.get(ticket=world["t1"])
    stored = attachment.file.read()
    assert b"<script>" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) == 2560 and image.format == "JPEG"
    assert attachment.size == len(stored)


def test_a_file_that_claims_to_be_a_photo_but_is_broken_is_refused(world, as_user):
    broken = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, content_type="image/jpeg")
    response = as_user(world["tecnico1"]).post(url("comment", world["t1"]), {"body": "foto", "files": broken})
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_the_internal_responsible_is_one_of_the_clients_staff(world, as_user):
    client = as_user(world["client_staff"])
    unit = world["supermercados"].units.get(code="LJ01")
    base = {"title": "Goteira", "unit": unit.pk, "priority": 2}
    response = client.post(reverse("tickets:new"), {**base, "internal_responsible": world["gestor"].pk})
    assert response.status_code == 400 and not Ticket.objects.filter(title="Goteira").exists()
    client.post(reverse("tickets:new"), {**base, "internal_responsible": world["client_admin"].pk})
    assert Ticket.objects.get(title="Goteira").internal_responsible == world["client_admin"]
