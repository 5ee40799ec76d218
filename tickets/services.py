"""Writes on tickets. Keyword-only, atomic; each writes its timeline event and
keeps the Executante's grants in sync (tickets.grants)."""

from django.db import transaction

from . import grants
from .models import Ticket, TicketEvent


def log_event(*, ticket: Ticket, actor, kind: str, financial: bool = False, **data) -> TicketEvent:
    return TicketEvent.objects.create(
        client_id=ticket.client_id, ticket=ticket, actor=actor, kind=kind, data=data, financial=financial
    )


@transaction.atomic
def ticket_deallocate_for_membership(*, ticket: Ticket, by) -> None:
    """The Executante lost his place under the contract: the ticket returns to the queue."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    previous = ticket.executante
    if previous is None:
        return
    grants.revoke_executante(ticket=ticket, user=previous)
    ticket.executante = None
    ticket.version += 1
    ticket.save(update_fields=["executante", "version", "updated_at"])
    log_event(
        ticket=ticket,
        actor=by,
        kind="executante_removed",
        old=str(previous),
        reason="membership",
    )
