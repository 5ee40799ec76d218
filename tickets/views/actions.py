"""POST endpoints on one ticket. Each declares the action it needs (ACTION_FOR),
fetches the ticket through the access module (404 for the invisible, 403 for a
missing right), calls one service and answers with the refreshed ticket body for
htmx or a redirect for a plain form post."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import access as access_module
from .. import forms, services
from ..attachments import attachment_add
from ..models import Ticket
from ..rows import rows_of
from ..selectors import allocation_choices
from .detail import render_detail


def _done(request, ticket, message):
    messages.success(request, message)
    if request.htmx:
        ticket, access = access_module.get_ticket_for_user(request.user, ticket.pk, "view")
        if (request.htmx.target or "").startswith("card-"):  # a card of "Meus tickets"
            card = rows_of(Ticket.objects.filter(pk=ticket.pk), "mine").get()  # the access checked above
            return render(request, "tickets/_card_mine.html", {"t": card, "oob_messages": True})
        return render_detail(request, ticket, access)
    return redirect("tickets:detail", pk=ticket.pk)


def _failed(request, ticket, access, error, **bound):
    for text in error.messages:
        messages.error(request, text)
    if request.htmx and (request.htmx.target or "").startswith("card-"):
        # A card of "Meus tickets" has no room for the error: the ticket page shows it.
        response = HttpResponse()
        response["HX-Redirect"] = reverse("tickets:detail", args=[ticket.pk])
        return response
    fresh, access = access_module.get_ticket_for_user(request.user, ticket.pk, "view")
    return render_detail(request, fresh, access, status=400, **bound)


def _version(form):
    return form.cleaned_data.get("version") if form.is_valid() else None


# action name in the URL -> (TicketAccess action, service, form class, form prefix)
TRANSITIONS = {
    "iniciar": ("execute", services.ticket_start, forms.VersionedForm, None),
    "pausar": ("execute", services.ticket_pause, forms.ReasonForm, "pause"),
    "impedir": ("execute", services.ticket_block, forms.ReasonForm, "block"),
    "finalizar": ("execute", services.ticket_finish, forms.FinishForm, "finish"),
    "vistoriar": ("inspect", services.ticket_inspect, forms.VersionedForm, None),
    "reabrir": ("reopen", services.ticket_reopen, forms.ReasonForm, "reopen"),
    "arquivar": ("archive", services.ticket_archive, forms.VersionedForm, None),
}
# Lazy: translated per request, in the person's language (not once, at import).
DONE_MESSAGES = {
    "iniciar": gettext_lazy("Execution started."),
    "pausar": gettext_lazy("Execution paused."),
    "impedir": gettext_lazy("Ticket flagged as blocked."),
    "finalizar": gettext_lazy("Ticket finished. The requester was told."),
    "vistoriar": gettext_lazy("Ticket inspected."),
    "reabrir": gettext_lazy("Ticket reopened."),
    "arquivar": gettext_lazy("Ticket archived."),
}


@login_required
@require_POST
def transition(request, pk, action):
    if action not in TRANSITIONS:
        raise Http404
    needs, service, form_class, prefix = TRANSITIONS[action]
    ticket, access = access_module.get_ticket_for_user(request.user, pk, needs)
    form = form_class(request.POST, request.FILES, prefix=prefix)
    if not form.is_valid():
        return _failed(
            request, ticket, access, ValidationError(_("Check the form below.")), **_bound(prefix, form)
        )
    data = form.cleaned_data
    kwargs = {"ticket": ticket, "by": request.user, "expected_version": data.get("version")}
    if action in {"pausar", "impedir", "reabrir"}:
        kwargs["reason"] = data.get("reason", "")
    if action == "finalizar":
        kwargs.update(comment=data.get("comment", ""), files=data.get("files", []))
    try:
        service(**kwargs)
    except ValidationError as error:
        return _failed(request, ticket, access, error, **_bound(prefix, form))
    return _done(request, ticket, DONE_MESSAGES[action])


def _bound(prefix, form):
    names = {"pause": "pause_form", "block": "block_form", "finish": "finish_form"}
    return {names[prefix]: form} if prefix in names else {}


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request, pk):
    ticket, access = access_module.get_ticket_for_user(request.user, pk, "allocate")
    if ticket.contract_id is None:
        messages.error(request, _("Send the ticket to a provider before allocating a technician."))
        return redirect("tickets:detail", pk=pk)
    form = forms.AllocateForm(
        request.POST or None,
        ticket=ticket,
        initial={"version": ticket.version, "executante": ticket.executante_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_allocate(
                ticket=ticket,
                executante=form.cleaned_data["executante"],
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            name = form.cleaned_data["executante"]
            text = (
                _("Responsável Executante: %(name)s.") % {"name": name} if name else _("Allocation removed.")
            )
            if request.htmx and request.htmx.target and request.htmx.target.startswith("row-"):
                messages.success(request, text)
                return _row(request, ticket.pk)
            return _done(request, ticket, text)
    in_row = bool(request.GET.get("row") or request.POST.get("row"))  # opened from a queue row
    if request.htmx and request.method == "POST" and not in_row:
        errors = [text for field_errors in form.errors.values() for text in field_errors]
        return _failed(request, ticket, access, ValidationError(errors), allocate_form=form)
    context = {
        "ticket": ticket,
        "form": form,
        "choices": allocation_choices([ticket.contract_id]),
        "row_target": f"row-{ticket.pk}" if in_row else None,
    }
    if request.htmx:
        response = render(request, "tickets/_allocate_form.html", context)
        if request.method == "POST":  # the errors stay in the row's cell, not in place of the row
            response["HX-Retarget"] = f"#alloc-{ticket.pk}"
            response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "tickets/allocate.html", context, status=400 if request.method == "POST" else 200)


def _row(request, pk):
    ticket = rows_of(access_module.gestor_tickets(request.user), "queue").get(pk=pk)
    return render(request, "tickets/_row_queue.html", {"t": ticket, "oob_messages": True})


@login_required
@require_POST
def bulk_allocate(request):
    reach = access_module.reach_for(request.user)
    if not reach.is_gestor:
        raise Http404
    visible = access_module.gestor_tickets(request.user)
    form = forms.BulkAllocateForm(
        request.POST, visible=visible, contract_ids=sorted(reach.gestor_contract_ids)
    )
    back = request.POST.get("next") or ""
    target = back if back.startswith("/") and not back.startswith("//") else None
    if not form.is_valid():
        if form.has_error("executante", "required") and "tickets" not in form.errors:
            # Tickets ticked but nobody chosen: the queue's choices load with JavaScript;
            # without it (or before they arrive) the person chooses on a page of its own.
            context = {
                "tickets": form.cleaned_data["tickets"],
                "choices": allocation_choices(reach.gestor_contract_ids),
                "next": target or "",
            }
            return render(request, "tickets/bulk_allocate.html", context)
        messages.error(request, _("Select at least one ticket and a technician."))
        return redirect(target or "tickets:queue")
    done, failed = 0, []
    for ticket in form.cleaned_data["tickets"]:
        try:
            services.ticket_allocate(
                ticket=ticket, executante=form.cleaned_data["executante"], by=request.user
            )
            done += 1
        except ValidationError as error:
            failed.append(f"#{ticket.number}: {' '.join(error.messages)}")
    if done:
        messages.success(
            request,
            _("%(count)d ticket(s) allocated to %(name)s.")
            % {"count": done, "name": form.cleaned_data["executante"]},
        )
    for text in failed:
        messages.error(request, text)
    return redirect(target or "tickets:queue")


@login_required
@require_POST
def comment(request, pk):
    ticket, access = access_module.get_ticket_for_user(request.user, pk, "comment")
    form = forms.CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.comment_add(
                ticket=ticket,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            return _failed(request, ticket, access, error, comment_form=form)
        return _done(request, ticket, _("Comment added."))
    return _failed(request, ticket, access, ValidationError(_("Check the comment below.")), comment_form=form)


@login_required
@require_POST
def deadline(request, pk):
    ticket, access = access_module.get_ticket_for_user(request.user, pk, "set_deadline")
    form = forms.DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_set_deadline(
                ticket=ticket,
                deadline=form.cleaned_data["deadline"],
                by=request.user,
                expected_version=_version(form),
            )
        except ValidationError as error:
            return _failed(request, ticket, access, error, deadline_form=form)
        return _done(request, ticket, _("Deadline saved."))
    return _failed(request, ticket, access, ValidationError(_("Type a valid date.")), deadline_form=form)


@login_required
@require_POST
def tags(request, pk):
    ticket, access = access_module.get_ticket_for_user(request.user, pk, "tag")
    form = forms.TagsForm(request.POST)
    if form.is_valid():
        services.ticket_set_tags(ticket=ticket, names=form.cleaned_data["tags"], by=request.user)
        return _done(request, ticket, _("Tags saved."))
    return _failed(request, ticket, access, ValidationError(_("Check the tags below.")), tags_form=form)


@login_required
@require_POST
def send(request, pk):
    ticket, access = access_module.get_ticket_for_user(request.user, pk, "send")
    form = forms.SendForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            services.ticket_send(
                ticket=ticket,
                contract=form.cleaned_data["contract"],
                by=request.user,
                expected_version=_version(form),
            )
        except ValidationError as error:
            return _failed(request, ticket, access, error, send_form=form)
        return _done(
            request,
            ticket,
            _("Ticket sent to %(provider)s.") % {"provider": form.cleaned_data["contract"].provider},
        )
    return _failed(request, ticket, access, ValidationError(_("Choose a provider company.")), send_form=form)


@login_required
@require_POST
def duplicate(request, pk):
    ticket, _access = access_module.get_ticket_for_user(request.user, pk, "duplicate")
    copy = services.ticket_duplicate(ticket=ticket, by=request.user)
    messages.success(
        request, _("Ticket #%(number)s created as a copy of this one.") % {"number": copy.number}
    )
    response = redirect("tickets:detail", pk=copy.pk)
    if request.htmx:
        response["HX-Redirect"] = response["Location"]
    return response


@login_required
@require_POST
def relate(request, pk):
    ticket, access = access_module.get_ticket_for_user(request.user, pk, "relate")
    form = forms.RelateForm(request.POST)
    if form.is_valid():
        other = (
            access_module.visible_tickets(request.user)
            .filter(client_id=ticket.client_id, number=form.cleaned_data["number"])
            .first()
        )
        if other is None:
            form.add_error("number", _("No ticket with this number that you can see."))
        else:
            try:
                services.ticket_relate(ticket=ticket, other=other, by=request.user)
            except ValidationError as error:
                return _failed(request, ticket, access, error, relate_form=form)
            return _done(request, ticket, _("Tickets related."))
    return _failed(request, ticket, access, ValidationError(_("Check the ticket number.")), relate_form=form)


@login_required
@require_POST
def attach(request, pk):
    ticket, access = access_module.get_ticket_for_user(request.user, pk, "attach")
    form = forms.AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, ticket, access, ValidationError(_("Choose at least one file.")))
    try:
        with transaction.atomic():  # all the files or none
            for upload in form.cleaned_data["files"]:
                attachment_add(ticket=ticket, upload=upload, by=request.user)
    except ValidationError as error:
        return _failed(request, ticket, access, error)
    return _done(request, ticket, _("File(s) attached."))
