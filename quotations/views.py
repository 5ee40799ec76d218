"""Finance pages. Each fetches the ticket through quotations.access (404 for anyone
who may not see its finance, the Executante included) and then narrows every
object to that ticket."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Sum
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import access as finance_access
from . import services
from .forms import CostForm, DecisionForm, InvoiceForm, ItemFormSet, QuotationForm
from .models import Quotation, QuotationItem

ZERO = Decimal("0.00")


def _overview_context(ticket, access):
    quotations = list(
        ticket.quotations.select_related("created_by", "decided_by").prefetch_related(
            Prefetch("items", queryset=QuotationItem.objects.order_by("id"))
        )
    )
    costs = list(ticket.costs.select_related("invoice", "quotation"))
    invoices = list(ticket.invoices.all())
    sent = [q for q in quotations if q.status != Quotation.Status.RASCUNHO]
    return {
        "ticket": ticket,
        "access": access,
        "quotations": quotations,
        "costs": costs,
        "invoices": invoices,
        "quoted": sent[-1].total if sent else ZERO,
        "approved": sum((q.total for q in quotations if q.status == Quotation.Status.APROVADA), ZERO),
        "costs_total": sum((c.total for c in costs), ZERO),
        "invoiced": ticket.invoices.aggregate(s=Sum("amount"))["s"] or ZERO,
        "can_quote": finance_access.can_quote(access),
        "can_decide": finance_access.can_decide(access),
        "can_cost": finance_access.can_cost(access),
        "decision_form": DecisionForm(),
    }


@login_required
def overview(request, pk):
    ticket, access = finance_access.get_financial_ticket_for_user(request.user, pk, "view")
    return render(request, "quotations/overview.html", _overview_context(ticket, access))


def _items(formset):
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


@login_required
def quotation_form(request, pk, qid=None):
    ticket, _access = finance_access.get_financial_ticket_for_user(request.user, pk, "quote")
    quotation = None
    if qid is not None:
        quotation = get_object_or_404(ticket.quotations, pk=qid)
    initial_items = [
        {"description": i.description, "quantity": i.quantity, "unit_price": i.unit_price}
        for i in (quotation.items.all() if quotation else [])
    ]
    initial = (
        {"freight": quotation.freight, "valid_until": quotation.valid_until, "notes": quotation.notes}
        if quotation
        else {}
    )
    form = QuotationForm(request.POST or None, request.FILES or None, initial=initial)
    formset = ItemFormSet(request.POST or None, initial=initial_items or None, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            saved = services.quotation_save(
                ticket=ticket,
                by=request.user,
                items=_items(formset),
                freight=data["freight"],
                valid_until=data["valid_until"],
                notes=data["notes"],
                upload=data["file"],
                quotation=quotation,
            )
            if "send" in request.POST:
                services.quotation_send(quotation=saved, by=request.user)
                messages.success(request, _("Quotation sent to the client."))
            else:
                messages.success(request, _("Quotation saved as a draft."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("quotations:overview", pk=ticket.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "quotations/quotation_form.html",
        {"ticket": ticket, "form": form, "formset": formset, "quotation": quotation},
        status=status,
    )


@login_required
def quotation_send(request, pk, qid):
    # Access before the method check: to an outsider every finance URL is a 404.
    ticket, _access = finance_access.get_financial_ticket_for_user(request.user, pk, "quote")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    quotation = get_object_or_404(ticket.quotations, pk=qid)
    try:
        services.quotation_send(quotation=quotation, by=request.user)
        messages.success(request, _("Quotation sent to the client."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("quotations:overview", pk=ticket.pk)


@login_required
def quotation_decide(request, pk, qid):
    ticket, access = finance_access.get_financial_ticket_for_user(request.user, pk, "decide")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    quotation = get_object_or_404(ticket.quotations, pk=qid)
    form = DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            services.quotation_decide(
                quotation=quotation, by=request.user, approve=approve, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Quotation approved: the cost was added.")
                if approve
                else _("Quotation refused. The provider was told."),
            )
            return redirect("quotations:overview", pk=ticket.pk)
    context = _overview_context(ticket, access)
    context.update(decision_form=form, decision_for=quotation.pk)
    return render(request, "quotations/overview.html", context, status=400)


@login_required
def cost_new(request, pk):
    ticket, _access = finance_access.get_financial_ticket_for_user(request.user, pk, "cost")
    form = CostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cost_add(ticket=ticket, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cost added."))
            return redirect("quotations:overview", pk=ticket.pk)
    return render(
        request,
        "quotations/simple_form.html",
        {"ticket": ticket, "form": form, "title": _("New cost")},
        status=400 if form.errors else 200,
    )


@login_required
def invoice_new(request, pk):
    ticket, _access = finance_access.get_financial_ticket_for_user(request.user, pk, "cost")
    form = InvoiceForm(request.POST or None, request.FILES or None, ticket=ticket)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invoice_add(
                ticket=ticket,
                by=request.user,
                number=data["number"],
                series=data["series"],
                issue_date=data["issue_date"],
                amount=data["amount"],
                issuer_cnpj=data["issuer_cnpj"],
                costs=data["costs"],
                upload=data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invoice added."))
            return redirect("quotations:overview", pk=ticket.pk)
    return render(
        request,
        "quotations/simple_form.html",
        {"ticket": ticket, "form": form, "title": _("New invoice"), "multipart": True},
        status=400 if form.errors else 200,
    )


def _serve(item):
    if not item or not item.file:
        raise Http404
    content_type = "application/pdf" if item.file.name.endswith(".pdf") else "application/octet-stream"
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.file_name or "arquivo",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def quotation_file(request, pk, qid):
    ticket, _access = finance_access.get_financial_ticket_for_user(request.user, pk, "view")
    return _serve(ticket.quotations.filter(pk=qid).first())


@login_required
def invoice_file(request, pk, iid):
    ticket, _access = finance_access.get_financial_ticket_for_user(request.user, pk, "view")
    return _serve(ticket.invoices.filter(pk=iid).first())
