"""Work orders (ordens de serviço) as PDF, rendered by WeasyPrint from a template.

Two rules keep the PDF as safe as the pages:
- What a work order shows comes from the person's TicketAccess, computed by
  tickets.access: the finance section, and the timeline's financial rows, only
  with ``access.financials``.
- WeasyPrint fetches nothing. Photos are read through Django's storage, shrunk
  with Pillow and embedded as data URIs; the stylesheet is passed as a string;
  the URL fetcher refuses every URL that is not one of those data URIs.

Everything a batch of work orders needs is loaded in a constant number of
queries, whatever the number of tickets (the selection PDF renders up to 200).
"""

import base64
import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib import request
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import access as access_module
from .models import Attachment, Comment, Ticket, TicketEvent
from .timeline import describe, naming_only_seen_tickets

logger = logging.getLogger(__name__)
# WeasyPrint logs every layout step at INFO ("Step 4 - Creating formatting structure"):
# several lines per work order in the server log. Warnings and errors still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Thumbnails: at most this many per work order, at most this box (pixels), JPEG.
MAX_PHOTOS = 12
THUMB_BOX = (480, 360)
THUMB_QUALITY = 72

# What every work-order query selects along with the ticket.
TICKET_RELATED = (
    "client",
    "unit",
    "area",
    "category",
    "contract__provider",
    "executante",
    "requester",
    "internal_responsible",
)


class RefuseFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, refusing everything but the data URIs we embed.

    A data URI is decoded here, in memory; no other scheme (http, https, file,
    ftp, ...) is ever opened, so user text that slipped a URL into the document
    could not make the server fetch it.
    """

    def __init__(self):
        # Not URLFetcher.__init__: it builds HTTP(S) handlers (loading the CA store
        # costs ~80 ms) that this fetcher never uses.
        request.OpenerDirector.__init__(self)
        self._fail_on_errors = False
        self._allowed_protocols = ("data",)

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise ValueError(f"WeasyPrint may not fetch URLs here: {url[:80]!r}")
        header, _comma, payload = url[5:].partition(",")
        media_type = header.split(";")[0] or "text/plain"
        body = base64.b64decode(payload) if header.endswith(";base64") else unquote_to_bytes(payload)
        return URLFetcherResponse(url, body, {"Content-Type": media_type})


# ---- Loading ------------------------------------------------------------------------------


@dataclass
class Photo:
    name: str
    uri: str
    created_at: object


@dataclass
class WorkOrder:
    """One ticket's work order: the ticket, the person's access, and what it shows."""

    ticket: Ticket
    access: access_module.TicketAccess
    timeline: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    photos: list = field(default_factory=list)
    photos_left_out: int = 0
    documents: list = field(default_factory=list)
    finance: dict | None = None


def thumbnail_uri(attachment: Attachment) -> str | None:
    """A small JPEG of the photo as a data URI, or None when it cannot be read.

    The file is read through the storage API (private storage, possibly remote),
    never over HTTP. JPEG draft mode decodes at 1/2–1/8 scale, so a 12 MP phone
    photo costs milliseconds, not a second.
    """
    storage = attachment.file.storage
    try:
        with storage.open(attachment.file.name, "rb") as handle, Image.open(handle) as image:
            image.draft("RGB", THUMB_BOX)
            picture = ImageOps.exif_transpose(image) or image
            picture.thumbnail(THUMB_BOX)
            buffer = io.BytesIO()
            picture.convert("RGB").save(buffer, "JPEG", quality=THUMB_QUALITY, optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        # Missing file, HEIC without a decoder, a broken upload: the PDF lists it by name.
        logger.info("No thumbnail for attachment %s", attachment.pk, exc_info=True)
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _finance(ticket_ids):
    """Quotations (sent or decided, with items), costs and invoices of those tickets.

    Called only with the ids of tickets whose finance the person may see."""
    from quotations.models import Cost, Invoice, Quotation, QuotationItem

    found = defaultdict(lambda: {"quotations": [], "costs": [], "invoices": []})
    if not ticket_ids:
        return found
    quotations = (
        Quotation.objects.filter(ticket_id__in=ticket_ids)
        .exclude(status=Quotation.Status.RASCUNHO)  # a draft is the provider's, not yet a quote
        .select_related("created_by", "decided_by")
        .prefetch_related(Prefetch("items", queryset=QuotationItem.objects.order_by("id")))
        .order_by("ticket_id", "version")
    )
    for quotation in quotations:
        found[quotation.ticket_id]["quotations"].append(quotation)
    for cost in Cost.objects.filter(ticket_id__in=ticket_ids).select_related("invoice", "quotation"):
        found[cost.ticket_id]["costs"].append(cost)
    for invoice in Invoice.objects.filter(ticket_id__in=ticket_ids):
        found[invoice.ticket_id]["invoices"].append(invoice)
    for ticket_id in ticket_ids:
        rows = found[ticket_id]
        sent = rows["quotations"]
        approved = [q for q in sent if q.status == Quotation.Status.APROVADA]
        zero = Decimal("0.00")
        rows["totals"] = {
            "quoted": sent[-1].total if sent else zero,
            "approved": sum((q.total for q in approved), zero),
            "costs": sum((c.total for c in rows["costs"]), zero),
            "invoiced": sum((i.amount for i in rows["invoices"]), zero),
        }
    return found


def load_work_orders(user, tickets) -> list[WorkOrder]:
    """Work orders for tickets the person reached through tickets.access.

    ``tickets`` must come from an access queryset (or get_ticket_for_user) with
    TICKET_RELATED selected. Each ticket's access is computed by the access
    module; a ticket the person may not print is left out.
    """
    orders = []
    for ticket in tickets:
        ticket_access = access_module.ticket_access(user, ticket)
        if ticket_access.can("pdf"):
            orders.append(WorkOrder(ticket=ticket, access=ticket_access))
    if not orders:
        return []
    ids = [o.ticket.pk for o in orders]
    financial_ids = [o.ticket.pk for o in orders if o.access.financials]
    by_id = {o.ticket.pk: o for o in orders}

    # The same rules as tickets.timeline.timeline_for, applied in SQL for the whole batch:
    # financial rows only on tickets whose finance the person may see, and no event
    # naming a ticket he cannot see.
    events = (
        naming_only_seen_tickets(
            TicketEvent.objects.filter(ticket_id__in=ids), access_module.visible_tickets(user)
        )
        .filter(Q(financial=False) | Q(ticket_id__in=financial_ids))
        .select_related("actor")
        .order_by("ticket_id", "created_at", "id")
    )
    for event in events:
        by_id[event.ticket_id].timeline.append((event, describe(event)))

    attachments = list(Attachment.objects.filter(ticket_id__in=ids).order_by("ticket_id", "created_at", "id"))
    by_comment = defaultdict(list)
    for item in attachments:
        if item.comment_id:
            by_comment[item.comment_id].append(item)
    comments = Comment.objects.filter(ticket_id__in=ids).select_related("author").order_by("created_at", "id")
    for comment in comments:
        by_id[comment.ticket_id].comments.append((comment, by_comment.get(comment.pk, [])))

    for item in attachments:
        order = by_id[item.ticket_id]
        if item.kind != Attachment.Kind.PHOTO:
            order.documents.append(item)
        elif len(order.photos) >= MAX_PHOTOS:
            order.photos_left_out += 1
        else:
            uri = thumbnail_uri(item)
            if uri:
                order.photos.append(Photo(item.original_name, uri, item.created_at))
            else:
                order.documents.append(item)

    through = Ticket.tags.through.objects.filter(ticket_id__in=ids).select_related("tag")
    for row in through.order_by("tag__name"):
        by_id[row.ticket_id].tags.append(row.tag.name)

    finance = _finance(financial_ids)
    for ticket_id in financial_ids:
        by_id[ticket_id].finance = finance[ticket_id]
    return orders


# ---- Rendering ----------------------------------------------------------------------------


def _css_string(text: str) -> str:
    """A CSS string literal (for the running header and footer texts)."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def stylesheet() -> CSS:
    css = render_to_string(
        "tickets/pdf/work_order.css",
        {
            "page_label": _css_string(_("Page")),
            "of_label": _css_string(_("of")),
            "brand": _css_string("Trílogo"),
        },
    )
    return CSS(string=css, url_fetcher=RefuseFetcher())


def _html(orders, user, title) -> HTML:
    with timezone.override(settings.TIME_ZONE):
        html = render_to_string(
            "tickets/pdf/work_order.html",
            {
                "orders": orders,
                "title": title,
                "generated_at": timezone.localtime(),
                "generated_by": user,
            },
        )
    return HTML(string=html, url_fetcher=RefuseFetcher(), base_url=None)


def render_pdf(orders, user, title, *, progress=None) -> bytes:
    """One PDF with every work order, each laid out as its own document (so its
    footer says "Página 1 de 2" of that work order) and then written together.

    ``progress(done, total)`` is called after each work order is laid out; a
    background job shows it to the person waiting.
    """
    css = stylesheet()
    fonts = FontConfiguration()
    documents = []
    for done, order in enumerate(orders, start=1):
        documents.append(_html([order], user, title).render(stylesheets=[css], font_config=fonts))
        if progress:
            progress(done, len(orders))
    if not documents:  # nothing printable: one page that says so
        documents.append(_html([], user, title).render(stylesheets=[css], font_config=fonts))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def work_order_filename(ticket) -> str:
    return f"OS-{slugify(ticket.client.name)[:40]}-{ticket.number}.pdf"
