"""Writes on tickets. Keyword-only and atomic; each one validates, saves, keeps the
Executante's grants in sync (tickets.grants), writes one timeline event and queues
its e-mails with transaction.on_commit.

Concurrency: every write locks the ticket row and bumps ``version``; a caller that
passes ``expected_version`` (the version its form was rendered with) gets a
StaleTicketError error instead of silently overwriting someone else's change.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ClientCompany
from providers.models import ProviderMember

from . import grants, notifications
from .models import Comment, Tag, Ticket, TicketEvent

# SLA by priority, in hours: what a client expects from "Urgente" vs "Baixa".
SLA_HOURS = {
    Ticket.Priority.URGENTE: 4,
    Ticket.Priority.ALTA: 24,
    Ticket.Priority.MEDIA: 72,
    Ticket.Priority.BAIXA: 168,
}


class StaleTicketError(ValidationError):
    """The ticket changed since the form was rendered."""


def log_event(*, ticket: Ticket, actor, kind: str, financial: bool = False, **data) -> TicketEvent:
    return TicketEvent.objects.create(
        client_id=ticket.client_id, ticket=ticket, actor=actor, kind=kind, data=data, financial=financial
    )


def _locked(ticket: Ticket, expected_version: int | None) -> Ticket:
    fresh = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and fresh.version != int(expected_version):
        raise StaleTicketError(
            _(
                "This ticket was changed by someone else while you were editing it. "
                "Check the changes below; what you typed is kept."
            ),
            code="stale",
        )
    return fresh


def _save(ticket: Ticket, *fields: str) -> None:
    ticket.version = F("version") + 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])
    ticket.refresh_from_db(fields=["version"])


def _person(user) -> str:
    return str(user) if user else ""


# ---- Creation and the client's side of the workflow -------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    client: ClientCompany,
    requester,
    title: str,
    unit,
    description: str = "",
    area=None,
    category=None,
    priority: int = Ticket.Priority.MEDIA,
    contract=None,
    internal_responsible=None,
    deadline=None,
) -> Ticket:
    """Open a ticket; with a contract it goes straight to the provider's queue."""
    if unit.client_id != client.pk:
        raise ValidationError({"unit": _("Choose one of your client's units.")})
    if area is not None and area.unit_id != unit.pk:
        raise ValidationError({"area": _("The area does not belong to the chosen unit.")})
    if category is not None and category.client_id != client.pk:
        raise ValidationError({"category": _("Choose one of your client's categories.")})
    # The per-client counter is locked so two tickets never get the same number.
    locked = ClientCompany.objects.select_for_update().get(pk=client.pk)
    locked.last_ticket_number += 1
    locked.save(update_fields=["last_ticket_number"])
    now = timezone.now()
    ticket = Ticket.objects.create(
        client=client,
        number=locked.last_ticket_number,
        title=title.strip(),
        description=description,
        unit=unit,
        area=area,
        category=category,
        priority=priority,
        requester=requester,
        internal_responsible=internal_responsible,
        deadline=deadline,
        created_at=now,
        sla_due=now + timedelta(hours=SLA_HOURS[Ticket.Priority(priority)]),
    )
    log_event(ticket=ticket, actor=requester, kind="created")
    if contract is not None:
        ticket_send(ticket=ticket, contract=contract, by=requester)
    return ticket


@transaction.atomic
def ticket_send(*, ticket: Ticket, contract, by, expected_version=None) -> Ticket:
    """Send the ticket to a provider company (or move it to another one)."""
    ticket = _locked(ticket, expected_version)
    if contract.client_id != ticket.client_id or not contract.active:
        raise ValidationError(_("Choose one of your client's active provider contracts."))
    if not ticket.is_open:
        raise ValidationError(_("A closed ticket cannot be sent to a provider."))
    units = list(contract.units.values_list("id", flat=True))
    if units and ticket.unit_id not in units:
        raise ValidationError(_("This provider's contract does not cover the ticket's unit."))
    if ticket.contract_id == contract.pk:
        return ticket
    old_contract = ticket.contract
    if ticket.executante_id:
        # The old provider's technician loses the ticket with his company.
        grants.revoke_executante(ticket=ticket, user=ticket.executante)
        old_executante = ticket.executante
        ticket.executante = None
        transaction.on_commit(lambda: notifications.deallocated(ticket.pk, old_executante.pk))
    ticket.contract = contract
    ticket.sent_at = timezone.now()
    _save(ticket, "contract", "executante", "sent_at")
    log_event(
        ticket=ticket,
        actor=by,
        kind="sent",
        provider=str(contract.provider),
        old=str(old_contract.provider) if old_contract else "",
    )
    transaction.on_commit(lambda: notifications.arrived(ticket.pk))
    return ticket


@transaction.atomic
def ticket_inspect(*, ticket: Ticket, by, expected_version=None) -> Ticket:
    """The client checked the work and accepts it (Vistoriado)."""
    ticket = _locked(ticket, expected_version)
    _require_status(ticket, {Ticket.Status.EXECUTADO}, _("Only an executed ticket can be inspected."))
    ticket.status = Ticket.Status.VISTORIADO
    ticket.inspected_at = timezone.now()
    _save(ticket, "status", "inspected_at")
    log_event(ticket=ticket, actor=by, kind="status", old="executado", new="vistoriado")
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, by, reason: str = "", expected_version=None) -> Ticket:
    """Back to Aberto: the work was not accepted, or the archive was a mistake."""
    ticket = _locked(ticket, expected_version)
    allowed = {Ticket.Status.EXECUTADO, Ticket.Status.VISTORIADO, Ticket.Status.ARQUIVADO}
    _require_status(ticket, allowed, _("Only an executed, inspected or archived ticket can be reopened."))
    old = ticket.status
    ticket.status = Ticket.Status.ABERTO
    ticket.paused = False
    ticket.executed_at = None
    ticket.inspected_at = None
    _save(ticket, "status", "paused", "executed_at", "inspected_at")
    log_event(ticket=ticket, actor=by, kind="status", old=old, new="aberto", reason=reason)
    return ticket


@transaction.atomic
def ticket_archive(*, ticket: Ticket, by, expected_version=None) -> Ticket:
    ticket = _locked(ticket, expected_version)
    if ticket.status == Ticket.Status.ARQUIVADO:
        raise ValidationError(_("The ticket is already archived."))
    old = ticket.status
    ticket.status = Ticket.Status.ARQUIVADO
    _save(ticket, "status")
    log_event(ticket=ticket, actor=by, kind="status", old=old, new="arquivado")
    return ticket


# ---- The provider's side: allocation and execution --------------------------------------------


def allocatable_members(contract):
    """Active people of the contract who may execute: Executantes, and Gestores too."""
    return ProviderMember.objects.filter(contract=contract, active=True).select_related("user")


@transaction.atomic
def ticket_allocate(*, ticket: Ticket, executante, by, expected_version=None) -> Ticket:
    """Set (or change, or clear with None) the Responsável Executante.

    The new person gets his per-ticket grants, the previous one loses them, both
    are told by e-mail after commit.
    """
    ticket = _locked(ticket, expected_version)
    if ticket.contract_id is None:
        raise ValidationError(_("Send the ticket to a provider before allocating a technician."))
    if not ticket.is_open:
        raise ValidationError(_("A closed ticket cannot be reallocated."))
    if (
        executante is not None
        and not allocatable_members(ticket.contract_id).filter(user=executante).exists()
    ):
        raise ValidationError({"executante": _("Choose an active person of this provider for this client.")})
    previous = ticket.executante
    if previous == executante:
        return ticket
    if previous is not None:
        grants.revoke_executante(ticket=ticket, user=previous)
    if executante is not None:
        grants.grant_executante(ticket=ticket, user=executante)
    ticket.executante = executante
    _save(ticket, "executante")
    log_event(ticket=ticket, actor=by, kind="executante", old=_person(previous), new=_person(executante))
    if previous is not None:
        transaction.on_commit(lambda: notifications.deallocated(ticket.pk, previous.pk))
    if executante is not None:
        transaction.on_commit(lambda: notifications.allocated(ticket.pk))
    return ticket


def _require_status(ticket, allowed, message):
    if ticket.status not in allowed:
        raise ValidationError(message, code="illegal_transition")


def _require_provider(ticket):
    if ticket.contract_id is None:
        raise ValidationError(_("The ticket has not been sent to a provider yet."))


def _resume_sla(ticket, now):
    if ticket.blocked and ticket.blocked_at and ticket.sla_due:
        # The SLA clock does not run while the ticket is blocked.
        ticket.sla_due += now - ticket.blocked_at


@transaction.atomic
def ticket_start(*, ticket: Ticket, by, expected_version=None) -> Ticket:
    """Start (or resume) execution. Starting clears the Impedido flag."""
    ticket = _locked(ticket, expected_version)
    _require_provider(ticket)
    if ticket.status == Ticket.Status.EM_EXECUCAO and not ticket.paused:
        raise ValidationError(_("The execution is already running."), code="illegal_transition")
    _require_status(
        ticket,
        {Ticket.Status.ABERTO, Ticket.Status.EM_EXECUCAO},
        _("Only an open ticket can be started."),
    )
    now = timezone.now()
    was_blocked = ticket.blocked
    resumed = ticket.paused
    _resume_sla(ticket, now)
    old = ticket.status
    ticket.status = Ticket.Status.EM_EXECUCAO
    ticket.paused = False
    ticket.blocked = False
    ticket.blocked_reason = ""
    ticket.blocked_at = None
    _save(ticket, "status", "paused", "blocked", "blocked_reason", "blocked_at", "sla_due")
    if was_blocked:
        log_event(ticket=ticket, actor=by, kind="unblocked")
    if resumed:
        log_event(ticket=ticket, actor=by, kind="resumed")
    else:
        log_event(ticket=ticket, actor=by, kind="status", old=old, new="em_execucao")
    return ticket


@transaction.atomic
def ticket_pause(*, ticket: Ticket, by, reason: str = "", expected_version=None) -> Ticket:
    """Interrupção de Execução: the work stops for now and resumes with start."""
    ticket = _locked(ticket, expected_version)
    if ticket.status != Ticket.Status.EM_EXECUCAO or ticket.paused:
        raise ValidationError(_("Only a running execution can be paused."), code="illegal_transition")
    ticket.paused = True
    _save(ticket, "paused")
    log_event(ticket=ticket, actor=by, kind="paused", reason=reason.strip())
    return ticket


@transaction.atomic
def ticket_block(*, ticket: Ticket, by, reason: str, expected_version=None) -> Ticket:
    """Flag Impedido with a reason; the SLA clock pauses until execution starts again."""
    ticket = _locked(ticket, expected_version)
    _require_provider(ticket)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the ticket is blocked.")})
    _require_status(
        ticket,
        {Ticket.Status.ABERTO, Ticket.Status.EM_EXECUCAO},
        _("Only an open or running ticket can be flagged as blocked."),
    )
    if ticket.blocked:
        raise ValidationError(_("The ticket is already blocked."), code="illegal_transition")
    ticket.blocked = True
    ticket.blocked_reason = reason[:500]
    ticket.blocked_at = timezone.now()
    _save(ticket, "blocked", "blocked_reason", "blocked_at")
    log_event(ticket=ticket, actor=by, kind="blocked", reason=ticket.blocked_reason)
    return ticket


@transaction.atomic
def ticket_finish(*, ticket: Ticket, by, comment: str = "", files=(), expected_version=None) -> Ticket:
    """Executado, with an optional closing comment and photos; the requester is told."""
    ticket = _locked(ticket, expected_version)
    if ticket.status != Ticket.Status.EM_EXECUCAO or ticket.paused:
        raise ValidationError(
            _("Only a running execution can be finished (resume it first if paused)."),
            code="illegal_transition",
        )
    ticket.status = Ticket.Status.EXECUTADO
    ticket.executed_at = timezone.now()
    _save(ticket, "status", "executed_at")
    if comment.strip() or files:
        comment_add(ticket=ticket, author=by, body=comment, files=files)
    log_event(ticket=ticket, actor=by, kind="status", old="em_execucao", new="executado")
    transaction.on_commit(lambda: notifications.executed(ticket.pk))
    return ticket


# ---- Planning: deadline, comments, tags, duplicates, relations ---------------------------------


@transaction.atomic
def ticket_set_deadline(*, ticket: Ticket, deadline, by, expected_version=None) -> Ticket:
    ticket = _locked(ticket, expected_version)
    if ticket.deadline == deadline:
        return ticket
    old = ticket.deadline
    ticket.deadline = deadline
    _save(ticket, "deadline")
    log_event(
        ticket=ticket,
        actor=by,
        kind="deadline",
        old=old.isoformat() if old else "",
        new=deadline.isoformat() if deadline else "",
    )
    return ticket


@transaction.atomic
def comment_add(*, ticket: Ticket, author, body: str, files=()) -> Comment:
    from .attachments import attachment_add

    body = (body or "").strip()
    if not body and not files:
        raise ValidationError({"body": _("Write a comment or attach a photo.")})
    comment = Comment.objects.create(client_id=ticket.client_id, ticket=ticket, author=author, body=body)
    for upload in files:
        attachment_add(ticket=ticket, upload=upload, by=author, comment=comment, log=False)
    log_event(ticket=ticket, actor=author, kind="comment", comment_id=comment.pk, files=len(files))
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return comment


def _clean_tag(name: str) -> str:
    return " ".join(name.strip().split())[:40]


@transaction.atomic
def ticket_set_tags(*, ticket: Ticket, names, by) -> Ticket:
    """Replace the ticket's tags by name; unknown names become the client's new tags."""
    wanted = {}
    for name in names:
        clean = _clean_tag(name)
        if clean:
            wanted.setdefault(clean.lower(), clean)
    current = {t.name.lower(): t for t in ticket.tags.all()}
    if set(current) == set(wanted):
        return ticket
    tags = []
    for key, name in wanted.items():
        tag = current.get(key) or Tag.objects.filter(client_id=ticket.client_id, name__iexact=name).first()
        tags.append(tag or Tag.objects.create(client_id=ticket.client_id, name=name))
    ticket.tags.set(tags)
    added = sorted(t.name for t in tags if t.name.lower() not in current)
    removed = sorted(t.name for k, t in current.items() if k not in wanted)
    # set() moved the ticket's updated_at (tickets.row_cache, for any change of tags).
    log_event(ticket=ticket, actor=by, kind="tags", added=added, removed=removed)
    return ticket


@transaction.atomic
def ticket_duplicate(*, ticket: Ticket, by) -> Ticket:
    """A new ticket with the same request; the Executante is not copied."""
    copy = ticket_create(
        client=ticket.client,
        requester=by,
        title=ticket.title,
        description=ticket.description,
        unit=ticket.unit,
        area=ticket.area,
        category=ticket.category,
        priority=ticket.priority,
        internal_responsible=ticket.internal_responsible,
        deadline=ticket.deadline,
    )
    if ticket.contract_id:
        Ticket.objects.filter(pk=copy.pk).update(contract_id=ticket.contract_id, sent_at=timezone.now())
        copy.refresh_from_db()
        transaction.on_commit(lambda: notifications.arrived(copy.pk))
    copy.tags.set(ticket.tags.all())
    Ticket.objects.filter(pk=copy.pk).update(duplicated_from=ticket)
    log_event(ticket=copy, actor=by, kind="duplicated_from", number=ticket.number)
    log_event(ticket=ticket, actor=by, kind="duplicated_to", number=copy.number)
    return copy


@transaction.atomic
def ticket_relate(*, ticket: Ticket, other: Ticket, by) -> None:
    if other.pk == ticket.pk:
        raise ValidationError(_("A ticket cannot be related to itself."))
    if other.client_id != ticket.client_id:
        raise ValidationError(_("Only tickets of the same client can be related."))
    if ticket.related.filter(pk=other.pk).exists():
        return
    ticket.related.add(other)
    log_event(ticket=ticket, actor=by, kind="related", number=other.number)
    log_event(ticket=other, actor=by, kind="related", number=ticket.number)


@transaction.atomic
def ticket_deallocate_for_membership(*, ticket: Ticket, by) -> None:
    """The Executante lost his place under the contract: the ticket returns to the queue."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    previous = ticket.executante
    if previous is None:
        return
    grants.revoke_executante(ticket=ticket, user=previous)
    ticket.executante = None
    _save(ticket, "executante")
    log_event(ticket=ticket, actor=by, kind="executante", old=_person(previous), new="", reason="membership")
