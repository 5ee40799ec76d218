"""The finance door. Every quotation, cost and invoice view comes through here.

A person who may not see a ticket's financial data gets 404 — the same answer
as for a ticket that does not exist — whether or not they can see the ticket
itself (the Executante sees the ticket, never its money).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tickets.access import get_ticket_for_user

# Finance actions, by the role the person holds on the ticket.
FINANCE_ACTIONS = {
    "view": frozenset({"gestor", "client", "platform"}),
    "quote": frozenset({"gestor"}),  # write and send quotations
    "decide": frozenset({"client"}),  # approve or refuse a quotation
    "cost": frozenset({"gestor"}),  # register costs and invoices
}


def get_financial_ticket_for_user(user, pk, action: str = "view"):
    """The ticket and access, or 404 unless the person may see its finance;
    403 when they may see it but not do ``action``."""
    ticket, access = get_ticket_for_user(user, pk, "view")
    if not access.financials:
        raise Http404
    if not (access.roles & FINANCE_ACTIONS[action]):
        raise PermissionDenied
    return ticket, access


def can_quote(access) -> bool:
    return access.financials and bool(access.roles & FINANCE_ACTIONS["quote"])


def can_decide(access) -> bool:
    return access.financials and bool(access.roles & FINANCE_ACTIONS["decide"])


def can_cost(access) -> bool:
    return access.financials and bool(access.roles & FINANCE_ACTIONS["cost"])
