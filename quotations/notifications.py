"""Finance e-mails. They go only to people who may see the ticket's finance:
the client's staff on the ticket, and the contract's active Gestores."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from providers.models import ProviderMember

from .models import Quotation


def _send(template, quotation, people):
    people = {p.pk: p for p in people if p and p.is_active and p.email}.values()
    url = settings.SITE_URL + reverse("quotations:overview", args=[quotation.ticket_id])
    with translation.override(settings.LANGUAGE_CODE):
        context = {"q": quotation, "ticket": quotation.ticket, "url": url}
        subject = render_to_string(f"quotations/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"quotations/email/{template}.txt", context)
    for person in people:
        send_mail(subject, body, None, [person.email])


def _quotation(pk):
    return (
        Quotation.objects.select_related("ticket__client", "ticket__requester")
        .prefetch_related("items")
        .get(pk=pk)
    )


def quotation_sent(pk):
    q = _quotation(pk)
    _send("quotation_sent", q, [q.ticket.requester, q.ticket.internal_responsible])


def quotation_decided(pk):
    q = _quotation(pk)
    if not q.ticket.contract_id:
        return
    gestores = [
        m.user
        for m in ProviderMember.objects.filter(
            contract_id=q.ticket.contract_id, role=ProviderMember.Role.GESTOR, active=True
        ).select_related("user")
    ]
    _send("quotation_decided", q, gestores)
