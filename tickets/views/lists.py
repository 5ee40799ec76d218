"""The three ticket lists: the client's tickets, the Gestor's queue, "Meus tickets"."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from .. import access, paging
from ..filters import DATE_SORTS, TicketFilter
from ..list_options import ListOptions
from ..models import Ticket
from ..paging import paginate, within_cap
from ..rows import rows_of

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


# Fragments the list pages ask for with htmx (the element id they replace). Each one
# goes through the same view, so through the same reach checks as the page itself.
LIST_RESULTS = "ticket-list"
FILTER_PANEL = "more-filters-body"
BULK_CHOICES = "bulk-executante"


def ticket_list(request, scope):
    """One list page in a constant number of queries: session, user, reach, the page
    keys with their capped count, its rows (tags included), and the unit choices.

    What the page does not need to draw at once comes as fragments of this same view:
    the rows alone (filtering in place), the "More filters" panel (its choices load
    when it is opened) and the queue's bulk-allocation choices with each
    technician's load (when the first ticket is ticked).
    """
    template, base = SCOPES[scope]
    reach = access.reach_for(request.user)
    if scope == "queue" and not reach.is_gestor:
        raise Http404
    if scope == "client" and not reach.is_client_staff:
        raise Http404
    data = request.GET
    if scope == "mine" and not data:
        data = MINE_DEFAULT
    fragment = request.htmx.target if request.htmx else None
    if fragment == BULK_CHOICES and scope == "queue":
        options = ListOptions(
            scope=scope,
            client_ids=reach.gestor_client_ids,
            contract_ids=reach.gestor_contract_ids,
            kinds=(),
            with_load=True,
        )
        context = {"choices": options.allocation_choices(), "blank": _("Allocate selected to…")}
        return render(request, "tickets/_executante_options.html", context)
    visible = base(request.user)
    # The keys of Meus tickets may probe his grants (_bounded); the page's 25 rows are
    # fetched within the semi-join form, which PostgreSQL probes by key anyway.
    keyed = visible
    if scope == "mine" and _bounded(data, request.GET.get("page")):
        keyed = access.executante_tickets(request.user, probe_grants=True)
    filterset = _filter(scope, reach, data, keyed, panel=fragment == FILTER_PANEL)
    if fragment == FILTER_PANEL:
        return render(request, "tickets/_filters_more.html", {"filter": filterset})
    page = paginate(
        filterset.qs,
        request.GET.get("page"),
        rows=lambda qs: rows_of(qs, scope),
        within=visible,
        merge_on=_merge_on(scope, reach, filterset),
        count_cap=paging.SEARCH_COUNT_CAP if filterset.text_search else None,
        kept_rows=scope,
    )
    query = data.copy()
    query.pop("page", None)
    context = {
        "scope": scope,
        "filter": filterset,
        "page": page,
        "tickets": page.object_list,
        "querystring": query.urlencode(),
    }
    if fragment == LIST_RESULTS:
        return render(request, "tickets/_list_results.html", context)
    return render(request, template, context)


def _filter(scope, reach, data, visible, *, panel):
    return TicketFilter(
        data,
        queryset=visible,
        scope=scope,
        client_ids=reach.gestor_client_ids if scope == "queue" else reach.client_ids,
        contract_ids=reach.gestor_contract_ids,
        panel=panel,
    )


def _bounded(data, raw_page):
    """Whether this page of Meus tickets reaches its keys by a short walk, so that
    probing each candidate's grant beats hashing all of the person's grants
    (access.executante_tickets). Never for a page past the count's cap. Then either
    only tickets not yet closed (one person's open work is a few hundred at most,
    where his grants pile up with the years), or a date sort, which walks his tickets
    newest (or oldest) first down the index on (executante, created_at) and stops at
    the count's cap, whatever the statuses. Measured at 1M (bench/README.md), for a
    technician with 10,000 tickets: the default page's keys 1.6 → 0.5 ms; every
    status, newest first, 6.1 → 2.0 ms; the closed ones 6.0 → 1.9 ms. Any other sort
    over closed tickets keeps the semi-join: probed, it was about twice as slow.

    A text search probes only in date order over closed tickets too (a word common
    in descriptions, every status: 39.0 → 1.5 ms; other words within 0.6 ms either
    way): searching open work alone, PostgreSQL then intersected the trigram index's
    matches with his open tickets (0.8 → 3.6 ms)."""
    if not within_cap(raw_page):
        return False
    statuses = set(data.getlist("status"))
    open_only = bool(statuses) and statuses.isdisjoint(Ticket.CLOSED_STATUSES)
    if (data.get("q") or "").strip():
        return not open_only and data.get("sort") in DATE_SORTS
    return open_only or data.get("sort") in DATE_SORTS


def _merge_on(scope, reach, filterset):
    """The page's keys as the merge of one ordered index scan per contract (the queue)
    or per client (the client's list), when an index gives the list's order
    (TicketFilter.index_order, paging.merged_keys). A small provider's
    tickets lie thinly through the global date index: page 1 read 15,000 entries for
    his first 1,001 at 1M tickets, growing with everyone else's; merged, about 1,001."""
    if not filterset.index_order:
        return None
    if scope == "queue":
        return ("contract_id", sorted(reach.gestor_contract_ids))
    if scope == "client":
        return ("client_id", sorted(reach.client_ids))
    return None


@vary_on_headers("HX-Request", "HX-Target")
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
