from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..filters import PRIMARY_FILTERS

register = template.Library()


# The badges every list row, card and ticket page shows. Drawn here rather than in
# partial templates: a list page draws them 25 times, and Django's template engine
# spent about 0.15 ms per row on the three partials (bench/README.md).
PRIORITY_CSS = {4: "text-bg-danger", 3: "text-bg-warning", 2: "text-bg-secondary"}
CHIP_ICON = '<span class="chip chip-{}"{}><i class="bi bi-{}" aria-hidden="true"></i>{}</span>'


@register.simple_tag
def priority_badge(ticket):
    css = PRIORITY_CSS.get(ticket.priority, "text-bg-light border")
    return format_html('<span class="badge rounded-pill {}">{}</span>', css, ticket.get_priority_display())


@register.simple_tag
def status_chips(ticket):
    """Status, and paused / blocked (with its reason) / overdue when they apply."""
    chips = [format_html('<span class="chip chip-{}">{}</span>', ticket.status, ticket.get_status_display())]
    if ticket.paused:
        chips.append(format_html(CHIP_ICON, "pausado", "", "pause-fill", _("Paused")))
    if ticket.blocked:
        title = format_html(' title="{}"', ticket.blocked_reason)
        chips.append(format_html(CHIP_ICON, "impedido", title, "slash-circle", _("Blocked")))
    if ticket.is_overdue:
        chips.append(format_html(CHIP_ICON, "atrasado", "", "alarm", _("Overdue")))
    return mark_safe(" ".join(chips))  # noqa: S308 - each piece built by format_html


def _deadline(ticket, day_html, with_hint_html):
    """The deadline in ``day_html``, followed by its hint ('in 3 days', red when late)."""
    day = format_html(day_html, date_format(ticket.deadline, "SHORT_DATE_FORMAT"))
    hint = deadline_hint(ticket)
    if not hint:
        return day
    css = "text-danger fw-semibold" if ticket.is_overdue else "text-secondary"
    return format_html(with_hint_html, day, css, hint)


@register.simple_tag
def deadline_cell(ticket):
    """A list's deadline column."""
    if not ticket.deadline:
        return format_html('<span class="text-secondary">{}</span>', "—")
    return _deadline(ticket, '<span class="text-nowrap">{}</span>', '{}<div class="small {}">{}</div>')


@register.simple_tag
def deadline_fact(ticket):
    """A card's deadline line, or "not set"."""
    if not ticket.deadline:
        return format_html('<span class="text-secondary">{}</span>', _("not set"))
    return _deadline(ticket, "<strong>{}</strong>", '{} <span class="{}">· {}</span>')


@register.filter
def days_left(deadline):
    if not deadline:
        return None
    return (deadline - timezone.localdate()).days


@register.filter
def deadline_hint(ticket):
    """'due today', 'in 3 days', '2 days late': what a deadline means for work still to do."""
    if not ticket.deadline or ticket.status not in ("aberto", "em_execucao"):
        return ""
    days = (ticket.deadline - timezone.localdate()).days
    if days == 0:
        return _("due today")
    if days == 1:
        return _("due tomorrow")
    if days > 1:
        return ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}
    return ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}


@register.filter
def with_class(field, css):
    """Render a bound form field's widget with a CSS class (filter forms built elsewhere)."""
    return field.as_widget(attrs={"class": css})


@register.filter
def is_primary_filter(field):
    return field.name in PRIMARY_FILTERS


@register.simple_tag
def secondary_filters_active(filterset):
    """How many filters behind "More filters" are set (opens the panel when > 0)."""
    if not filterset.panel_open or not filterset.is_bound or not filterset.form.is_valid():
        return 0
    return sum(
        1
        for name, value in filterset.form.cleaned_data.items()
        if name not in PRIMARY_FILTERS and value not in (None, "", [], False)
    )


@register.filter
def blank_label(field, label):
    """Name the empty choice of a filter select ("All units") instead of "---------"."""
    # The widget draws its own copy of the choices, whose empty entry may come from the
    # class-level field ("---------"): give it the list to draw, empty entry first.
    choices = [c for c in field.field.choices if c[0] not in ("", None)]
    field.field.widget.choices = [("", label), *choices]
    return field
