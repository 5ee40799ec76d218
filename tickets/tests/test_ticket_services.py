"""The status workflow and the planning services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tickets import services
from tickets.models import Ticket, TicketEvent, TicketUserObjectPermission

pytestmark = pytest.mark.django_db


def kinds(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))


def test_numbers_are_sequential_per_client(world):
    sm_numbers = sorted(Ticket.objects.filter(client=world["supermercados"]).values_list("number", flat=True))
    assert sm_numbers == [1, 2, 3, 4, 5]
    assert Ticket.objects.get(pk=world["b1"].pk).number == 1


def test_the_executante_runs_the_whole_execution(world, django_capture_on_commit_callbacks):
    t2, tecnico2 = world["t2"], world["tecnico2"]
    services.ticket_start(ticket=t2, by=tecnico2)
    services.ticket_pause(ticket=t2, by=tecnico2, reason="Loja fechou")
    services.ticket_start(ticket=t2, by=tecnico2)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_finish(ticket=t2, by=tecnico2, comment="Trocado o dreno.")
    t2.refresh_from_db()
    assert t2.status == Ticket.Status.EXECUTADO and t2.executed_at and not t2.paused
    assert t2.comments.get().body == "Trocado o dreno."
    assert kinds(t2)[-5:] == ["status", "paused", "resumed", "comment", "status"]
    # The requester is told, and only him.
    assert [m.to for m in mail.outbox] == [[t2.requester.email]]


def test_the_client_inspects_or_reopens_an_executed_ticket(world):
    t2 = world["t2"]
    services.ticket_start(ticket=t2, by=world["tecnico2"])
    services.ticket_finish(ticket=t2, by=world["tecnico2"])
    services.ticket_reopen(ticket=t2, by=world["client_staff"], reason="Continua pingando")
    t2.refresh_from_db()
    assert t2.status == Ticket.Status.ABERTO and t2.executed_at is None
    services.ticket_start(ticket=t2, by=world["tecnico2"])
    services.ticket_finish(ticket=t2, by=world["tecnico2"])
    services.ticket_inspect(ticket=t2, by=world["client_staff"])
    t2.refresh_from_db()
    assert t2.status == Ticket.Status.VISTORIADO and t2.inspected_at


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (services.ticket_finish, {}),
        (services.ticket_pause, {}),
        (services.ticket_inspect, {}),
        (services.ticket_reopen, {}),
    ],
)
def test_an_illegal_transition_is_refused_and_changes_nothing(world, service, kwargs):
    t1 = world["t1"]
    before = (t1.status, t1.version, len(kinds(t1)))
    with pytest.raises(ValidationError):
        service(ticket=t1, by=world["tecnico1"], **kwargs)
    t1.refresh_from_db()
    assert (t1.status, t1.version, len(kinds(t1))) == before


def test_blocking_needs_a_reason_and_pauses_the_sla_clock(world):
    t1 = world["t1"]
    with pytest.raises(ValidationError):
        services.ticket_block(ticket=t1, by=world["tecnico1"], reason="  ")
    services.ticket_block(ticket=t1, by=world["tecnico1"], reason="Sem acesso ao telhado")
    t1.refresh_from_db()
    assert t1.blocked and t1.blocked_reason == "Sem acesso ao telhado"
    due = t1.sla_due
    Ticket.objects.filter(pk=t1.pk).update(blocked_at=timezone.now() - timedelta(hours=5))
    services.ticket_start(ticket=t1, by=world["tecnico1"])
    t1.refresh_from_db()
    assert not t1.blocked and t1.status == Ticket.Status.EM_EXECUCAO
    assert timedelta(hours=4, minutes=59) < t1.sla_due - due < timedelta(hours=5, minutes=1)


def test_a_ticket_not_sent_to_a_provider_cannot_be_started_or_allocated(world):
    with pytest.raises(ValidationError):
        services.ticket_start(ticket=world["t5"], by=world["gestor"])
    with pytest.raises(ValidationError):
        services.ticket_allocate(ticket=world["t5"], executante=world["tecnico1"], by=world["gestor"])


def test_allocation_swaps_grants_and_tells_both_technicians(world, django_capture_on_commit_callbacks):
    t1 = world["t1"]
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_allocate(ticket=t1, executante=world["tecnico2"], by=world["gestor"])
    holders = set(
        TicketUserObjectPermission.objects.filter(content_object=t1).values_list("user_id", flat=True)
    )
    assert holders == {world["tecnico2"].pk}
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["tecnico1@prestadora.demo", "tecnico2@prestadora.demo"]
    event = TicketEvent.objects.filter(ticket=t1, kind="executante").last()
    assert event.data == {"old": str(world["tecnico1"]), "new": str(world["tecnico2"])}


def test_allocating_another_providers_technician_is_refused(world):
    with pytest.raises(ValidationError):
        services.ticket_allocate(ticket=world["t3"], executante=world["other_tecnico"], by=world["gestor"])
    world["t3"].refresh_from_db()
    assert world["t3"].executante is None


def test_a_gestor_may_execute_himself(world):
    services.ticket_allocate(ticket=world["t3"], executante=world["gestor"], by=world["gestor"])
    services.ticket_start(ticket=world["t3"], by=world["gestor"])
    world["t3"].refresh_from_db()
    assert world["t3"].status == Ticket.Status.EM_EXECUCAO


def test_a_ticket_arriving_at_a_provider_tells_its_gestores(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_send(ticket=world["t5"], contract=world["clima_sm"], by=world["client_staff"])
    assert [m.to for m in mail.outbox] == [["gestor@prestadora.demo"]]


def test_moving_a_ticket_to_another_provider_takes_it_from_the_old_technician(world):
    t1 = world["t1"]
    services.ticket_send(ticket=t1, contract=world["eletrica_sm"], by=world["client_staff"])
    t1.refresh_from_db()
    assert t1.executante is None and t1.contract == world["eletrica_sm"]
    assert not TicketUserObjectPermission.objects.filter(content_object=t1).exists()


def test_a_contract_of_another_client_is_refused(world):
    with pytest.raises(ValidationError):
        services.ticket_send(ticket=world["t5"], contract=world["clima_banco"], by=world["client_staff"])


def test_a_stale_version_is_refused(world):
    t1 = world["t1"]
    old_version = t1.version
    services.ticket_set_deadline(ticket=t1, deadline=timezone.localdate(), by=world["gestor"])
    with pytest.raises(services.StaleTicketError):
        services.ticket_set_deadline(
            ticket=t1,
            deadline=timezone.localdate() + timedelta(days=3),
            by=world["tecnico1"],
            expected_version=old_version,
        )
    t1.refresh_from_db()
    assert t1.deadline == timezone.localdate()


def test_tags_are_per_client_and_logged(world):
    t1 = world["t1"]
    services.ticket_set_tags(ticket=t1, names=["Preventiva", " corretiva ", "preventiva"], by=world["gestor"])
    assert sorted(t1.tags.values_list("name", flat=True)) == ["Preventiva", "corretiva"]
    before = type(t1).objects.get(pk=t1.pk).updated_at
    services.ticket_set_tags(ticket=t1, names=["corretiva"], by=world["tecnico1"])
    event = TicketEvent.objects.filter(ticket=t1, kind="tags").last()
    assert event.data == {"added": [], "removed": ["Preventiva"]}
    # A change of tags is a change of the ticket (the "recently updated" sort, kept rows).
    assert type(t1).objects.get(pk=t1.pk).updated_at > before


def test_duplicate_copies_the_request_but_not_the_executante(world):
    copy = services.ticket_duplicate(ticket=world["t1"], by=world["gestor"])
    assert copy.number == 6 and copy.title == world["t1"].title
    assert copy.contract_id == world["t1"].contract_id and copy.executante is None
    assert TicketEvent.objects.get(ticket=copy, kind="duplicated_from").data == {"number": world["t1"].number}
    assert TicketEvent.objects.get(ticket=world["t1"], kind="duplicated_to").data == {"number": 6}


def test_relating_tickets_of_different_clients_is_refused(world):
    with pytest.raises(ValidationError):
        services.ticket_relate(ticket=world["t1"], other=world["b1"], by=world["root"])
    services.ticket_relate(ticket=world["t1"], other=world["t2"], by=world["gestor"])
    assert list(world["t2"].related.all()) == [world["t1"]]
