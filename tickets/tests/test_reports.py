"""Relatórios: figures checked against numbers worked out by hand, who sees what, queries."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import remove_perm

from quotations.models import Cost, Invoice
from tickets import reports, services
from tickets.models import Ticket
from tickets.tests.fixtures import statements

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def report_world(world, django_capture_on_commit_callbacks):
    """The Gestor's contract (Clima @ Supermercados) with figures easy to work out by hand.

    D0 is ten days ago; every executed ticket was sent to the provider at D0 08:00.

      ticket  unit  executante  status       executed        deadline   SLA due     notes
      t1      LJ01  tecnico1    vistoriado   D0 23:30 (15.5h) D0        -           on time (local date!)
      x1      LJ01  tecnico1    executado    D1 14:00 (30h)   D0        -           late; open and overdue
      x2      LJ01  tecnico1    vistoriado   D2 10:00 (50h)   -          D3 08:00    on time by SLA
      t2      LJ02  tecnico2    aberto       -                today-3    -           overdue
      x3      LJ02  tecnico2    em_execucao  -                today-1    -           overdue
      x4      LJ02  tecnico2    executado    D0 12:00 (4h)    -          -           not judged
      t3      LJ03  -           aberto       -                -          -
    Outside the Gestor's reach: t4 (Elétrica, LJ01), t5 (not sent, LJ02), b1 (Banco).

    Money: x1 cost 1.000,00 + 50,00 freight and an invoice of 1.050,00; x3 cost 200,50;
    t4 (another provider's) cost 999,99 — client staff see it, the Gestor does not.
    """
    gestor, sm, clima = world["gestor"], world["supermercados"], world["clima_sm"]
    units = {u.code: u for u in sm.units.all()}
    today = timezone.localdate()
    d0 = today - timedelta(days=10)
    sent = _at(d0, 8)

    def make(title, unit, executante):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = services.ticket_create(
                client=sm, requester=world["client_admin"], title=title, unit=units[unit], contract=clima
            )
            services.ticket_allocate(ticket=ticket, executante=world[executante], by=gestor)
        return ticket

    x1 = make("Quadro elétrico x1", "LJ01", "tecnico1")
    x2 = make("Exaustor x2", "LJ01", "tecnico1")
    x3 = make("Vazamento x3", "LJ02", "tecnico2")
    x4 = make("Lâmpada x4", "LJ02", "tecnico2")

    def set_(ticket, **fields):
        Ticket.objects.filter(pk=ticket.pk).update(**fields)

    base = {"sent_at": sent, "created_at": sent - timedelta(hours=1), "sla_due": None}
    set_(world["t1"], status="vistoriado", executed_at=_at(d0, 23, 30), deadline=d0, **base)
    set_(x1, status="executado", executed_at=_at(d0 + timedelta(days=1), 14), deadline=d0, **base)
    set_(
        x2,
        status="vistoriado",
        executed_at=_at(d0 + timedelta(days=2), 10),
        **{**base, "sla_due": _at(d0 + timedelta(days=3), 8)},
    )
    set_(world["t2"], status="aberto", deadline=today - timedelta(days=3), **base)
    set_(x3, status="em_execucao", deadline=today - timedelta(days=1), **base)
    set_(x4, status="executado", executed_at=_at(d0, 12), deadline=None, **base)
    set_(world["t3"], **base)
    for name in ("t4", "t5", "b1"):
        set_(world[name], created_at=sent)

    invoice = Invoice.objects.create(
        client=sm,
        ticket=x1,
        number="NF-1",
        issue_date=today,
        amount=Decimal("1050.00"),
        issuer_cnpj="77.888.999/0001-81",
        created_by=gestor,
    )
    Cost.objects.create(
        client=sm,
        ticket=x1,
        kind="materiais",
        amount=Decimal("1000.00"),
        freight=Decimal("50.00"),
        invoice=invoice,
        created_by=gestor,
    )
    Cost.objects.create(client=sm, ticket=x3, kind="materiais", amount=Decimal("200.50"), created_by=gestor)
    Cost.objects.create(
        client=sm,
        ticket=world["t4"],
        kind="materiais",
        amount=Decimal("999.99"),
        created_by=world["other_gestor"],
    )
    return {**world, "x1": x1, "x2": x2, "x3": x3, "x4": x4, "d0": d0}


def scope_for(user, data=None):
    return reports.report_scope(user, data or {})


# ---- Figures worked out by hand -----------------------------------------------------------


def test_it_counts_the_gestors_tickets_by_status(report_world):
    scope = scope_for(report_world["gestor"])
    counts = {row["status"]: row["count"] for row in reports.by_status(scope)}
    assert counts == {"aberto": 2, "em_execucao": 1, "executado": 2, "vistoriado": 2, "arquivado": 0}
    assert reports.totals(scope) == {"total": 7, "open": 5, "overdue": 3, "executed": 4, "unallocated": 1}


def test_it_counts_by_unit_with_money_for_who_sees_finance(report_world):
    rows = {r["unit__code"]: r for r in reports.by_unit(scope_for(report_world["gestor"]))}
    assert {code: (r["total"], r["open"], r["overdue"], r["executed"]) for code, r in rows.items()} == {
        "LJ01": (3, 1, 1, 3),
        "LJ02": (3, 3, 2, 1),
        "LJ03": (1, 1, 0, 0),
    }
    assert rows["LJ01"]["costs"] == Decimal("1050.00") and rows["LJ01"]["invoiced"] == Decimal("1050.00")
    assert rows["LJ02"]["costs"] == Decimal("200.50") and rows["LJ02"]["invoiced"] == Decimal("0.00")
    assert reports.finance_totals(scope_for(report_world["gestor"])) == {
        "costs": Decimal("1250.50"),
        "invoiced": Decimal("1050.00"),
    }


def test_client_staff_see_every_provider_of_their_client(report_world):
    scope = scope_for(report_world["client_staff"])
    assert reports.totals(scope)["total"] == 9  # + t4 (Elétrica) and t5 (not sent); never b1
    rows = {r["unit__code"]: r for r in reports.by_unit(scope)}
    assert rows["LJ01"]["total"] == 4 and rows["LJ01"]["costs"] == Decimal(
        "2049.99"
    )  # 1.050,00 + t4's 999,99


def test_it_makes_the_productivity_report(report_world):
    rows = {r["executante__email"]: r for r in reports.productivity(scope_for(report_world["gestor"]))}
    tiago, talita = rows["tecnico1@prestadora.demo"], rows["tecnico2@prestadora.demo"]
    # tecnico1: t1 (15.5 h, on time: that same evening in São Paulo), x1 (30 h, late),
    # x2 (50 h, on time by its SLA)
    assert (tiago["allocated"], tiago["executed"], tiago["open"], tiago["overdue"]) == (3, 3, 1, 1)
    assert tiago["median_hours"] == pytest.approx(30.0)
    assert (tiago["on_time"], tiago["judged"]) == (2, 3)
    assert tiago["on_time_share"] == pytest.approx(2 / 3)
    # tecnico2: t2 and x3 overdue, x4 executed in 4 h with neither deadline nor SLA
    assert (talita["allocated"], talita["executed"], talita["open"], talita["overdue"]) == (3, 1, 3, 2)
    assert talita["median_hours"] == pytest.approx(4.0)
    assert talita["judged"] == 0 and talita["on_time_share"] is None


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(report_world):
    # Executing x3 after 20 h gives tecnico2 two durations: 4 h and 20 h → median 12 h.
    sent = _at(report_world["d0"], 8)
    Ticket.objects.filter(pk=report_world["x3"].pk).update(
        status="executado", executed_at=sent + timedelta(hours=20)
    )
    rows = {r["executante__email"]: r for r in reports.productivity(scope_for(report_world["gestor"]))}
    assert rows["tecnico2@prestadora.demo"]["median_hours"] == pytest.approx(12.0)


def test_the_overdue_list_starts_with_the_oldest_deadline(report_world):
    found = [t.pk for t in reports.overdue_tickets(scope_for(report_world["gestor"]))]
    assert found == [report_world["x1"].pk, report_world["t2"].pk, report_world["x3"].pk]


def test_the_totals_statuses_and_units_come_from_one_pass(report_world, django_assert_num_queries):
    alone = reports.by_status(scope_for(report_world["gestor"]))  # its own query, on the status index
    scope = scope_for(report_world["gestor"])
    with django_assert_num_queries(4):  # the grouped pass, the units' names, their costs and invoices
        units = reports.by_unit(scope)
    with django_assert_num_queries(0):
        shared, totals = reports.by_status(scope), reports.totals(scope)
    assert shared == alone
    assert totals["total"] == sum(u["total"] for u in units) == sum(r["count"] for r in alone) == 7
    # Another day is another pass: "overdue" depends on it.
    tomorrow = timezone.localdate() + timedelta(days=1)
    with django_assert_num_queries(1):
        assert reports.totals(scope, tomorrow)["overdue"] == 3


def test_the_overdue_list_walks_the_open_tickets_deadline_index(report_world):
    """Migration 0007: the overdue list's condition implies the index's predicate, so
    PostgreSQL may walk it from the oldest deadline and stop at the list's 20 (checked
    with every other index of the table dropped, in this test's transaction)."""
    overdue = reports.overdue_tickets(scope_for(report_world["gestor"]))
    assert [t.pk for t in overdue] == [report_world["x1"].pk, report_world["t2"].pk, report_world["x3"].pk]
    if connection.vendor != "postgresql":
        return
    sql, params = overdue.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname
            WHERE i.schemaname = current_schema() AND i.tablename = 'tickets_ticket'
              AND i.indexname <> 'ticket_overdue'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            """
        )
        cursor.execute("DROP INDEX " + ", ".join(name for (name,) in cursor.fetchall()))
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(r"Index Scan using ticket_overdue on tickets_ticket", plan), plan
    assert "Sort" not in plan, plan  # in the list's order: it stops at 20


@pytest.mark.parametrize(
    ("days_from", "days_to", "unit", "total"),
    [
        (None, None, None, 7),
        (None, None, "LJ02", 3),
        (0, 0, None, 7),  # every ticket of the world was opened on D0
        (1, None, None, 0),
        (None, -1, None, 0),
        (0, None, "LJ01", 3),
    ],
)
def test_the_filters_narrow_the_figures(report_world, days_from, days_to, unit, total):
    d0 = report_world["d0"]
    data = {}
    if days_from is not None:
        data["date_from"] = (d0 + timedelta(days=days_from)).isoformat()
    if days_to is not None:
        data["date_to"] = (d0 + timedelta(days=days_to)).isoformat()
    if unit:
        data["unit"] = report_world["supermercados"].units.get(code=unit).pk
    assert reports.totals(scope_for(report_world["gestor"], data))["total"] == total


def test_a_unit_of_another_client_is_refused_and_shows_nothing(report_world, as_user):
    banco_unit = report_world["banco"].units.get()
    scope = scope_for(report_world["gestor"], {"unit": banco_unit.pk})
    assert not scope.form.is_valid() and "unit" in scope.form.errors
    assert reports.totals(scope)["total"] == 0
    response = as_user(report_world["gestor"]).get(reverse("tickets:reports"), {"unit": banco_unit.pk})
    assert response.status_code == 200


def test_unknown_parameters_are_ignored(report_world):
    scope = scope_for(report_world["gestor"], {"executante__password": "x", "order_by": "title"})
    assert reports.totals(scope)["total"] == 7


def test_an_inverted_period_is_an_error(report_world):
    scope = scope_for(report_world["gestor"], {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "date_to" in scope.form.errors


# ---- The page -----------------------------------------------------------------------------


def test_the_gestor_sees_figures_charts_and_money(report_world, as_user):
    response = as_user(report_world["gestor"]).get(reverse("tickets:reports"), **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<rect" in html  # charts drawn on the server
    assert "R$\xa01.250,50" in html and "R$\xa01.050,00" in html
    assert "Tiago Técnico" in html and "67%" in html  # 2 of 3 on time
    assert "30.0 h" in html or "30,0 h" in html  # his median
    assert "Quadro elétrico x1" in html  # in the overdue list
    assert report_world["t4"].title not in html


def test_the_page_obeys_the_csp(report_world, as_user):
    html = as_user(report_world["gestor"]).get(reverse("tickets:reports")).content.decode()
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script


def test_the_gestor_without_the_finance_grant_sees_no_money(report_world, as_user):
    contract = report_world["clima_sm"]
    remove_perm("providers.view_financials", contract.gestor_group, contract)
    scope = scope_for(report_world["gestor"])
    assert not scope.has_finance and reports.finance_totals(scope) is None
    assert "costs" not in reports.by_unit(scope)[0]
    html = as_user(report_world["gestor"]).get(reverse("tickets:reports")).content.decode()
    assert "R$" not in html and "1.250,50" not in html


def test_a_gestor_for_another_client_sees_only_that_client(report_world):
    # tecnico1 executes for Supermercados but is Gestor for Banco Modelo.
    scope = scope_for(report_world["tecnico1"])
    assert reports.totals(scope)["total"] == 1  # b1
    assert not reports.productivity(scope)


@pytest.mark.parametrize("persona", ["tecnico2", "other_tecnico"])
def test_the_executante_gets_404_on_every_report_url(report_world, as_user, persona):
    client = as_user(report_world[persona])
    for url in (
        reverse("tickets:reports"),
        reverse("tickets:reports") + "?unit=1",
        *(
            reverse(f"tickets:report_{fmt}", args=[slug])
            for fmt in ("csv", "xlsx")
            for slug in ("tickets", "status", "unidades", "produtividade", "nada")
        ),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url


def test_the_executante_is_not_offered_the_reports(report_world, as_user):
    html = as_user(report_world["tecnico2"]).get(reverse("tickets:mine")).content.decode()
    assert reverse("tickets:reports") not in html
    html = as_user(report_world["gestor"]).get(reverse("tickets:queue")).content.decode()
    assert reverse("tickets:reports") in html


def test_the_page_takes_the_same_number_of_queries_for_more_tickets(
    report_world, as_user, django_capture_on_commit_callbacks
):
    client = as_user(report_world["gestor"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("tickets:reports")).status_code == 200
        return statements(queries)

    before = count()
    units = list(report_world["supermercados"].units.all())
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(12):
            ticket = services.ticket_create(
                client=report_world["supermercados"],
                requester=report_world["client_admin"],
                title=f"Mais um {i}",
                unit=units[i % 3],
                contract=report_world["clima_sm"],
            )
            services.ticket_allocate(
                ticket=ticket,
                executante=report_world[("tecnico1", "tecnico2")[i % 2]],
                by=report_world["gestor"],
            )
    assert count() == before
