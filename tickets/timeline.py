"""Timeline rows as sentences, translated at display time (events store data, not text)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BigIntegerField, Case, Count, Exists, OuterRef, Q, When, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Ticket


def _status(value):
    try:
        return str(Ticket.Status(value).label)
    except ValueError:
        return value


def _date(value):
    if not value:
        return _("no deadline")
    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


def describe(event) -> str:
    d = event.data
    kind = event.kind
    if kind == "created":
        return _("Ticket opened")
    if kind == "sent":
        if d.get("old"):
            return _("Provider changed from %(old)s to %(new)s") % {"old": d["old"], "new": d["provider"]}
        return _("Sent to %(provider)s") % {"provider": d["provider"]}
    if kind == "executante":
        if d.get("old") and d.get("new"):
            return _("Responsável changed from %(old)s to %(new)s") % d
        if d.get("new"):
            return _("Responsável set to %(new)s") % d
        if d.get("reason") == "membership":
            return _("%(old)s left the contract; the ticket went back to the queue") % d
        return _("Responsável %(old)s removed") % d
    if kind == "status":
        return _("Status changed from %(old)s to %(new)s") % {
            "old": _status(d["old"]),
            "new": _status(d["new"]),
        }
    if kind == "paused":
        if d.get("reason"):
            return _("Interrupção de Execução: %(reason)s") % d
        return _("Interrupção de Execução")
    if kind == "resumed":
        return _("Execution resumed")
    if kind == "blocked":
        return _("Flagged as blocked (impedido): %(reason)s") % d
    if kind == "unblocked":
        return _("Block cleared")
    if kind == "deadline":
        return _("Deadline changed from %(old)s to %(new)s") % {
            "old": _date(d["old"]),
            "new": _date(d["new"]),
        }
    if kind == "comment":
        return _("Comment added")
    if kind == "attachment":
        return _("File attached: %(name)s") % d
    if kind == "tags":
        parts = []
        if d.get("added"):
            parts.append(_("added %(tags)s") % {"tags": ", ".join(d["added"])})
        if d.get("removed"):
            parts.append(_("removed %(tags)s") % {"tags": ", ".join(d["removed"])})
        return _("Tags: %(changes)s") % {"changes": "; ".join(parts)}
    if kind == "duplicated_from":
        return _("Ticket duplicated from #%(number)s") % d
    if kind == "duplicated_to":
        return _("Ticket #%(number)s duplicated from this one") % d
    if kind == "related":
        return _("Related to ticket #%(number)s") % d
    return _describe_financial(kind, d) or kind


def _describe_financial(kind, d):
    # Only reached for rows flagged financial, which timeline_for hides from
    # anyone without finance access.
    from quotations.templatetags.money import brl

    values = {**d, "total": brl(d.get("total"))}
    texts = {
        "quotation_sent": _("Quotation v%(version)s sent: %(total)s"),
        "quotation_approved": _("Quotation v%(version)s approved: %(total)s"),
        "quotation_refused": _("Quotation v%(version)s refused: %(reason)s"),
        "cost_added": _("Cost added: %(total)s"),
        "invoice_added": _("Invoice %(number)s added: %(total)s"),
    }
    return texts[kind] % values if kind in texts else None


# The newest events a ticket page draws; the older ones come when asked for. A ticket
# that moves back and forth for months gathers hundreds of events, and each one drawn
# pushed the sidebar further down the technician's phone (the benchmark's busiest
# ticket had 87: bench/README.md).
RECENT = 20


@dataclass
class Timeline:
    """Events the person may see, oldest first, as (event, sentence) pairs;
    ``earlier``: how many older ones were left out."""

    entries: list = field(default_factory=list)
    earlier: int = 0

    def __iter__(self):
        return iter(self.entries)


# Events that name another ticket of the client by its number.
NAMES_A_TICKET = ("related", "duplicated_from", "duplicated_to")


def naming_only_seen_tickets(events, visible):
    """``events`` less those that name a ticket the person cannot see (``visible``:
    his tickets.access.visible_tickets): "related to #30" would tell a Gestor that
    another provider's ticket #30 exists, where the page answers 404 for it. Each
    such event costs one probe of (client, number) within his reach."""
    # Cast only where the number is a ticket's: an invoice's number is any text.
    named = Case(
        When(kind__in=NAMES_A_TICKET, then=Cast(KeyTextTransform("number", "data"), BigIntegerField()))
    )
    seen = visible.filter(client_id=OuterRef("client_id"), number=OuterRef("named_number"))
    return events.annotate(named_number=named).filter(~Q(kind__in=NAMES_A_TICKET) | Exists(seen))


def timeline_for(ticket, access, recent: int | None = RECENT, *, visible) -> Timeline:
    """The ticket's events the person may see: financial rows only with finance
    access, and no event naming a ticket outside ``visible`` (his
    tickets.access.visible_tickets); the newest ``recent`` of them, or all with
    ``recent=None``.

    The newest events come in one statement with two window counts over the same
    rows: all of them (so the page can say how many it left out) and those that
    name another ticket. Only when there are some (a related or duplicated ticket)
    is the statement run again with each such event checked against the reach:
    built on every page, that check cost the ORM about 7 % of a ticket page."""
    events = ticket.events.select_related("actor")
    if not access.financials:
        events = events.filter(financial=False)
    if recent is None:
        return Timeline([(event, describe(event)) for event in naming_only_seen_tickets(events, visible)])
    newest = _newest(events, recent)
    if newest and newest[0].naming_total:
        newest = _newest(naming_only_seen_tickets(events, visible), recent)
    earlier = newest[0].visible_total - len(newest) if newest else 0
    return Timeline([(event, describe(event)) for event in newest], earlier)


def _newest(events, recent: int) -> list:
    """The newest ``recent`` of ``events``, oldest first, each with the window
    counts ``visible_total`` and ``naming_total`` (events naming a ticket)."""
    newest = list(
        events.annotate(
            visible_total=Window(Count("pk")),
            naming_total=Window(Count("pk", filter=Q(kind__in=NAMES_A_TICKET))),
        ).order_by("-created_at", "-id")[:recent]
    )
    newest.reverse()
    return newest
