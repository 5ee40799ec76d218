"""The ticket page draws the newest events of its timeline and offers the older ones:
on the same page without JavaScript, as a fragment with htmx, always within what the
person may see."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.models import TicketEvent
from tickets.timeline import RECENT

from .fixtures import statements

pytestmark = pytest.mark.django_db

TIMELINE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "timeline"}


def add_events(ticket, count, *, financial=False, start=None):
    """``count`` comment events, a minute apart, named "Evento n" by their file name."""
    start = start or timezone.now() + timedelta(days=1)
    TicketEvent.objects.bulk_create(
        TicketEvent(
            client_id=ticket.client_id,
            ticket=ticket,
            kind="quotation_sent" if financial else "attachment",
            data={"version": n, "total": "10.00"} if financial else {"name": f"evento-{n:03}.pdf"},
            financial=financial,
            created_at=start + timedelta(minutes=n),
        )
        for n in range(count)
    )


def timeline_of(html):
    return html.split('id="timeline"', 1)[1].split("</section>", 1)[0]


def test_the_page_draws_the_newest_events_and_offers_the_older(world, as_user):
    ticket = world["t1"]
    before = ticket.events.count()  # opened, sent, allocated
    add_events(ticket, RECENT + 5)
    url = reverse("tickets:detail", args=[ticket.pk])
    html = as_user(world["gestor"]).get(url).content.decode()
    timeline = timeline_of(html)
    assert timeline.count("<li>") == RECENT
    assert f"evento-{RECENT + 4:03}.pdf" in timeline and "evento-005.pdf" in timeline
    assert "evento-004.pdf" not in timeline and "Ticket aberto" not in timeline
    earlier = before + 5
    assert f"Mostrar os {earlier} eventos anteriores" in timeline
    assert f'href="{url}?timeline=all#timeline"' in timeline
    # Oldest first, as before.
    assert timeline.index("evento-005.pdf") < timeline.index(f"evento-{RECENT + 4:03}.pdf")

    # Without JavaScript the link draws the whole page with every event.
    everything = timeline_of(as_user(world["gestor"]).get(url, {"timeline": "all"}).content.decode())
    assert everything.count("<li>") == before + RECENT + 5
    assert "Ticket aberto" in everything and "eventos anteriores" not in everything


def test_htmx_asks_for_the_whole_timeline_alone(world, as_user):
    ticket = world["t1"]
    add_events(ticket, RECENT + 2)
    url = reverse("tickets:detail", args=[ticket.pk])
    response = as_user(world["tecnico1"]).get(url, {"timeline": "all"}, **TIMELINE)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card mb-3" aria-labelledby="h-timeline" id="timeline">')
    assert "<html" not in html and 'id="comments"' not in html
    assert html.count("<li>") == ticket.events.count()
    assert "HX-Target" in response["Vary"]


def test_a_short_timeline_offers_nothing_more(world, as_user):
    ticket = world["t1"]
    add_events(ticket, RECENT - ticket.events.count())
    html = as_user(world["gestor"]).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert timeline_of(html).count("<li>") == RECENT
    assert "eventos anteriores" not in html and "evento anterior" not in html


def test_financial_events_are_neither_drawn_nor_counted_for_the_executante(world, as_user):
    ticket = world["t1"]
    before = ticket.events.count()
    add_events(ticket, RECENT)  # the newest visible ones
    add_events(ticket, 30, financial=True, start=timezone.now() - timedelta(days=1))
    url = reverse("tickets:detail", args=[ticket.pk])

    tecnico = timeline_of(as_user(world["tecnico1"]).get(url).content.decode())
    assert f"Mostrar os {before} eventos anteriores" in tecnico
    full = as_user(world["tecnico1"]).get(url, {"timeline": "all"}, **TIMELINE).content.decode()
    assert full.count("<li>") == before + RECENT
    assert "Cotação" not in full and "R$" not in full

    gestor = timeline_of(as_user(world["gestor"]).get(url).content.decode())
    assert f"Mostrar os {before + 30} eventos anteriores" in gestor
    full = as_user(world["gestor"]).get(url, {"timeline": "all"}, **TIMELINE).content.decode()
    assert full.count("Cotação v") == 30


@pytest.mark.parametrize("outsider", ["other_gestor", "other_client_admin", "tecnico2"])
def test_an_outsider_gets_404_for_the_timeline_as_for_the_page(world, as_user, outsider):
    ticket = world["t1"]
    add_events(ticket, RECENT + 1)
    client = as_user(world[outsider])
    url = reverse("tickets:detail", args=[ticket.pk])
    missing = reverse("tickets:detail", args=[ticket.pk + 10_000])
    for target in (url, missing):
        response = client.get(target, {"timeline": "all"}, **TIMELINE)
        assert response.status_code == 404
        assert "evento-" not in response.content.decode()


def test_the_page_costs_the_same_statements_however_long_its_history(world, as_user):
    ticket = world["t1"]
    client = as_user(world["gestor"])
    url = reverse("tickets:detail", args=[ticket.pk])
    client.get(url)  # a connection's first request prepares its statements

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return statements(captured)

    short = count()
    add_events(ticket, RECENT * 3)
    assert count() == short


def test_events_naming_a_ticket_show_only_to_who_sees_that_ticket(world, as_user):
    t1, t2, t4 = world["t1"], world["t2"], world["t4"]
    services.ticket_relate(ticket=t1, other=t2, by=world["client_admin"])
    services.ticket_relate(ticket=t1, other=t4, by=world["client_admin"])  # Elétrica's ticket
    named = {t: f"Relacionado ao ticket #{t.number}" for t in (t1, t2, t4)}

    def timeline(person, ticket, **extra):
        page = as_user(world[person]).get(reverse("tickets:detail", args=[ticket.pk]), **extra)
        return page.content.decode()

    client_admin = timeline_of(timeline("client_admin", t1))
    assert named[t2] in client_admin and named[t4] in client_admin
    gestor = timeline_of(timeline("gestor", t1))
    assert named[t2] in gestor and f"#{t4.number}" not in gestor
    tecnico1 = timeline_of(timeline("tecnico1", t1))  # t2 is Talita's, t4 another provider's
    assert "Relacionado" not in tecnico1
    # The whole timeline, with htmx, keeps to the same rule...
    full = timeline("gestor", t1, data={"timeline": "all"}, **TIMELINE)
    assert named[t2] in full and f"#{t4.number}" not in full
    # ...and so does the other side.
    assert named[t1] not in timeline_of(timeline("other_gestor", t4))
    assert named[t1] in timeline_of(timeline("client_admin", t4))


def test_a_copy_names_its_original_only_to_who_sees_it(world, as_user, django_capture_on_commit_callbacks):
    t1 = world["t1"]
    with django_capture_on_commit_callbacks(execute=True):
        copy = services.ticket_duplicate(ticket=t1, by=world["gestor"])
        services.ticket_allocate(ticket=copy, executante=world["tecnico2"], by=world["gestor"])
    original = reverse("tickets:detail", args=[t1.pk])

    def page(person, ticket):
        return as_user(world[person]).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    gestor = page("gestor", copy)
    assert f'href="{original}"' in gestor and "Cópia de" in gestor
    assert f"Ticket duplicado a partir de #{t1.number}" in timeline_of(gestor)
    # Talita works on the copy; the original is Tiago's.
    tecnico2 = page("tecnico2", copy)
    assert f'href="{original}"' not in tecnico2 and "Cópia de" not in tecnico2
    assert f"#{t1.number}" not in timeline_of(tecnico2)
    # On the original, the copy is named to the Gestor, not to Tiago, who cannot see it.
    assert f"Ticket #{copy.number} duplicado a partir deste" in timeline_of(page("gestor", t1))
    assert f"#{copy.number}" not in timeline_of(page("tecnico1", t1))
