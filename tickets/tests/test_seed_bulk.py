"""manage.py seed_bulk: the benchmark's skewed world, and grants written like the services write them."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from providers.models import ProviderMember
from tickets import access
from tickets.management import bulk
from tickets.management.bulk import BIG_PROVIDER, PERSONAS, SPARSE
from tickets.models import Comment, Ticket, TicketEvent, TicketUserObjectPermission

pytestmark = pytest.mark.django_db

TECHNICIANS = 4


def seed(count):
    call_command("seed_bulk", tickets=count, technicians=TECHNICIANS, units=2, stdout=io.StringIO())


def person(key):
    # A fresh object per call: reach is cached on the user for one request only.
    return User.objects.get(email=PERSONAS[key])


@pytest.fixture
def world():
    seed(300)


def test_it_adds_the_tickets_with_one_provider_holding_about_half(world):
    assert Ticket.objects.count() == 300
    big = Ticket.objects.filter(contract__provider__name=BIG_PROVIDER).count()
    assert 0.4 <= big / 300 <= 0.6
    providers = Ticket.objects.exclude(contract=None).values("contract__provider").distinct().count()
    assert providers >= 6  # the big one, most of the eight small ones, the micro one


def test_each_provider_has_its_technicians_under_every_contract(world):
    per_contract = ProviderMember.objects.filter(role="executante").values("contract").annotate(n=Count("id"))
    # Mega's newcomer is one of its technicians; the Gestor+Executante person adds one in Cliente Um.
    assert {row["n"] for row in per_contract} <= {TECHNICIANS, TECHNICIANS + 1}


def test_about_three_comments_per_ticket(world):
    assert 2.0 <= Comment.objects.count() / 300 <= 4.0


def test_one_ticket_in_twenty_is_related_to_its_clients_previous_one(world):
    from tickets.management.bulk.rows import RELATED_EVERY

    links = list(Ticket.related.through.objects.values_list("from_ticket_id", "to_ticket_id"))
    assert links and {(b, a) for a, b in links} == set(links)  # both ways, as Django stores them
    tickets = Ticket.objects.in_bulk({a for a, _ in links})
    for a, b in links:
        assert tickets[a].client_id == tickets[b].client_id
    newer = {max(tickets[a], tickets[b], key=lambda t: t.number) for a, b in links}
    assert all(t.number % RELATED_EVERY == 0 for t in newer)
    assert len(newer) >= 300 // RELATED_EVERY - 6  # one per client may have no ticket before it
    # The timeline says so on both sides.
    assert TicketEvent.objects.filter(kind="related").count() == len(links)


def test_sparse_people_see_about_twenty_tickets(world):
    assert access.executante_tickets(person("executante_sparse")).count() == SPARSE
    assert access.gestor_tickets(person("gestor_sparse")).count() == SPARSE
    assert access.client_tickets(person("client_sparse")).count() == SPARSE
    big = access.gestor_tickets(person("gestor_big")).count()
    assert big > 5 * SPARSE


def test_the_newcomers_tickets_are_recent_and_some_still_open(world):
    # His Meus tickets shows only open work: with tickets from two years back all
    # of them could be closed and the benchmark would time an empty page.
    mine = access.executante_tickets(person("executante_sparse"))
    month_ago = timezone.now() - timedelta(days=31)
    assert not mine.filter(created_at__lt=month_ago).exists()
    assert mine.exclude(status__in=Ticket.CLOSED_STATUSES).exists()


def test_allocated_tickets_give_their_executante_the_per_ticket_rows(world):
    allocated = Ticket.objects.exclude(executante=None)
    rows = TicketUserObjectPermission.objects.all()
    assert rows.count() == 3 * allocated.count()
    for ticket in allocated.select_related("client")[:50]:
        mine = rows.filter(content_object=ticket)
        assert {r.user_id for r in mine} == {ticket.executante_id}
        assert {r.client_id for r in mine} == {ticket.client_id}
        assert {r.permission.codename for r in mine} == {"view_ticket", "change_status", "comment"}


def test_gestores_get_no_per_ticket_rows(world):
    gestores = ProviderMember.objects.filter(role="gestor").values("user_id")
    executantes = ProviderMember.objects.filter(role="executante").values("user_id")
    only_gestores = User.objects.filter(pk__in=gestores).exclude(pk__in=executantes)
    assert only_gestores.exists()
    assert not TicketUserObjectPermission.objects.filter(user__in=only_gestores).exists()


def test_the_gestor_executante_person_has_both_reaches(world):
    hybrid = person("gestor_executante")
    queue = set(access.gestor_tickets(hybrid).values_list("pk", flat=True))
    mine = set(access.executante_tickets(person("gestor_executante")).values_list("pk", flat=True))
    assert queue and mine and not queue & mine  # Gestor for Cliente Dois, Executante for Cliente Um
    visible = set(access.visible_tickets(person("gestor_executante")).values_list("pk", flat=True))
    assert visible == queue | mine


def test_running_it_again_adds_to_the_same_world(world):
    people = User.objects.count()
    seed(40)
    assert Ticket.objects.count() == 340
    assert User.objects.count() == people
    numbers = Ticket.objects.values("client", "number").annotate(n=Count("id")).filter(n__gt=1)
    assert not numbers.exists()
    assert access.executante_tickets(person("executante_sparse")).count() == SPARSE


def test_a_load_that_rebuilds_the_indexes_keeps_their_statistics_targets(world):
    def targets():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, (a.attnum, a.attstattarget) FROM pg_class c JOIN pg_attribute a"
                " ON a.attrelid = c.oid WHERE c.relname LIKE 'ticket%%_trgm' AND a.attstattarget > 0"
                " ORDER BY c.relname"
            )
            return dict(cursor.fetchall())

    if connection.vendor != "postgresql":
        # No trigram indexes there (migrations 0002, 0004, 0005): the load just adds.
        bulk.add_tickets(bulk.build_world(technicians=TECHNICIANS, units=2), 20, rebuild_indexes=True)
        assert Ticket.objects.count() == 320
        return
    # Migration 0005's larger samples (on the expression, the second column since
    # migration 0008), which a dropped index would forget.
    before = targets()
    assert before == {
        "ticket_executante_description_trgm": "(2,1000)",
        "ticket_executante_title_trgm": "(2,1000)",
        "ticket_open_executante_description_trgm": "(2,1000)",
        "ticket_open_executante_title_trgm": "(2,1000)",
    }
    bulk.add_tickets(bulk.build_world(technicians=TECHNICIANS, units=2), 20, rebuild_indexes=True)
    assert Ticket.objects.count() == 320
    assert targets() == before
