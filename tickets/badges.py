"""The badges every list row, card and ticket page shows: priority, status chips, deadline.

Drawn in Python rather than in partial templates: a list page draws them 25 times, and
Django's template engine spent about 0.15 ms per row on the three partials
(bench/README.md). ``today`` lets a page that draws many of them ask the clock once.
"""

from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from trilogo.html import html_format

PRIORITY_CSS = {4: "text-bg-danger", 3: "text-bg-warning", 2: "text-bg-secondary"}
CHIP_ICON = '<span class="chip chip-{}"{}><i class="bi bi-{}" aria-hidden="true"></i>{}</span>'
WORK_TO_DO = ("aberto", "em_execucao")


def priority_badge(ticket):
    css = PRIORITY_CSS.get(ticket.priority, "text-bg-light border")
    return html_format('<span class="badge rounded-pill {}">{}</span>', css, ticket.get_priority_display())


def status_chips(ticket, today=None):
    """Status, and paused / blocked (with its reason) / overdue when they apply."""
    chips = [html_format('<span class="chip chip-{}">{}</span>', ticket.status, ticket.get_status_display())]
    if ticket.paused:
        chips.append(html_format(CHIP_ICON, "pausado", "", "pause-fill", _("Paused")))
    if ticket.blocked:
        title = html_format(' title="{}"', ticket.blocked_reason)
        chips.append(html_format(CHIP_ICON, "impedido", title, "slash-circle", _("Blocked")))
    if ticket.overdue_on(today or timezone.localdate()):
        chips.append(html_format(CHIP_ICON, "atrasado", "", "alarm", _("Overdue")))
    return SafeString(" ".join(chips))  # each piece built by html_format


def deadline_hint(ticket, today=None):
    """'due today', 'in 3 days', '2 days late': what a deadline means for work still to do."""
    if not ticket.deadline or ticket.status not in WORK_TO_DO:
        return ""
    days = (ticket.deadline - (today or timezone.localdate())).days
    if days == 0:
        return _("due today")
    if days == 1:
        return _("due tomorrow")
    if days > 1:
        return ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}
    return ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}


@lru_cache(maxsize=1024)
def short_date(day, language):
    """``date_format(day, "SHORT_DATE_FORMAT")`` in ``language``, remembered: Django
    looks the format up and parses it on every call, 25 times a page."""
    return date_format(day, "SHORT_DATE_FORMAT")


def _deadline(ticket, today, day_html, with_hint_html):
    """The deadline in ``day_html``, followed by its hint ('in 3 days', red when late)."""
    day = html_format(day_html, short_date(ticket.deadline, get_language()))
    hint = deadline_hint(ticket, today)
    if not hint:
        return day
    css = "text-danger fw-semibold" if ticket.overdue_on(today) else "text-secondary"
    return html_format(with_hint_html, day, css, hint)


def deadline_cell(ticket, today=None):
    """A list's deadline column."""
    if not ticket.deadline:
        return html_format('<span class="text-secondary">{}</span>', "—")
    today = today or timezone.localdate()
    return _deadline(ticket, today, '<span class="text-nowrap">{}</span>', '{}<div class="small {}">{}</div>')


def deadline_fact(ticket, today=None):
    """A card's deadline line, or "not set"."""
    if not ticket.deadline:
        return html_format('<span class="text-secondary">{}</span>', _("not set"))
    today = today or timezone.localdate()
    return _deadline(ticket, today, "<strong>{}</strong>", '{} <span class="{}">· {}</span>')
