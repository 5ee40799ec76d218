"""tickets.selectors: the technicians' load shown next to the allocation choices."""

from datetime import date

import pytest

from tickets.models import Ticket
from tickets.selectors import allocation_choices, technician_load

pytestmark = pytest.mark.django_db


def test_technician_load_counts_open_tickets_under_the_contracts_only(world):
    Ticket.objects.filter(pk=world["t1"].pk).update(deadline=date(2026, 12, 20))
    # A second ticket of tecnico1's under the same contract, closed: not his load any more.
    Ticket.objects.filter(pk=world["t3"].pk).update(
        executante=world["tecnico1"], deadline=date(2026, 12, 10), status=Ticket.Status.ARQUIVADO
    )
    load = technician_load([world["clima_sm"].pk])
    assert load[world["tecnico1"].pk]["open_count"] == 1
    assert load[world["tecnico1"].pk]["next_deadline"] == date(2026, 12, 20)
    assert load[world["tecnico2"].pk]["open_count"] == 1
    assert world["other_tecnico"].pk not in load  # Elétrica's contract, not asked for
    Ticket.objects.filter(pk=world["t3"].pk).update(status=Ticket.Status.EXECUTADO)  # waits for inspection
    assert technician_load([world["clima_sm"].pk])[world["tecnico1"].pk]["open_count"] == 2


def test_allocation_choices_list_the_contracts_people_with_their_load(world):
    choices = {c["user"]: c for c in allocation_choices([world["clima_sm"].pk])}
    assert choices[world["tecnico1"]]["open_count"] == 1
    assert world["other_tecnico"] not in choices
