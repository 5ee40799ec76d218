"""Relatórios: the report page with server-drawn SVG charts, and its CSV/XLSX exports.

For the Gestor and client staff only; to anyone else (the Executante included)
every report and export URL answers 404. Money columns only for who may see
finance, and only from tickets.access.financial_tickets.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .. import exports
from .. import reports as figures
from ..models import Ticket

STATUS_COLORS = {
    "aberto": "#0d6efd",
    "em_execucao": "#e0a800",
    "executado": "#198754",
    "vistoriado": "#0b5c7a",
    "arquivado": "#6c757d",
}
EXECUTED_COLOR = "#198754"
PENDING_COLOR = "#9ec5fe"
OVERDUE_COLOR = "#dc3545"
CHART_ROWS = 15
TABLE_ROWS = 100


def _scope(request):
    """The person's report scope, or 404 (the Executante, an outsider)."""
    scope = figures.report_scope(request.user, request.GET)
    if scope is None:
        raise Http404
    return scope


# ---- Charts -------------------------------------------------------------------------------


def bar_chart(rows, *, width=640, label_width=190, bar_height=18, gap=8):
    """Horizontal bars as SVG geometry. ``rows``: dicts with ``label`` and ``segments``
    — a list of (value, colour, name) drawn one after the other on the same bar."""
    value_width = 56
    room = width - label_width - value_width
    top = max((sum(v for v, _c, _n in row["segments"]) for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        y = index * (bar_height + gap)
        x = label_width
        pieces = []
        total = 0
        for value, colour, name in row["segments"]:
            w = round(room * value / top, 1)
            if value:
                pieces.append({"x": x, "width": max(w, 1), "colour": colour, "title": f"{name}: {value}"})
            x += w
            total += value
        label = row["label"]
        bars.append(
            {
                "y": y,
                "text_y": y + bar_height * 0.72,
                "label": label if len(label) <= 28 else label[:27] + "…",
                "full_label": label,
                "pieces": pieces,
                "total": total,
                "total_x": x + 6,
            }
        )
    return {
        "width": width,
        "height": max(len(rows) * (bar_height + gap) - gap, bar_height),
        "bar_height": bar_height,
        "label_x": label_width - 8,
        "bars": bars,
    }


def _duration(hours):
    if hours is None:
        return "—"
    if hours < 48:
        return _("%(n)s h") % {"n": number_format(round(hours, 1), decimal_pos=1)}
    return _("%(n)s days") % {"n": number_format(round(hours / 24, 1), decimal_pos=1)}


@login_required
def page(request):
    scope = _scope(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    today = timezone.localdate()
    unit_rows = figures.by_unit(scope, today)
    status_rows = figures.by_status(scope)  # sums of by_unit's counts, no query of its own
    people = figures.productivity(scope, today)
    for row in people:
        row["median_display"] = _duration(row["median_hours"])
    legend_segments = [
        (_("Executed"), EXECUTED_COLOR),
        (_("Not executed"), PENDING_COLOR),
    ]
    context = {
        "scope": scope,
        "form": scope.form,
        "querystring": request.GET.urlencode(),
        "totals": figures.totals(scope, today),
        "money": figures.finance_totals(scope),
        "status_rows": status_rows,
        "status_chart": bar_chart(
            [
                {
                    "label": str(r["label"]),
                    "segments": [(r["count"], STATUS_COLORS[r["status"]], str(r["label"]))],
                }
                for r in status_rows
            ],
            width=460,
            label_width=110,
        ),
        "unit_rows": unit_rows[:TABLE_ROWS],
        "unit_rows_left_out": max(len(unit_rows) - TABLE_ROWS, 0),
        "unit_chart": bar_chart(
            [
                {
                    "label": f"{r['unit__code']} · {r['unit__name']}",
                    "segments": [
                        (r["overdue"], OVERDUE_COLOR, _("Overdue")),
                        (r["open"] - r["overdue"], PENDING_COLOR, _("Open, on time")),
                        (r["total"] - r["open"], EXECUTED_COLOR, _("Closed")),
                    ],
                }
                for r in unit_rows[:CHART_ROWS]
            ]
        ),
        "people": people,
        "people_chart": bar_chart(
            [
                {
                    "label": r["name"],
                    "segments": [
                        (r["executed"], EXECUTED_COLOR, _("Executed")),
                        (r["allocated"] - r["executed"], PENDING_COLOR, _("Not executed")),
                    ],
                }
                for r in people[:CHART_ROWS]
            ]
        ),
        "legend_people": legend_segments,
        "legend_units": [
            (_("Overdue"), OVERDUE_COLOR),
            (_("Open, on time"), PENDING_COLOR),
            (_("Closed"), EXECUTED_COLOR),
        ],
        "overdue": figures.overdue_tickets(scope, today=today),
        "today": today,
        "xlsx_max_rows": exports.XLSX_MAX_ROWS,
        "export_choices": [
            ("tickets", _("Tickets")),
            ("status", _("Tickets by status")),
            ("unidades", _("Units")),
            ("produtividade", _("Productivity")),
        ],
    }
    return render(request, "tickets/reports/index.html", context)


# ---- Exports ------------------------------------------------------------------------------


def _ticket_export(scope):
    header = [
        _("Number"),
        _("Client"),
        _("Title"),
        _("Unit code"),
        _("Unit"),
        _("Area"),
        _("Category"),
        _("Priority"),
        _("Status"),
        _("Blocked (impedido)"),
        _("Provider company"),
        _("Responsável Executante"),
        _("Opened"),
        _("Sent to provider"),
        _("Deadline (prazo)"),
        _("Executed"),
        _("Inspected"),
    ]
    if scope.has_finance:
        header += [_("Costs (R$)"), _("Invoiced (R$)")]
    # Labels resolved now, in the request's language: the rows are produced while streaming.
    priorities = {value: str(label) for value, label in Ticket.Priority.choices}
    statuses = {value: str(label) for value, label in Ticket.Status.choices}
    yes = _("yes")

    def rows():
        for r in figures.ticket_rows(scope):
            row = [
                r["number"],
                r["client__name"],
                r["title"],
                r["unit__code"],
                r["unit__name"],
                r["area__path"],
                r["category__path"],
                priorities.get(r["priority"], r["priority"]),
                statuses.get(r["status"], r["status"]),
                yes if r["blocked"] else "",
                r["contract__provider__name"],
                r["executante__full_name"],
                r["created_at"],
                r["sent_at"],
                r["deadline"],
                r["executed_at"],
                r["inspected_at"],
            ]
            if scope.has_finance:
                allowed = r["finance_allowed"]
                row += [
                    figures.money(r["costs_total"]) if allowed else None,
                    figures.money(r["invoiced_total"]) if allowed else None,
                ]
            yield row

    money = (17, 18) if scope.has_finance else ()
    return _("Tickets"), header, rows(), money


def _status_export(scope):
    header = [_("Status"), _("Tickets")]
    rows = [[str(r["label"]), r["count"]] for r in figures.by_status(scope)]
    return _("Status"), header, rows, ()


def _unit_export(scope):
    header = [_("Client"), _("Unit code"), _("Unit"), _("Tickets"), _("Open"), _("Overdue"), _("Executed")]
    if scope.has_finance:
        header += [_("Costs (R$)"), _("Invoiced (R$)")]

    def rows():
        for r in figures.by_unit(scope):
            row = [
                r["client__name"],
                r["unit__code"],
                r["unit__name"],
                r["total"],
                r["open"],
                r["overdue"],
                r["executed"],
            ]
            if scope.has_finance:
                row += [r["costs"], r["invoiced"]]
            yield row

    return _("Units"), header, rows(), ((7, 8) if scope.has_finance else ())


def _productivity_export(scope):
    header = [
        _("Responsável Executante"),
        _("E-mail"),
        _("Allocated"),
        _("Open"),
        _("Overdue"),
        _("Executed"),
        _("Median time to execute (hours)"),
        _("Executed on time"),
        _("Judged by deadline or SLA"),
        _("Share executed on time (%)"),
    ]

    def rows():
        for r in figures.productivity(scope):
            share = r["on_time_share"]
            yield [
                r["executante__full_name"],
                r["executante__email"],
                r["allocated"],
                r["open"],
                r["overdue"],
                r["executed"],
                None if r["median_hours"] is None else round(r["median_hours"], 2),
                r["on_time"],
                r["judged"],
                None if share is None else round(share * 100, 1),
            ]

    return _("Productivity"), header, rows(), ()


EXPORTS = {
    "tickets": ("tickets", _ticket_export),
    "status": ("status", _status_export),
    "unidades": ("unidades", _unit_export),
    "produtividade": ("produtividade", _productivity_export),
}


def _export(request, report, fmt):
    scope = _scope(request)
    if report not in EXPORTS:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    stem, build = EXPORTS[report]
    title, header, rows, money = build(scope)
    filename = f"relatorio-{stem}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(filename, header, rows)
    note = _("More rows match: this file stops at %(n)s. The CSV export has them all.") % {
        "n": number_format(exports.XLSX_MAX_ROWS, force_grouping=True)
    }
    return exports.xlsx_response(
        filename, title, header, rows, money_columns=money, max_rows=exports.XLSX_MAX_ROWS, overflow_note=note
    )


@login_required
def export_csv(request, report):
    return _export(request, report, "csv")


@login_required
def export_xlsx(request, report):
    return _export(request, report, "xlsx")
