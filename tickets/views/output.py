"""Work-order PDFs: one ticket's, and the selection's (a background job).

Who: anyone whose TicketAccess allows "pdf" (client staff, the Gestor, the
platform). Everyone else gets 404 — the Executante included, even on a ticket he
can see: to him every PDF and report URL answers exactly like a ticket that does
not exist, so the URLs reveal nothing (the design's 403 for "visible but not
allowed" would tell him the ticket has a PDF he may not have).
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from .. import access as access_module
from .. import pdf_jobs
from ..filters import TicketFilter

SCOPE_LISTS = {"queue": "tickets:queue", "client": "tickets:client_list"}


def _pdf_response(data: bytes, filename: str, *, inline=True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    _private(response)
    return response


def _private(response):
    # Work orders carry addresses, names and, for some, money: never in a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def ticket_pdf(request, pk):
    ticket, ticket_access = access_module.get_ticket_for_user(request.user, pk, "view")
    if not ticket_access.can("pdf"):
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    from .. import pdf  # WeasyPrint loads on the first PDF, not with the URLconf

    orders = pdf.load_work_orders(request.user, [ticket])
    title = _("Work order #%(number)s") % {"number": ticket.number}
    return _pdf_response(pdf.render_pdf(orders, request.user, title), pdf.work_order_filename(ticket))


# ---- The selection ------------------------------------------------------------------------


def _selection(request):
    """(scope, filterset, ticket ids up to the cap + 1) for the list's filters in the URL."""
    reach = access_module.reach_for(request.user)
    scope = request.GET.get("scope") or ("queue" if reach.is_gestor else "client")
    base = pdf_jobs.scope_queryset(request.user, scope) if scope in SCOPE_LISTS else None
    if base is None:
        raise Http404
    data = request.GET.copy()
    for key in ("scope", "page"):
        data.pop(key, None)
    filterset = TicketFilter(
        data,
        queryset=base,
        scope=scope,
        client_ids=reach.gestor_client_ids if scope == "queue" else reach.client_ids,
        contract_ids=reach.gestor_contract_ids,
    )
    ids = list(filterset.qs.values_list("pk", flat=True)[: pdf_jobs.MAX_TICKETS + 1])
    return scope, data, ids


@vary_on_headers("HX-Request")
@login_required
def selection_pdf(request):
    """GET: how many work orders the list's selection makes, and a button. POST: the job."""
    scope, data, ids = _selection(request)
    if request.method == "POST":
        job = pdf_jobs.job_create(
            owner=request.user, scope=scope, ticket_ids=ids[: pdf_jobs.MAX_TICKETS], query=data.urlencode()
        )
        return redirect("tickets:pdf_job", job_id=job.pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {
        "scope": scope,
        "count": min(len(ids), pdf_jobs.MAX_TICKETS),
        "over_cap": len(ids) > pdf_jobs.MAX_TICKETS,
        "cap": pdf_jobs.MAX_TICKETS,
        "list_url": reverse(SCOPE_LISTS[scope]) + (f"?{data.urlencode()}" if data else ""),
        "recent_jobs": pdf_jobs.PdfJob.objects.filter(owner=request.user)[:5],
    }
    return render(request, "tickets/pdf/selection.html", context)


def _own_job(request, job_id):
    job = pdf_jobs.get_job_for_user(request.user, job_id)
    if job is None:
        raise Http404
    return job


@vary_on_headers("HX-Request")
@login_required
def job_status(request, job_id):
    job = _own_job(request, job_id)
    context = {
        "job": job,
        "list_url": reverse(SCOPE_LISTS.get(job.scope, "tickets:home"))
        + (f"?{job.query}" if job.query else ""),
    }
    if request.htmx:
        return _private(render(request, "tickets/pdf/_job_status.html", context))
    return _private(render(request, "tickets/pdf/job.html", context))


@login_required
def job_file(request, job_id):
    job = _own_job(request, job_id)
    if job.status != pdf_jobs.PdfJob.Status.DONE or not job.file:
        raise Http404
    # The person's reach may have changed since the file was made.
    if not pdf_jobs.still_allowed(job, request.user):
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    stamp = timezone.localtime(job.created_at).strftime("%Y-%m-%d-%H%M")
    response = FileResponse(handle, content_type="application/pdf", filename=f"ordens-de-servico-{stamp}.pdf")
    return _private(response)
