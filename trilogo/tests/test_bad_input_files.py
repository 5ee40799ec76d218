"""Bad input, in files: XSS payloads in every text a work-order PDF or an export prints
come out as inert text, and spreadsheet formulas in any of them are neutralised.

test_bad_input.py checks pages and e-mails; this module checks the files. The PDF is
read back with pypdf: each payload must be there literally, as text, and the document
must hold no link, JavaScript or other action (WeasyPrint turns an unescaped
``<a href>`` into a link annotation with a /URI action). The exports are parsed back
with csv and openpyxl: every text cell holds the payload as typed (formula starters
prefixed with an apostrophe, tickets/exports.py), never a formula or a hyperlink.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from weasyprint import HTML

from accounts.models import Area, ClientCompany, Unit, User
from providers.models import ProviderCompany
from quotations import services as finance
from tickets import services
from tickets.demo import demo_photo
from tickets.models import Category, Ticket
from tickets.tests.test_exports import INJECTIONS

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def xss(label: str) -> str:
    """A link with a javascript: URL, a script and an image from a remote URL, in at most
    100 characters (area and category names); the label tells which field it came from."""
    return f'<a href="javascript:alert(1)">{label}</a><script>alert(1)</script><img src=//evil.example/x.png>'


# For fields too short for the whole payload: the link alone still makes an annotation.
SHORT_LINK = '<a href="javascript:x">{}</a>'

# Keys of the PDF's dictionaries that run, open or link to something.
ACTION_KEYS = {"/A", "/AA", "/OpenAction", "/JS", "/JavaScript", "/URI", "/Launch", "/SubmitForm", "/Annots"}


def pdf_actions(data: bytes) -> set[str]:
    """Every action-like key anywhere in the PDF's object graph, from the trailer down."""
    reader = PdfReader(io.BytesIO(data))
    found, seen, stack = set(), set(), [reader.trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            found |= ACTION_KEYS & set(node.keys())
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return found


def squeezed(text: str) -> str:
    """Without whitespace: table cells wrap long words wherever they like."""
    return "".join(text.split())


def pdf_text(data: bytes) -> str:
    return squeezed("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_the_action_detector_sees_a_weasyprint_link():
    """The detector's positive control: what an unescaped link would become."""
    html = '<p><a href="javascript:alert(1)">x</a> <a href="https://evil.example/">y</a></p>'
    assert {"/Annots", "/A", "/URI"} <= pdf_actions(HTML(string=html).write_pdf())
    assert pdf_actions(HTML(string="<p>x</p>").write_pdf()) == set()


# ---- The work order -----------------------------------------------------------------------


@pytest.fixture
def poisoned_t2(world, django_capture_on_commit_callbacks):
    """t2 with a payload in every text its work order prints; returns {field: stored text}."""
    t2, gestor, staff, tecnico = world["t2"], world["gestor"], world["client_staff"], world["tecnico2"]
    sm = world["supermercados"]
    # Master data a client admin or an operator typed in (admin forms do not refuse markup).
    ClientCompany.objects.filter(pk=sm.pk).update(name=xss("CLIENT"))
    ProviderCompany.objects.filter(pk=world["clima"].pk).update(name=xss("PROVIDER"))
    Unit.objects.filter(pk=t2.unit_id).update(
        code=SHORT_LINK.format("UC"), name=xss("UNIT"), address=xss("ADDRESS"), city=xss("CITY")
    )
    people = {"EXECUTANTE": tecnico, "REQUESTER": world["client_admin"], "INTERNAL": staff, "GESTOR": gestor}
    for label, person in people.items():
        User.objects.filter(pk=person.pk).update(full_name=xss(label))
    area = Area.objects.create(unit_id=t2.unit_id, name=xss("AREA"))
    category = Category.objects.create(client=sm, name=xss("CATEGORY"))
    Ticket.objects.filter(pk=t2.pk).update(
        title=xss("TITLE"),
        description=xss("DESCRIPTION"),
        area=area,
        category=category,
        internal_responsible=staff,
    )
    texts = {label: xss(label) for label in ("CLIENT", "PROVIDER", "UNIT", "ADDRESS", "CITY", *people)}
    texts.update(
        UC=SHORT_LINK.format("UC"),
        AREA=area.path,
        CATEGORY=category.path,
        TITLE=xss("TITLE"),
        DESCRIPTION=xss("DESCRIPTION"),
    )

    # What people type on the ticket pages, through the services.
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_tags(ticket=t2, names=[SHORT_LINK.format("TAG1"), "<b>TAG2</b>"], by=gestor)
        services.comment_add(
            ticket=t2,
            author=gestor,
            body=xss("COMMENT"),
            files=[demo_photo('<img src=x onerror="alert(1)">PHOTO.jpg')],
        )
        q1 = finance.quotation_save(
            ticket=t2,
            by=gestor,
            items=[{"description": xss("ITEM"), "quantity": Decimal("1"), "unit_price": Decimal("10")}],
            notes=xss("NOTES"),
        )
        finance.quotation_send(quotation=q1, by=gestor)
        finance.quotation_decide(quotation=q1, by=staff, approve=False, reason=xss("REFUSAL"))
        services.ticket_start(ticket=t2, by=tecnico)
        services.ticket_pause(ticket=t2, by=tecnico, reason=xss("PAUSE"))
        services.ticket_start(ticket=t2, by=tecnico)
        services.ticket_block(ticket=t2, by=tecnico, reason=xss("BLOCK"))
        services.ticket_finish(ticket=t2, by=tecnico)
        cost = finance.cost_add(
            ticket=t2,
            by=gestor,
            kind="material",
            amount=Decimal("5"),
            document_number='<a href="javascript:alert(1)">DOC</a>',
            description=xss("COST"),
        )
        finance.invoice_add(
            ticket=t2,
            by=gestor,
            number=SHORT_LINK.format("INV"),
            series="<i>S</i>",
            issue_date=timezone.localdate(),
            amount=Decimal("5"),
            issuer_cnpj="77.888.999/0001-81",
            costs=[cost],
        )
    t2.refresh_from_db()
    texts.update(
        TAGS=", ".join(sorted(t2.tags.values_list("name", flat=True))),
        COMMENT=xss("COMMENT"),
        PHOTO=t2.attachments.get().original_name,
        ITEM=xss("ITEM"),
        NOTES=xss("NOTES"),
        REFUSAL=xss("REFUSAL"),
        PAUSE=xss("PAUSE"),
        BLOCK=t2.blocked_reason,
        DOC=cost.document_number,
        COST=cost.description,
        INV=SHORT_LINK.format("INV"),
        SERIES="<i>S</i>",
    )
    assert t2.blocked and texts["BLOCK"] == xss("BLOCK")  # the notice is on the work order
    assert all("<" in text for text in texts.values())  # every field still holds markup
    return texts


@pytest.mark.parametrize("persona", ["gestor", "client_staff"])
def test_payloads_in_a_work_order_come_out_as_text(world, poisoned_t2, client, persona):
    client.force_login(world[persona])
    response = client.get(reverse("tickets:pdf", args=[world["t2"].pk]), **EN)
    assert response.status_code == 200
    data = response.content

    text = pdf_text(data)
    printed_as_text = {field: squeezed(value) in text for field, value in poisoned_t2.items()}
    assert [field for field, ok in printed_as_text.items() if not ok] == []
    assert pdf_actions(data) == set()  # no link annotation, no /URI, no JavaScript
    for raw in (b"javascript:", b"evil.example", b"/JavaScript", b"/URI"):
        # Text is drawn through subset fonts (glyph ids), so the payload's bytes never
        # appear as such; a URI or script action would hold them as a PDF string.
        assert raw not in data, raw


# ---- The exports --------------------------------------------------------------------------

EXTRA_FORMULAS = [
    "+cmd|' /C calc'!A0",
    "-1+1",
    "=1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
BREAKOUT = 'Fim", =1+1;\n=2+2\t"'  # a quote, separators and a new line trying to leave the cell
PAYLOADS = [xss("CELL"), BREAKOUT, *INJECTIONS, *EXTRA_FORMULAS]

# Text columns of each export, as the report headers name them (English).
TEXT_COLUMNS = {
    "tickets": [
        "Client",
        "Title",
        "Unit code",
        "Unit",
        "Area",
        "Category",
        "Provider company",
        "Responsável Executante",
    ],
    "unidades": ["Client", "Unit code", "Unit"],
    "produtividade": ["Responsável Executante"],
}


def as_exported(text: str) -> str:
    """What a cell must hold: the text as typed, formula starters behind an apostrophe."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def poison_every_column(world, payload):
    """Put the payload in every text column the exports print for t2's row (cut to each
    field's length); returns {column: stored text}."""
    t2 = world["t2"]

    def fit(model, name):
        return payload[: model._meta.get_field(name).max_length]

    ClientCompany.objects.filter(pk=t2.client_id).update(name=fit(ClientCompany, "name"))
    ProviderCompany.objects.filter(pk=world["clima"].pk).update(name=fit(ProviderCompany, "name"))
    Unit.objects.filter(pk=t2.unit_id).update(code=fit(Unit, "code"), name=fit(Unit, "name"))
    User.objects.filter(pk=t2.executante_id).update(full_name=fit(User, "full_name"))
    area = Area.objects.create(unit_id=t2.unit_id, name=fit(Area, "name"))
    category = Category.objects.create(client_id=t2.client_id, name=fit(Category, "name"))
    Ticket.objects.filter(pk=t2.pk).update(title=fit(Ticket, "title"), area=area, category=category)
    return {
        "Client": fit(ClientCompany, "name"),
        "Title": fit(Ticket, "title"),
        "Unit code": fit(Unit, "code"),
        "Unit": fit(Unit, "name"),
        "Area": area.path,
        "Category": category.path,
        "Provider company": fit(ProviderCompany, "name"),
        "Responsável Executante": fit(User, "full_name"),
    }


def csv_rows(client, slug):
    response = client.get(reverse("tickets:report_csv", args=[slug]), **EN)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def xlsx_rows(client, slug):
    response = client.get(reverse("tickets:report_xlsx", args=[slug]), **EN)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    cells = [cell for row in rows for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # not one formula
    assert not [c.coordinate for c in cells if c.hyperlink]  # nor a hyperlink
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def row_of(rows, slug, expected, number, value=lambda cell: cell):
    """The poisoned row: t2's (by number), the unit's, or the Executante's."""
    if slug == "tickets":
        return next(r for r in rows if str(value(r["Number"])) == str(number))
    key = "Unit code" if slug == "unidades" else "Responsável Executante"
    return next(r for r in rows if value(r[key]) == as_exported(expected[key]))


@pytest.mark.parametrize("payload", PAYLOADS, ids=ascii)
def test_payloads_in_every_exported_text_cell_stay_text(world, client, payload):
    expected = poison_every_column(world, payload)
    client.force_login(world["gestor"])
    number = world["t2"].number
    for slug, columns in TEXT_COLUMNS.items():
        row = row_of(csv_rows(client, slug), slug, expected, number)
        assert {c: row[c] for c in columns} == {c: as_exported(expected[c]) for c in columns}, slug

        row = row_of(xlsx_rows(client, slug), slug, expected, number, value=lambda cell: cell.value)
        assert {c: row[c].value for c in columns} == {c: as_exported(expected[c]) for c in columns}, slug
        assert {row[c].data_type for c in columns} == {"s"}, slug
