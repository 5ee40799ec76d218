"""Client staff open tickets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import ClientCompany

from .. import access as access_module
from .. import services
from ..attachments import attachment_add
from ..forms import TicketCreateForm


def _client_for(request):
    reach = access_module.reach_for(request.user)
    if not reach.client_ids:
        raise Http404
    wanted = request.GET.get("client") or request.POST.get("client_id")
    ids = sorted(reach.client_ids)
    try:
        chosen = int(wanted) if wanted else ids[0]
    except ValueError:
        chosen = ids[0]
    if chosen not in reach.client_ids:
        raise Http404
    return ClientCompany.objects.get(pk=chosen)


@login_required
def new(request):
    client = _client_for(request)
    form = TicketCreateForm(request.POST or None, request.FILES or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                ticket = services.ticket_create(
                    client=client,
                    requester=request.user,
                    title=data["title"],
                    description=data["description"],
                    unit=data["unit"],
                    area=data["area"],
                    category=data["category"],
                    priority=data["priority"],
                    contract=data["contract"],
                    deadline=data["deadline"],
                    internal_responsible=data["internal_responsible"],
                )
                for upload in data["files"]:
                    attachment_add(ticket=ticket, upload=upload, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Ticket #%(number)s opened.") % {"number": ticket.number})
            return redirect("tickets:detail", pk=ticket.pk)
    return render(
        request, "tickets/new.html", {"form": form, "client": client}, status=400 if form.errors else 200
    )
