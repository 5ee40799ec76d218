"""The three ticket lists: the client's tickets, the Gestor's queue, "Meus tickets"."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render

from .. import access
from ..filters import TicketFilter
from ..models import Tag
from ..paging import paginate

SCOPES = {
    "client": ("tickets/list_client.html", access.client_tickets),
    "queue": ("tickets/list_queue.html", access.gestor_tickets),
    "mine": ("tickets/list_mine.html", access.executante_tickets),
}


@login_required
def home(request):
    """Send each person to the page they work from."""
    reach = access.reach_for(request.user)
    if reach.is_gestor:
        return redirect("tickets:queue")
    if reach.is_client_staff:
        return redirect("tickets:client_list")
    if access.executante_tickets(request.user).exists():
        return redirect("tickets:mine")
    return render(request, "home.html")


def _reach_clients(reach, scope):
    if scope == "queue":
        from providers.models import Contract

        return set(
            Contract.objects.filter(pk__in=sorted(reach.gestor_contract_ids)).values_list(
                "client_id", flat=True
            )
        )
    return set(reach.client_ids)


def ticket_list(request, scope):
    template, base = SCOPES[scope]
    reach = access.reach_for(request.user)
    if scope == "queue" and not reach.is_gestor:
        raise Http404
    if scope == "client" and not reach.is_client_staff:
        raise Http404
    queryset = (
        base(request.user)
        .for_list()
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))
    )
    filterset = TicketFilter(
        request.GET,
        queryset=queryset,
        scope=scope,
        client_ids=_reach_clients(reach, scope),
        contract_ids=reach.gestor_contract_ids,
    )
    page = paginate(filterset.qs, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "scope": scope,
        "filter": filterset,
        "page": page,
        "tickets": page.object_list,
        "querystring": query.urlencode(),
    }
    if request.htmx and request.htmx.target == "ticket-list":
        return render(request, "tickets/_list_results.html", context)
    return render(request, template, context)


@login_required
def client_list(request):
    return ticket_list(request, "client")


@login_required
def queue(request):
    return ticket_list(request, "queue")


@login_required
def mine(request):
    return ticket_list(request, "mine")
