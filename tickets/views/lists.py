"""The three ticket lists: the client's tickets, the Gestor's queue, "Meus tickets"."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.vary import vary_on_headers

from .. import access
from ..filters import TicketFilter
from ..models import Tag
from ..paging import paginate

# A technician opening "Meus tickets" wants the work still to do, soonest deadline first.
MINE_DEFAULT = QueryDict("status=aberto&status=em_execucao&sort=deadline")

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


TAGS = Prefetch("tags", queryset=Tag.objects.only("id", "name"))

# What each list's rows show, and nothing more: every extra join multiplies the
# planner's work (seven joins cost PostgreSQL ~5 ms of planning per page at a
# million tickets; bench/README.md). test_list_queries.py catches a row template
# that starts reading a relation not fetched here.
ROW_RELATIONS = {
    "client": (("unit", "area", "category", "contract__provider", "executante"), (TAGS,)),
    "queue": (("client", "unit", "area", "category", "executante"), (TAGS,)),
    "mine": (("client", "unit", "area"), ()),
}


def _rows_for(scope):
    related, prefetch = ROW_RELATIONS[scope]
    return lambda queryset: queryset.select_related(*related).prefetch_related(*prefetch)


def ticket_list(request, scope):
    """One list page in a constant number of queries: session, user, reach, the page
    (with its capped count), its tags (not on the phone cards), and, when the whole
    page is drawn, the filter choices (with the technicians' load on the queue)."""
    template, base = SCOPES[scope]
    reach = access.reach_for(request.user)
    if scope == "queue" and not reach.is_gestor:
        raise Http404
    if scope == "client" and not reach.is_client_staff:
        raise Http404
    data = request.GET
    if scope == "mine" and not data:
        data = MINE_DEFAULT
    partial = bool(request.htmx and request.htmx.target == "ticket-list")
    filterset = TicketFilter(
        data,
        queryset=base(request.user),
        scope=scope,
        client_ids=reach.gestor_client_ids if scope == "queue" else reach.client_ids,
        contract_ids=reach.gestor_contract_ids,
        with_load=scope == "queue" and not partial,
    )
    page = paginate(filterset.qs, request.GET.get("page"), rows=_rows_for(scope))
    query = data.copy()
    query.pop("page", None)
    context = {
        "scope": scope,
        "filter": filterset,
        "page": page,
        "tickets": page.object_list,
        "querystring": query.urlencode(),
    }
    if partial:
        return render(request, "tickets/_list_results.html", context)
    if scope == "queue":
        context["allocation_choices"] = filterset.options.allocation_choices()
    return render(request, template, context)


@login_required
def client_list(request):
    return ticket_list(request, "client")


@vary_on_headers("HX-Request", "HX-Target")
@login_required
def queue(request):
    return ticket_list(request, "queue")


@vary_on_headers("HX-Request", "HX-Target")
@login_required
def mine(request):
    return ticket_list(request, "mine")
