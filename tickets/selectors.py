"""Reads shared by the ticket pages (HackSoft-style selectors)."""

from django.db.models import Q

from .list_options import ListOptions


def allocation_choices(contract_ids):
    """Who can execute under the contracts, each with his open tickets and next
    deadline there, so the Gestor sees who is free before allocating.

    The queue's bulk-allocation statement (tickets/list_options.py), one fixed SQL
    query. It replaced two ORM queries that built a model instance per member and
    per person (51 of each under a big contract): gestor_big's ticket page went
    from 89.7 to 73.1 M instructions at 1M tickets (bench/README.md).
    """
    options = ListOptions(scope="queue", client_ids=(), contract_ids=contract_ids, kinds=(), with_load=True)
    return options.allocation_choices()


def related_visible(ticket, visible):
    return visible.filter(Q(related=ticket)).select_related("unit").order_by("-number")[:20]
