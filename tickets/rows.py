"""The rows and cards of the ticket lists, drawn in Python.

A list page draws 25 of them, and Django's template engine spent about 0.2 ms on each
row (bench/README.md): some 35 nodes, each resolving variables, localising and escaping
one value at a time. Built here with ``html_format`` (Django's ``format_html`` minus
its per-argument overhead), as the admin builds its change list rows
(``django.contrib.admin.templatetags.admin_list.items_for_result``), a page of rows
costs a fraction of that, and every value still goes through escaping.

The list templates and the htmx partials (``_row_queue.html``, ``_card_mine.html``)
call these through the tags in ``ticket_tags``, so a row answered after an allocation
or a status change is the same HTML as the row on the page.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from trilogo.html import html_format

from . import row_cache
from .badges import deadline_cell, deadline_fact, priority_badge, status_chips

# What each list's rows print, and nothing more: the ticket's own columns (``only``:
# ~25 model instances per page built from 10 columns instead of all of them; a
# description can be pages long) and the names of what it points to
# (``Ticket.with_row_names``: scalar subqueries instead of joins). Every row or card
# drawn here, on a page or as an htmx answer, comes from ``rows_of``:
# test_list_queries.py catches a row that reads a column or a relation not fetched.
COLUMNS = ("number", "title", "status", "priority", "paused", "blocked", "blocked_reason", "deadline", "area")
ROWS = {
    # scope: (more columns, names, with tag names)
    "client": (
        ("contract", "executante"),
        ("unit_name", "area_label", "category_label", "executante_label", "provider_name"),
        True,
    ),
    "queue": (
        ("executante",),
        ("client_name", "unit_name", "area_label", "category_label", "executante_label"),
        True,
    ),
    # The phone's cards leave tags out and carry the version their one-tap action sends.
    "mine": (
        ("version",),
        ("client_name", "unit_name", "area_label", "unit_address_line"),
        False,
    ),
}


def rows_of(queryset, scope):
    """``queryset`` fetching what ``scope``'s rows (or cards) print."""
    columns, names, with_tags = ROWS[scope]
    # One annotate() for the names and the tag names (Ticket.with_tag_names): each
    # call clones the query.
    tags = ("tag_names_joined",) if with_tags else ()
    return queryset.only(*COLUMNS, *columns).with_row_names(*names, *tags)


# The words rows print, translated once per page (PageParts.text).
ALLOCATE = gettext_noop("Allocate")
CHANGE_EXECUTANTE = gettext_noop("Change the Responsável Executante")
SELECT_TICKET = gettext_noop("Select ticket %(n)s")
START = gettext_noop("Start")
RESUME = gettext_noop("Resume")
FINISH = gettext_noop("Finish")
DEADLINE = gettext_noop("Deadline")
VIEW_TICKET = gettext_noop("View ticket")
NOT_SENT = gettext_noop("Not sent")
NOT_SENT_HTML = '<span class="text-secondary">{}</span>'

# A primary key no ticket will have, standing in for the real one in a reversed URL.
_PK = 987654321987
_PK_TEXT = str(_PK)


@lru_cache(maxsize=64)
def _url_pattern(name, prefix, urlconf, *args):
    return reverse(name, urlconf=urlconf, args=[_PK, *args])


def _page_url_pattern(name, *args):
    return _url_pattern(name, get_script_prefix(), get_urlconf(), *args)


class PageParts:
    """What the rows (or cards) of one page share, worked out once for the page.

    A page's 25 rows repeat a handful of priorities, statuses and deadlines, and the
    same few words. Each translation looks the active language up (a context
    variable), and each badge is a few ``html_format`` calls: about a fifth of a
    row's cost (bench/README.md). Every piece is keyed by all the values it is drawn
    from, within one page (one language, one ``today``), so the shared piece is the
    very piece that row would have drawn (tested in test_list_rows.py).
    """

    def __init__(self, today=None):
        self.today = today or timezone.localdate()
        self._memo = {}

    def once(self, key, draw, *args):
        """``draw(*args)``, drawn once per page for ``key`` (which names all it depends on)."""
        try:
            return self._memo[key]
        except KeyError:
            piece = self._memo[key] = draw(*args)
            return piece

    def text(self, message):
        return self.once(("text", message), _, message)

    def url(self, name, pk, *args):
        """``reverse(name, args=[pk, *args])``, resolved once per name (per script prefix
        and URL conf) and looked up once per page: reversing took a quarter of a row."""
        pattern = self.once(("url", name, *args), _page_url_pattern, name, *args)
        return pattern.replace(_PK_TEXT, str(pk), 1)

    def priority(self, ticket):
        return self.once(("priority", ticket.priority), priority_badge, ticket)

    def chips(self, ticket):
        reason = ticket.blocked_reason if ticket.blocked else None
        overdue = ticket.overdue_on(self.today)
        key = ("chips", ticket.status, ticket.paused, ticket.blocked, reason, overdue)
        return self.once(key, status_chips, ticket, self.today)

    def deadline_cell(self, ticket):
        key = ("deadline", ticket.deadline, ticket.status)
        return self.once(key, deadline_cell, ticket, self.today)

    def deadline_fact(self, ticket):
        key = ("fact", ticket.deadline, ticket.status)
        return self.once(key, deadline_fact, ticket, self.today)


def kept_or_drawn(items, draw):
    """The rows of a page whose items are tickets or rows kept (``paging.paginate``'s
    ``kept_rows``): a kept row as it is, a ticket drawn by ``draw`` and kept under its
    ``row_cache_key`` when it has one."""
    for item in items:
        if isinstance(item, str):
            yield item
            continue
        row = draw(item)
        row_cache.keep(getattr(item, "row_cache_key", None), row)
        yield row


def _tags(ticket):
    badge = ' <span class="badge tag-badge">{}</span>'
    return SafeString("".join(html_format(badge, name) for name in ticket.tag_names))


def _title_cell(ticket, detail_url):
    category = ticket.category_label or ""
    return html_format(
        '<td class="min-w-0"><a href="{}" class="fw-semibold text-decoration-none">{}</a>\n'
        '    <div class="small text-secondary">{}{}</div></td>',
        detail_url,
        ticket.title,
        category,
        _tags(ticket),
    )


def _place(ticket, separator):
    if not ticket.area_id:
        return html_format("{}", ticket.unit_name)
    return html_format("{}" + separator + "{}", ticket.unit_name, ticket.area_label)


def queue_row(ticket, *, updated=False, parts=None):
    """A row of the Gestor's queue: select box, ticket, place, badges, allocation, deadline.

    ``parts``: what the page's rows share (``PageParts``); a row drawn alone (an htmx
    answer) makes its own."""
    parts = parts or PageParts()
    pk = ticket.pk
    detail = parts.url("tickets:detail", pk)
    if ticket.is_open:
        allocate = parts.url("tickets:allocate", pk)
        if ticket.executante_id:
            css = "btn-outline-secondary"
            title = parts.once(("change title",), html_format, ' title="{}"', parts.text(CHANGE_EXECUTANTE))
            label = html_format(
                '<i class="bi bi-person-check" aria-hidden="true"></i> {}', ticket.executante_label
            )
        else:
            css, title = "btn-outline-primary", ""
            label = parts.once(
                ("allocate label",),
                html_format,
                '<i class="bi bi-person-plus" aria-hidden="true"></i> {}',
                parts.text(ALLOCATE),
            )
        allocation = html_format(
            '<a class="btn btn-sm text-nowrap {}" href="{}" hx-get="{}?row=row-{}" hx-target="#alloc-{}" '
            'hx-swap="innerHTML"{}>{}</a>',
            css,
            allocate,
            allocate,
            pk,
            pk,
            title,
            label,
        )
    else:
        allocation = html_format('<span class="text-secondary">{}</span>', ticket.executante_label or "—")
    return html_format(
        '<tr id="row-{}"{}>\n'
        '  <td class="col-check"><input class="form-check-input" type="checkbox" name="tickets" value="{}" '
        'form="bulk-form" aria-label="{}"></td>\n'
        '  <td class="text-secondary">{}</td>\n'
        "  {}\n"
        '  <td>{}<div class="small text-secondary">{}</div></td>\n'
        "  <td>{}</td>\n"
        '  <td><div class="chips">{}</div></td>\n'
        '  <td id="alloc-{}" class="col-executante">{}</td>\n'
        "  <td>{}</td>\n"
        "</tr>",
        pk,
        SafeString(' class="row-updated"') if updated else "",
        pk,
        parts.text(SELECT_TICKET) % {"n": ticket.number},
        ticket.number,
        _title_cell(ticket, detail),
        ticket.client_name,
        _place(ticket, " · "),
        parts.priority(ticket),
        parts.chips(ticket),
        pk,
        allocation,
        parts.deadline_cell(ticket),
    )


def client_row(ticket, *, parts=None):
    """A row of the client's list: ticket, place, badges, provider, technician, deadline."""
    parts = parts or PageParts()
    if ticket.contract_id:
        provider = html_format("{}", ticket.provider_name)
    else:
        provider = parts.once(("not sent",), html_format, NOT_SENT_HTML, parts.text(NOT_SENT))
    area = (
        html_format('<div class="small text-secondary">{}</div>', ticket.area_label) if ticket.area_id else ""
    )
    return html_format(
        "<tr>\n"
        '  <td class="text-secondary">{}</td>\n'
        "  {}\n"
        "  <td>{}{}</td>\n"
        "  <td>{}</td>\n"
        '  <td><div class="chips">{}</div></td>\n'
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        "  <td>{}</td>\n"
        "</tr>",
        ticket.number,
        _title_cell(ticket, parts.url("tickets:detail", ticket.pk)),
        ticket.unit_name,
        area,
        parts.priority(ticket),
        parts.chips(ticket),
        provider,
        ticket.executante_label or "—",
        parts.deadline_cell(ticket),
    )


def mine_card(ticket, csrf_token, *, updated=False, parts=None):
    """A card of "Meus tickets", for the phone: where, when, and the next step in one tap."""
    parts = parts or PageParts()
    pk = ticket.pk
    detail = parts.url("tickets:detail", pk)
    address = ticket.unit_address_line
    if ticket.status == ticket.Status.ABERTO or ticket.paused:
        start = parts.url("tickets:transition", pk, "iniciar")
        icon_label = parts.text(RESUME) if ticket.paused else parts.text(START)
        action = html_format(
            '<form method="post" action="{}" hx-post="{}" hx-target="#card-{}" hx-swap="outerHTML">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="version" value="{}">\n'
            '        <button class="btn btn-success btn-lg w-100" type="submit">'
            '<i class="bi bi-play-fill" aria-hidden="true"></i> {}</button></form>\n      ',
            start,
            start,
            pk,
            csrf_token,
            ticket.version,
            icon_label,
        )
    elif ticket.status == ticket.Status.EM_EXECUCAO:
        action = html_format(
            '<a class="btn btn-primary btn-lg" href="{}#finish"><i class="bi bi-check2-circle" '
            'aria-hidden="true"></i> {}</a>\n      ',
            detail,
            parts.text(FINISH),
        )
    else:
        action = ""
    classes = "card ticket-card shadow-sm"
    if ticket.overdue_on(parts.today):
        classes += " is-overdue"
    if updated:
        classes += " row-updated"
    return html_format(
        '<article class="{}" id="card-{}" aria-labelledby="card-title-{}">\n'
        '  <div class="card-body p-3">\n'
        '    <div class="d-flex justify-content-between align-items-center gap-2 mb-1">\n'
        '      <div class="small text-secondary text-truncate">#{} · {}</div>\n'
        "      {}\n"
        "    </div>\n"
        '    <h2 class="h6 fw-semibold mb-2 title-clamp" id="card-title-{}">'
        '<a href="{}" class="text-body text-decoration-none">{}</a></h2>\n'
        '    <div class="chips mb-2">{}</div>\n'
        '    <ul class="ticket-facts list-unstyled small mb-0">\n'
        '      <li><i class="bi bi-geo-alt" aria-hidden="true"></i><div><strong>{}</strong>{}{}</div></li>\n'
        '      <li><i class="bi bi-calendar-event" aria-hidden="true"></i><div>{}: {}</div></li>\n'
        "    </ul>\n"
        '    <div class="d-grid gap-2 mt-3">\n'
        "      {}"
        '<a class="btn btn-outline-secondary" href="{}"><i class="bi bi-box-arrow-up-right" '
        'aria-hidden="true"></i> {}</a>\n'
        "    </div>\n"
        "  </div>\n"
        "</article>",
        classes,
        pk,
        pk,
        ticket.number,
        ticket.client_name,
        parts.priority(ticket),
        pk,
        detail,
        ticket.title,
        parts.chips(ticket),
        ticket.unit_name,
        html_format(" · {}", ticket.area_label) if ticket.area_id else "",
        html_format('<div class="text-secondary">{}</div>', address) if address else "",
        parts.text(DEADLINE),
        parts.deadline_fact(ticket),
        action,
        detail,
        parts.text(VIEW_TICKET),
    )
