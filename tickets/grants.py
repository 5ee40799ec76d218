"""Per-ticket guardian rows for Executantes: handed out on allocation, taken back on
reallocation, deactivation or removal. Gestores never get per-ticket rows (their
reach is the contract grant), so onboarding a Gestor writes a constant number of rows.
"""

import logging
from functools import cache

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from .models import Ticket, TicketUserObjectPermission

security_log = logging.getLogger("trilogo.security")

EXECUTANTE_PERMS = ("view_ticket", "change_status", "comment")


@cache
def _perm_ids(codenames: tuple[str, ...] = EXECUTANTE_PERMS) -> dict[str, int]:
    ct = ContentType.objects.get_for_model(Ticket)
    return dict(
        Permission.objects.filter(content_type=ct, codename__in=codenames).values_list("codename", "id")
    )


def forget_perm_ids(**kwargs) -> None:
    """Permission rows are recreated by migrate and flush (tests): drop the cached ids."""
    _perm_ids.cache_clear()


def view_perm_id() -> int:
    return _perm_ids()["view_ticket"]


def grant_executante(*, ticket: Ticket, user) -> None:
    """Give the allocated Executante his per-ticket permissions (idempotent)."""
    security_log.info("permission change: grant ticket=%s user=%s", ticket.pk, user.pk)
    existing = set(
        TicketUserObjectPermission.objects.filter(content_object=ticket, user=user).values_list(
            "permission_id", flat=True
        )
    )
    TicketUserObjectPermission.objects.bulk_create(
        [
            TicketUserObjectPermission(
                content_object=ticket, user=user, permission_id=pid, client_id=ticket.client_id
            )
            for pid in _perm_ids().values()
            if pid not in existing
        ]
    )


def revoke_executante(*, ticket: Ticket, user) -> None:
    security_log.info("permission change: revoke ticket=%s user=%s", ticket.pk, user.pk)
    TicketUserObjectPermission.objects.filter(content_object=ticket, user=user).delete()


def release_executante(*, contract, user, by) -> int:
    """Take every ticket of a contract away from a person who lost his place in it.

    His rows go, and his open tickets go back to the Gestor's queue unallocated,
    with a timeline entry, so nothing stays assigned to someone who cannot see it.
    """
    from .services import ticket_deallocate_for_membership

    tickets = list(Ticket.objects.filter(contract=contract, executante=user))
    for ticket in tickets:
        ticket_deallocate_for_membership(ticket=ticket, by=by)
    TicketUserObjectPermission.objects.filter(user=user, content_object__contract=contract).delete()
    return len(tickets)
