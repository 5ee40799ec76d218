from django import template
from django.utils import dateformat
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from trilogo.html import escape_html, html_format

from .. import badges, row_cache, rows
from ..filters import PRIMARY_FILTERS

register = template.Library()


# Badges, rows and cards are drawn in Python (tickets/badges.py, tickets/rows.py): a
# list page draws 25 of each. The list tags share one rows.PageParts per page.
register.simple_tag(badges.priority_badge, name="priority_badge")
register.simple_tag(badges.status_chips, name="status_chips")
register.simple_tag(badges.deadline_cell, name="deadline_cell")
register.simple_tag(badges.deadline_fact, name="deadline_fact")


@register.simple_tag
def ticket_rows(tickets, scope):
    """The rows of the queue ("queue") or of the client's list ("client")."""
    parts = rows.PageParts()
    draw = rows.queue_row if scope == "queue" else rows.client_row
    drawn = rows.kept_or_drawn(tickets, lambda ticket: draw(ticket, parts=parts))
    return mark_safe("\n".join(drawn))  # noqa: S308 - html_format rows


@register.simple_tag
def queue_row(ticket, updated=False):
    return rows.queue_row(ticket, updated=updated)


@register.simple_tag(takes_context=True)
def mine_cards(context, tickets):
    parts = rows.PageParts()
    # Kept cards hold a placeholder for the token (row_cache): this person's goes in here.
    drawn = rows.kept_or_drawn(tickets, lambda t: rows.mine_card(t, row_cache.CSRF_PLACEHOLDER, parts=parts))
    token = escape_html(context.get("csrf_token"))
    return mark_safe("\n".join(drawn).replace(row_cache.CSRF_PLACEHOLDER, token))  # noqa: S308


@register.simple_tag(takes_context=True)
def mine_card(context, ticket, updated=False):
    return rows.mine_card(ticket, context.get("csrf_token"), updated=updated)


@register.simple_tag
def status_toggles(field, label_class, box_id):
    """The status filter's checkboxes as toggle buttons (``field``: its bound field):
    drawn here, as the rows are, instead of a template loop over Django's
    subwidgets, which cost ~0.25 ms a page. ``box_id``: each box's id, formatted
    with ``index`` and ``value``."""
    chosen = {str(value) for value in field.value() or ()}
    boxes = []
    for index, (value, label) in enumerate(field.field.choices):
        box = box_id.format(index=index, value=value)
        boxes.append(
            html_format(
                '<input type="checkbox" class="btn-check" name="{}" value="{}" id="{}"'
                ' autocomplete="off"{}>\n<label class="{}" for="{}">{}</label>',
                field.html_name,
                value,
                box,
                " checked" if str(value) in chosen else "",
                label_class,
                box,
                label,
            )
        )
    return SafeString("\n".join(boxes))


@register.simple_tag
def executante_options(choices, blank, selected=None):
    """The ``<option>``s of a technician select: each person with his open tickets and
    next deadline (``choices`` from ``allocation_choices``), ``selected`` his pk.

    Drawn here, as the rows are: the template loop, with two ``blocktranslate`` per
    person, took about 4 ms of the ticket page for the 52 technicians of a big
    contract (bench/README.md). The same HTML (tested against that loop)."""
    options = [html_format('<option value="">{}</option>', blank)]
    next_deadline = gettext("next deadline %(day)s")
    loads, days = {}, {}  # a page's people share a few counts and dates: each drawn once
    for choice in choices:
        person, count, day = choice["user"], choice["open_count"], choice["next_deadline"]
        if count not in loads:
            loads[count] = ngettext("%(n)s open", "%(n)s open", count) % {"n": escape_html(localize(count))}
        load = loads[count]
        if day:
            if day not in days:
                days[day] = next_deadline % {"day": escape_html(dateformat.format(day, "d/m"))}
            load = f"{load} · {days[day]}"
        options.append(
            html_format(
                '\n<option value="{}"{}>{} · {}</option>',
                person.pk,
                " selected" if person.pk == selected else "",
                person,
                SafeString(load),
            )
        )
    return SafeString("".join(options))


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
