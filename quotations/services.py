"""Writes for quotations, costs and invoices. Keyword-only, atomic; each writes a
*financial* timeline event (shown only to who may see finance) and queues its
e-mails on commit."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Ticket
from tickets.services import log_event

from . import notifications
from .models import Cost, Invoice, Quotation, QuotationItem

LABOUR_STATUSES = {Ticket.Status.EXECUTADO, Ticket.Status.VISTORIADO}


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _save_file(instance, upload):
    if upload:
        instance.file_name = upload.name[:255]
        instance.file.save(upload.name, upload, save=False)


@transaction.atomic
def quotation_save(
    *,
    ticket: Ticket,
    by,
    items,
    freight=Decimal("0"),
    valid_until=None,
    notes="",
    upload=None,
    quotation: Quotation | None = None,
) -> Quotation:
    """Create a draft (or replace a draft's content). ``items``: dicts with
    description, quantity, unit_price."""
    items = [i for i in items if i.get("description")]
    if not items:
        raise ValidationError(_("Add at least one item to the quotation."))
    if quotation is None:
        last = ticket.quotations.aggregate(v=Max("version"))["v"] or 0
        previous = ticket.quotations.filter(version=last).first()
        if previous is not None and previous.status in (Quotation.Status.RASCUNHO, Quotation.Status.ENVIADA):
            raise ValidationError(_("This ticket already has a quotation in progress; finish it first."))
        if previous is not None and previous.status == Quotation.Status.APROVADA:
            raise ValidationError(_("The ticket's quotation was approved already."))
        quotation = Quotation(
            client_id=ticket.client_id, ticket=ticket, version=last + 1, previous=previous, created_by=by
        )
    elif not quotation.is_draft:
        raise ValidationError(_("Only a draft can be changed."))
    quotation.freight = freight or Decimal("0")
    quotation.valid_until = valid_until
    quotation.notes = notes
    _save_file(quotation, upload)
    quotation.save()
    quotation.items.all().delete()
    QuotationItem.objects.bulk_create(
        QuotationItem(
            client_id=ticket.client_id,
            quotation=quotation,
            description=i["description"],
            quantity=i["quantity"],
            unit_price=i["unit_price"],
        )
        for i in items
    )
    return quotation


@transaction.atomic
def quotation_send(*, quotation: Quotation, by) -> Quotation:
    quotation = Quotation.objects.select_for_update().get(pk=quotation.pk)
    if not quotation.is_draft:
        raise ValidationError(_("Only a draft can be sent."))
    quotation.status = Quotation.Status.ENVIADA
    quotation.sent_at = timezone.now()
    quotation.save(update_fields=["status", "sent_at"])
    log_event(
        ticket=quotation.ticket,
        actor=by,
        kind="quotation_sent",
        financial=True,
        version=quotation.version,
        total=_money(quotation.total),
    )
    transaction.on_commit(lambda: notifications.quotation_sent(quotation.pk))
    return quotation


@transaction.atomic
def quotation_decide(*, quotation: Quotation, by, approve: bool, reason: str = "") -> Quotation:
    """The client approves (creating the ticket's cost from it) or refuses with a reason."""
    quotation = Quotation.objects.select_for_update().get(pk=quotation.pk)
    if quotation.status != Quotation.Status.ENVIADA:
        raise ValidationError(_("Only a sent quotation can be approved or refused."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the quotation is refused.")})
    quotation.status = Quotation.Status.APROVADA if approve else Quotation.Status.RECUSADA
    quotation.decided_by = by
    quotation.decided_at = timezone.now()
    quotation.refusal_reason = "" if approve else reason[:500]
    quotation.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
    if approve:
        Cost.objects.create(
            client_id=quotation.client_id,
            ticket=quotation.ticket,
            kind=Cost.Kind.AMBOS,
            amount=quotation.items_total,
            freight=quotation.freight,
            quotation=quotation,
            created_by=by,  # described at display time (Cost.label), in the reader's language
        )
    log_event(
        ticket=quotation.ticket,
        actor=by,
        financial=True,
        kind="quotation_approved" if approve else "quotation_refused",
        version=quotation.version,
        total=_money(quotation.total),
        reason=quotation.refusal_reason,
    )
    transaction.on_commit(lambda: notifications.quotation_decided(quotation.pk))
    return quotation


def _check_cost_allowed(ticket, kind):
    if kind == Cost.Kind.MATERIAIS:
        if ticket.status == Ticket.Status.ARQUIVADO:
            raise ValidationError(_("Costs cannot be added to an archived ticket."))
        return
    if ticket.status not in LABOUR_STATUSES:
        raise ValidationError(
            {
                "kind": _(
                    "Labour costs can only be added once the ticket is executed or inspected. "
                    "Material costs can be added from the start."
                )
            }
        )


@transaction.atomic
def cost_add(
    *,
    ticket: Ticket,
    by,
    kind,
    amount,
    freight=Decimal("0"),
    document_number="",
    issue_date=None,
    due_date=None,
    description="",
) -> Cost:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)  # the status decides what is allowed
    _check_cost_allowed(ticket, kind)
    if issue_date and due_date and due_date < issue_date:
        raise ValidationError({"due_date": _("The due date comes before the issue date.")})
    cost = Cost.objects.create(
        client_id=ticket.client_id,
        ticket=ticket,
        kind=kind,
        amount=amount,
        freight=freight or Decimal("0"),
        document_number=document_number,
        issue_date=issue_date,
        due_date=due_date,
        description=description,
        created_by=by,
    )
    log_event(
        ticket=ticket, actor=by, kind="cost_added", financial=True, cost_kind=kind, total=_money(cost.total)
    )
    return cost


@transaction.atomic
def invoice_add(
    *, ticket: Ticket, by, number, issue_date, amount, issuer_cnpj, series="", costs=(), upload=None
) -> Invoice:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in LABOUR_STATUSES:
        raise ValidationError(_("Invoices can only be added once the ticket is executed or inspected."))
    costs = list(costs)
    if any(c.ticket_id != ticket.pk for c in costs):
        raise ValidationError({"costs": _("Choose costs of this ticket.")})
    invoice = Invoice(
        client_id=ticket.client_id,
        ticket=ticket,
        number=number,
        series=series,
        issue_date=issue_date,
        amount=amount,
        issuer_cnpj=issuer_cnpj,
        created_by=by,
    )
    _save_file(invoice, upload)
    invoice.save()
    Cost.objects.filter(pk__in=[c.pk for c in costs]).update(invoice=invoice)
    log_event(
        ticket=ticket, actor=by, kind="invoice_added", financial=True, number=number, total=_money(amount)
    )
    return invoice
