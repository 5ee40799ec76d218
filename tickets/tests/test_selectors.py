"""tickets.selectors: the technicians' load shown next to the allocation choices."""

from datetime import date

import pytest

from tickets.models import Ticket
from tickets.selectors import allocation_choices

pytestmark = pytest.mark.django_db


def load_of(world):
    return {c["user"].pk: c for c in allocation_choices([world["clima_sm"].pk])}


def test_each_choice_carries_the_persons_open_tickets_under_the_contracts_only(world):
    Ticket.objects.filter(pk=world["t1"].pk).update(deadline=date(2026, 12, 20))
    # A second ticket of tecnico1's under the same contract, closed: not his load any more.
    Ticket.objects.filter(pk=world["t3"].pk).update(
        executante=world["tecnico1"], deadline=date(2026, 12, 10), status=Ticket.Status.ARQUIVADO
    )
    load = load_of(world)
    assert (load[world["tecnico1"].pk]["open_count"], load[world["tecnico1"].pk]["next_deadline"]) == (
        1,
        date(2026, 12, 20),
    )
    assert (load[world["tecnico2"].pk]["open_count"], load[world["tecnico2"].pk]["next_deadline"]) == (
        1,
        None,
    )
    Ticket.objects.filter(pk=world["t3"].pk).update(status=Ticket.Status.EXECUTADO)  # waits for inspection
    load = load_of(world)
    assert (load[world["tecnico1"].pk]["open_count"], load[world["tecnico1"].pk]["next_deadline"]) == (
        2,
        date(2026, 12, 10),
    )


def test_allocation_choices_list_the_contracts_people_and_no_one_else(world):
    load = load_of(world)
    # Elétrica's technician works under another contract of the same client.
    assert world["other_tecnico"].pk not in load
    assert {world["tecnico1"].pk, world["tecnico2"].pk} <= set(load)
    assert str(load[world["tecnico1"].pk]["user"]) == str(world["tecnico1"])
    # The contract's Gestor can execute too, with nothing open.
    assert load[world["gestor"].pk]["open_count"] == 0
    names = [str(c["user"]).lower() for c in allocation_choices([world["clima_sm"].pk])]
    assert names == sorted(names)
