"""Ticket e-mails, sent after commit. Each carries only what its recipient may see:
none of them mentions quotations, costs or invoices."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from providers.models import ProviderMember

from .models import Ticket


def _ticket(pk):
    return (
        Ticket.objects.select_related(
            "client", "unit", "area", "category", "contract__provider", "executante"
        )
        .filter(pk=pk)
        .first()
    )


def _send(template: str, ticket: Ticket, recipients, **extra) -> None:
    recipients = [r for r in recipients if r and r.is_active and r.email]
    if not recipients:
        return
    url = settings.SITE_URL + reverse("tickets:detail", args=[ticket.pk])
    with translation.override(settings.LANGUAGE_CODE):
        context = {"ticket": ticket, "url": url, **extra}
        subject = render_to_string(f"tickets/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"tickets/email/{template}.txt", context)
    for person in recipients:
        send_mail(subject, body, None, [person.email])


def allocated(ticket_pk: int) -> None:
    ticket = _ticket(ticket_pk)
    if ticket and ticket.executante:
        _send("allocated", ticket, [ticket.executante])


def deallocated(ticket_pk: int, user_pk: int) -> None:
    from accounts.models import User

    ticket = _ticket(ticket_pk)
    user = User.objects.filter(pk=user_pk).first()
    if ticket and user:
        # He no longer sees the ticket: the e-mail names it, without a link to follow.
        _send("deallocated", ticket, [user])


def arrived(ticket_pk: int) -> None:
    ticket = _ticket(ticket_pk)
    if not ticket or not ticket.contract_id:
        return
    gestores = [
        m.user
        for m in ProviderMember.objects.filter(
            contract_id=ticket.contract_id, role=ProviderMember.Role.GESTOR, active=True
        ).select_related("user")
    ]
    _send("arrived", ticket, gestores)


def executed(ticket_pk: int) -> None:
    ticket = _ticket(ticket_pk)
    if ticket:
        _send("executed", ticket, [ticket.requester])
