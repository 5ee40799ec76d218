"""The list rows and cards are drawn in Python (tickets/rows.py): every value they
print must come out escaped, on the page and in the htmx answers that redraw one."""

import copy
import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Area
from tickets import rows, services
from tickets.models import Category, Ticket
from tickets.rows import rows_of

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def poisoned(world):
    """t1 with a payload in every text its row or card prints."""
    t1 = world["t1"]
    sm = t1.client
    for owner, field in (
        (sm, "name"),
        (t1.unit, "name"),
        (t1.unit, "address"),
        (t1.contract.provider, "name"),
        (t1.executante, "full_name"),
    ):
        setattr(owner, field, PAYLOAD)
        owner.save()
    area = Area.objects.create(client=sm, unit=t1.unit, name=PAYLOAD)
    category = Category.objects.create(client=sm, name=PAYLOAD)
    Ticket.objects.filter(pk=t1.pk).update(
        title=PAYLOAD, area=area, category=category, blocked=True, blocked_reason=PAYLOAD
    )
    services.ticket_set_tags(ticket=t1, names=[PAYLOAD[:40]], by=world["gestor"])
    t1.refresh_from_db()
    return t1


def assert_escaped(html, where, expected):
    assert "<script>alert" not in html and "<img src=x" not in html, where
    assert html.count(ESCAPED) + html.count(ESCAPED[:60]) >= expected, where


@pytest.mark.parametrize(
    "persona, page, printed",
    [
        # title, category, client, unit, area, technician, blocked reason (+ the tag, cut at 40)
        ("gestor", "tickets:queue", 7),
        # title, category, unit, area, provider, technician, blocked reason
        ("client_admin", "tickets:client_list", 7),
        # client, title, unit, area, address, blocked reason
        ("tecnico1", "tickets:mine", 6),
    ],
)
def test_every_value_a_list_row_prints_comes_out_escaped(poisoned, world, client, persona, page, printed):
    client.force_login(world[persona])
    response = client.get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{poisoned.pk}" in html
    assert_escaped(html, page, printed)


def test_the_row_redrawn_after_an_allocation_comes_out_escaped(poisoned, world, client):
    client.force_login(world["gestor"])
    response = client.post(
        reverse("tickets:allocate", args=[poisoned.pk]),
        {"executante": world["tecnico1"].pk, "version": poisoned.version, "row": f"row-{poisoned.pk}"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"row-{poisoned.pk}",
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="row-{poisoned.pk}" class="row-updated"' in html
    assert_escaped(html, "row", 7)


def test_the_card_redrawn_after_a_status_change_comes_out_escaped(poisoned, world, client):
    Ticket.objects.filter(pk=poisoned.pk).update(blocked=False)
    client.force_login(world["tecnico1"])
    response = client.post(
        reverse("tickets:transition", args=[poisoned.pk, "iniciar"]),
        {"version": poisoned.version},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"card-{poisoned.pk}",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "row-updated" in html and f'id="card-{poisoned.pk}"' in html
    assert_escaped(html, "card", 5)


def test_a_late_card_says_so_and_a_closed_one_does_not(world, client):
    from django.utils import timezone

    yesterday = timezone.localdate() - timedelta(days=1)
    late, done = world["t1"], world["t2"]
    services.ticket_allocate(ticket=done, executante=world["tecnico1"], by=world["gestor"])
    Ticket.objects.filter(pk__in=[late.pk, done.pk]).update(deadline=yesterday)
    Ticket.objects.filter(pk=done.pk).update(status=Ticket.Status.VISTORIADO)
    client.force_login(world["tecnico1"])
    html = client.get(reverse("tickets:mine"), {"sort": "deadline"}).content.decode()
    cards = {pk: html.split(f'id="card-{pk}"')[0].rsplit("<article", 1)[1] for pk in (late.pk, done.pk)}
    assert "is-overdue" in cards[late.pk] and "is-overdue" not in cards[done.pk]
    assert "1 dia de atraso" in html.split(f'id="card-{late.pk}"')[1].split("</article>")[0]


@pytest.mark.parametrize(
    ("address", "city", "state"),
    [
        ("Rua Um, 10", "Campinas", "SP"),
        ("Rua Um, 10", "Campinas", ""),
        ("Rua Um, 10", "", "SP"),
        ("", "Campinas", "SP"),
        ("", "", "SP"),
        ("Rua Um, 10", "", ""),
        ("", "", ""),
    ],
)
def test_a_cards_address_line_from_sql_is_the_units_full_address(world, address, city, state):
    """The cards read the address line from SQL (tickets/row_names.py); it must say what
    Unit.full_address says, whichever parts are blank."""
    t1 = world["t1"]
    unit = t1.unit
    unit.address, unit.city, unit.state = address, city, state
    unit.save()
    card = rows_of(Ticket.objects.filter(pk=t1.pk), "mine").get()
    assert card.unit_address_line == unit.full_address
    assert card.unit_name == unit.name and card.client_name == t1.client.name


def test_fixed_sql_columns_are_equal_when_their_sql_is():
    """FixedSQL's own identity (tickets/row_names.py) keeps Expression's equality: the
    class and the constructor's arguments."""
    from django.db.models import Value

    from tickets.row_names import FixedSQL

    assert FixedSQL("a") == FixedSQL("a") and hash(FixedSQL("a")) == hash(FixedSQL("a"))
    assert FixedSQL("a", "b") == FixedSQL("a", "b")
    assert FixedSQL("a") != FixedSQL("b")
    assert FixedSQL("a", "b") != FixedSQL("a", "c")
    assert FixedSQL("a") != Value("a")
    assert len({FixedSQL("a"), FixedSQL("a"), FixedSQL("b")}) == 2


def _variants(ticket, today):
    """``ticket`` (fetched as its list fetches it) in every combination of what its
    row's shared pieces are drawn from: status, pause, block and its reason,
    deadline, priority, allocation."""
    from datetime import timedelta

    deadlines = (None, today - timedelta(days=3), today, today + timedelta(days=1), today + timedelta(days=9))
    blocks = ((False, ""), (True, "no key"), (True, "no part"))
    combos = itertools.product(
        Ticket.Status.values,
        (False, True),
        blocks,
        deadlines,
        Ticket.Priority.values,
        (None, ticket.executante_id),
    )
    for n, (status, paused, (blocked, reason), deadline, priority, executante_id) in enumerate(combos):
        variant = copy.copy(ticket)
        variant.number = n
        variant.status, variant.paused, variant.blocked, variant.blocked_reason = (
            status,
            paused,
            blocked,
            reason,
        )
        variant.deadline, variant.priority, variant.executante_id = deadline, priority, executante_id
        yield variant


@pytest.mark.parametrize("language", ["pt-br", "en"])
@pytest.mark.parametrize("scope", ["queue", "client", "mine"])
def test_rows_sharing_a_page_draw_what_each_would_alone(world, scope, language):
    """PageParts shares a page's badges, words and URLs between its rows: each row must
    come out exactly as it does with nothing shared, whatever its combination."""
    ticket = rows_of(Ticket.objects.filter(pk=world["t1"].pk), scope).get()
    today = timezone.localdate()
    draw = {
        "queue": lambda t, parts: rows.queue_row(t, parts=parts),
        "client": lambda t, parts: rows.client_row(t, parts=parts),
        "mine": lambda t, parts: rows.mine_card(t, "token", parts=parts),
    }[scope]
    with translation.override(language):
        shared = rows.PageParts(today)
        variants = list(_variants(ticket, today))
        pairs = [(draw(t, shared), draw(t, rows.PageParts(today))) for t in variants]
    assert len(variants) == 5 * 2 * 3 * 5 * 4 * 2
    for n, (on_a_page, alone) in enumerate(pairs):
        assert on_a_page == alone, n
