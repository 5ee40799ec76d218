"""Reports for the Gestor and client staff (Relatórios): tickets by status, by unit,
by technician, overdue, and the Relatório de Produtividade.

Every figure is one SQL aggregate over a queryset that starts from tickets.access
(gestor_tickets / client_tickets, narrowed by the allow-listed filters); nothing
loops over tickets in Python, so the number of queries does not grow with the
data. Money figures come only from tickets.access.financial_tickets.

Definitions (shown in the page's notes too):
- period: the ticket's opening date (created_at, in America/Sao_Paulo);
- allocated: tickets whose Responsável Executante is the person now;
- executed: tickets with an execution time (Executado, Vistoriado, or archived after
  execution; reopening clears it);
- time to execute: from being sent to the provider (or opened, if sent with it)
  to execution; the median per person;
- on time: executed on or before the deadline (prazo) — or, without a deadline,
  before the SLA due time; tickets with neither are not judged.
"""

import dataclasses
import statistics
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db import NotSupportedError
from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ClientCompany, Unit

from . import access as access_module
from .models import Ticket

CLOSED = list(Ticket.CLOSED_STATUSES)
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(value) -> Decimal:
    """A sum as it left the database, to the cent (SQLite hands back extra digits)."""
    return ZERO if value is None else Decimal(value).quantize(CENT)


# ---- SQL pieces ---------------------------------------------------------------------------


class SecondsBetween(Func):
    """``end − start`` in seconds (a float); NULL when either is NULL."""

    output_field = FloatField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def _parts(self, compiler):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return end_sql, start_sql, (*end_params, *start_params)

    def as_postgresql(self, compiler, connection, **extra):
        end, start, params = self._parts(compiler)
        return f"EXTRACT(EPOCH FROM ({end} - {start}))::double precision", params

    def as_sqlite(self, compiler, connection, **extra):
        end, start, params = self._parts(compiler)
        return f"((julianday({end}) - julianday({start})) * 86400.0)", params

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("SecondsBetween needs PostgreSQL or SQLite.")


class _SqliteMedian:
    """SQLite has no percentile_cont: a median aggregate the engine runs per group."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


class Median(Aggregate):
    """The median of a numeric expression: percentile_cont(0.5) on PostgreSQL; on
    SQLite (the zero-setup default) an aggregate registered on the connection."""

    name = "Median"
    function = "PERCENTILE_CONT"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        connection.ensure_connection()
        connection.connection.create_aggregate("trilogo_median", 1, _SqliteMedian)
        return super().as_sql(compiler, connection, function="trilogo_median", **extra)

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor == "postgresql":
            return self.as_postgresql(compiler, connection, **extra)
        if connection.vendor == "sqlite":
            return self.as_sqlite(compiler, connection, **extra)
        raise NotSupportedError("Median needs PostgreSQL or SQLite.")


def _local_tz():
    return ZoneInfo(settings.TIME_ZONE)


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min), _local_tz())


# ---- Filters ------------------------------------------------------------------------------


class ReportFilterForm(forms.Form):
    """The report's filters, each declared here and narrowed to the person's reach."""

    date_from = forms.DateField(
        label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    client = forms.ModelChoiceField(label=_("Client"), queryset=ClientCompany.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, data=None, *, client_ids, **kwargs):
        super().__init__(data, **kwargs)
        client_ids = sorted(client_ids)
        self.fields["client"].queryset = ClientCompany.objects.filter(pk__in=client_ids).order_by("name")
        self.fields["unit"].queryset = (
            Unit.objects.filter(client_id__in=client_ids)
            .select_related("client")
            .order_by("client__name", "code")
        )
        self.fields["client"].empty_label = _("All clients")
        self.fields["unit"].empty_label = _("All units")
        if len(client_ids) <= 1:
            del self.fields["client"]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name in ("client", "unit") else "form-control"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period comes before its start."))
        client, unit = data.get("client"), data.get("unit")
        if client and unit and unit.client_id != client.pk:
            self.add_error("unit", _("Choose a unit of the chosen client."))
        return data


@dataclass
class ReportScope:
    """What one person's report covers: the access queryset, narrowed by the filters."""

    user: object
    form: ReportFilterForm
    tickets: object  # QuerySet[Ticket]
    finance: object | None  # QuerySet[Ticket] whose money the person may see, or None
    # Figures several reports share, computed once per scope (unit_status_counts).
    memo: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)

    @property
    def has_finance(self):
        return self.finance is not None


def report_base(user):
    """The tickets a person's reports cover, from tickets.access: the Gestor's
    queue and the client staff's tickets. None for anyone else (the Executante)."""
    reach = access_module.reach_for(user)
    parts = []
    if reach.is_gestor:
        parts.append(access_module.gestor_tickets(user))
    if reach.is_client_staff:
        parts.append(access_module.client_tickets(user))
    if not parts:
        return None
    base = parts[0]
    for other in parts[1:]:
        base = base | other
    return base


def report_scope(user, data) -> ReportScope | None:
    base = report_base(user)
    if base is None:
        return None
    reach = access_module.reach_for(user)
    form = ReportFilterForm(data or None, client_ids=reach.gestor_client_ids | reach.client_ids)
    tickets = base
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        if cleaned.get("date_from"):
            tickets = tickets.filter(created_at__gte=_day_start(cleaned["date_from"]))
        if cleaned.get("date_to"):
            tickets = tickets.filter(created_at__lt=_day_start(cleaned["date_to"] + timedelta(days=1)))
        if cleaned.get("client"):
            tickets = tickets.filter(client=cleaned["client"])
        if cleaned.get("unit"):
            tickets = tickets.filter(unit=cleaned["unit"])
    elif form.is_bound:
        tickets = tickets.none()  # say what is wrong rather than show unfiltered figures
    has_finance = bool(reach.financial_contract_ids or reach.client_ids)
    finance = (tickets & access_module.financial_tickets(user)) if has_finance else None
    return ReportScope(user=user, form=form, tickets=tickets, finance=finance)


# ---- Figures ------------------------------------------------------------------------------


def _open_q():
    return ~Q(status__in=CLOSED)


def _overdue_q(today):
    return _open_q() & Q(deadline__lt=today)


def unit_status_counts(scope: ReportScope, today=None) -> list[dict]:
    """Per unit and status: how many tickets, how many past their deadline, executed
    and without a Responsável Executante. One pass over the person's tickets, grouped
    by plain columns (no join), computed once per scope and day: the totals, the
    status counts and the unit rows are sums of it. Each of the three read every
    ticket in reach on its own (at 1M tickets, 72 + 152 + 277 ms of SQL for the
    Gestor of half of them; this one 160-200 ms)."""
    today = today or timezone.localdate()
    key = ("unit_status", today)
    if key not in scope.memo:
        scope.memo[key] = list(
            scope.tickets.order_by()
            .values("unit_id", "status")
            .annotate(
                n=Count("*"),
                late=Count("id", filter=Q(deadline__lt=today)),
                executed=Count("id", filter=Q(executed_at__isnull=False)),
                unallocated=Count("id", filter=Q(executante__isnull=True)),
            )
            .order_by()
        )
    return scope.memo[key]


def _is_open(status) -> bool:
    return status not in CLOSED


def totals(scope: ReportScope, today=None) -> dict:
    found = {"total": 0, "open": 0, "overdue": 0, "executed": 0, "unallocated": 0}
    for row in unit_status_counts(scope, today):
        found["total"] += row["n"]
        found["executed"] += row["executed"]
        if _is_open(row["status"]):
            found["open"] += row["n"]
            found["overdue"] += row["late"]
            found["unallocated"] += row["unallocated"]
    return found


def by_status(scope: ReportScope) -> list[dict]:
    shared = next((rows for key, rows in scope.memo.items() if key[0] == "unit_status"), None)
    if shared is None:
        # Alone (the status export), the status index answers without reading the table.
        counts = dict(scope.tickets.order_by().values_list("status").annotate(n=Count("*")))
    else:
        counts = {}
        for row in shared:
            counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
    return [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Ticket.Status.choices
    ]


def by_unit(scope: ReportScope, today=None) -> list[dict]:
    per_unit = {}
    for row in unit_status_counts(scope, today):
        unit = per_unit.setdefault(
            row["unit_id"], {"unit_id": row["unit_id"], "total": 0, "open": 0, "overdue": 0, "executed": 0}
        )
        unit["total"] += row["n"]
        unit["executed"] += row["executed"]
        if _is_open(row["status"]):
            unit["open"] += row["n"]
            unit["overdue"] += row["late"]
    names = Unit.objects.filter(pk__in=per_unit).values_list("pk", "code", "name", "client__name")
    for pk, code, name, client_name in names:
        per_unit[pk].update({"unit__code": code, "unit__name": name, "client__name": client_name})
    rows = sorted(per_unit.values(), key=lambda r: (-r["total"], r["client__name"], r["unit__code"]))
    if scope.has_finance:
        money = unit_money(scope)
        for row in rows:
            row.update(money.get(row["unit_id"], {"costs": ZERO, "invoiced": ZERO}))
    return rows


def unit_money(scope: ReportScope) -> dict[int, dict]:
    """Costs and invoiced amounts per unit, over the tickets whose finance the person sees."""
    from quotations.models import Cost, Invoice

    fin_ids = scope.finance.order_by().values("pk")
    costs = (
        Cost.objects.filter(ticket_id__in=fin_ids)
        .order_by()
        .values("ticket__unit_id")
        .annotate(s=Sum(F("amount") + F("freight"), output_field=MONEY))
    )
    invoiced = (
        Invoice.objects.filter(ticket_id__in=fin_ids)
        .order_by()
        .values("ticket__unit_id")
        .annotate(s=Sum("amount", output_field=MONEY))
    )
    found = {}
    for row in costs:
        found.setdefault(row["ticket__unit_id"], {"costs": ZERO, "invoiced": ZERO})["costs"] = (
            row["s"] or ZERO
        )
    for row in invoiced:
        found.setdefault(row["ticket__unit_id"], {"costs": ZERO, "invoiced": ZERO})["invoiced"] = (
            row["s"] or ZERO
        )
    return found


def finance_totals(scope: ReportScope) -> dict | None:
    if not scope.has_finance:
        return None
    from quotations.models import Cost, Invoice

    fin_ids = scope.finance.order_by().values("pk")
    costs = Cost.objects.filter(ticket_id__in=fin_ids).aggregate(
        s=Coalesce(Sum(F("amount") + F("freight"), output_field=MONEY), ZERO, output_field=MONEY)
    )["s"]
    invoiced = Invoice.objects.filter(ticket_id__in=fin_ids).aggregate(
        s=Coalesce(Sum("amount", output_field=MONEY), ZERO, output_field=MONEY)
    )["s"]
    return {"costs": money(costs), "invoiced": money(invoiced)}


def productivity(scope: ReportScope, today=None) -> list[dict]:
    """Relatório de Produtividade: one row per Responsável Executante."""
    today = today or timezone.localdate()
    executed = Q(executed_at__isnull=False)
    with_deadline = executed & Q(deadline__isnull=False)
    with_sla_only = executed & Q(deadline__isnull=True, sla_due__isnull=False)
    rows = list(
        scope.tickets.filter(executante__isnull=False)
        .alias(executed_day=TruncDate("executed_at", tzinfo=_local_tz()))
        .order_by()
        .values("executante_id", "executante__full_name", "executante__email")
        .annotate(
            allocated=Count("id"),
            open=Count("id", filter=_open_q()),
            overdue=Count("id", filter=_overdue_q(today)),
            executed=Count("id", filter=executed),
            judged=Count("id", filter=with_deadline | with_sla_only),
            on_time=Count(
                "id",
                filter=(with_deadline & Q(executed_day__lte=F("deadline")))
                | (with_sla_only & Q(executed_at__lte=F("sla_due"))),
            ),
            median_seconds=Median(SecondsBetween(F("executed_at"), Coalesce("sent_at", "created_at"))),
        )
        .order_by("-allocated", "executante__full_name", "executante_id")
    )
    for row in rows:
        row["name"] = row["executante__full_name"] or row["executante__email"]
        row["on_time_share"] = row["on_time"] / row["judged"] if row["judged"] else None
        seconds = row["median_seconds"]
        row["median_hours"] = None if seconds is None else seconds / 3600
    return rows


def overdue_tickets(scope: ReportScope, limit=20, today=None):
    """The most overdue open tickets, oldest deadline first."""
    today = today or timezone.localdate()
    return (
        scope.tickets.overdue(today)
        .select_related("client", "unit", "executante")
        .order_by("deadline", "client_id", "number")[:limit]
    )


# ---- Rows for the exports -----------------------------------------------------------------


def ticket_rows(scope: ReportScope):
    """One row per ticket, streamed from the database (values, not model instances)."""
    from quotations.models import Cost, Invoice

    tickets = scope.tickets.order_by("client_id", "number")
    fields = [
        "number",
        "client__name",
        "title",
        "unit__code",
        "unit__name",
        "area__path",
        "category__path",
        "priority",
        "status",
        "blocked",
        "contract__provider__name",
        "executante__full_name",
        "created_at",
        "sent_at",
        "deadline",
        "executed_at",
        "inspected_at",
    ]
    if scope.has_finance:
        allowed = Exists(access_module.financial_tickets(scope.user).filter(pk=OuterRef("pk")))
        cost_sum = (
            Cost.objects.filter(ticket_id=OuterRef("pk"))
            .order_by()
            .values("ticket_id")
            .annotate(s=Sum(F("amount") + F("freight"), output_field=MONEY))
            .values("s")
        )
        invoice_sum = (
            Invoice.objects.filter(ticket_id=OuterRef("pk"))
            .order_by()
            .values("ticket_id")
            .annotate(s=Sum("amount", output_field=MONEY))
            .values("s")
        )
        tickets = tickets.annotate(
            finance_allowed=allowed,
            costs_total=Subquery(cost_sum, output_field=MONEY),
            invoiced_total=Subquery(invoice_sum, output_field=MONEY),
        )
        fields += ["finance_allowed", "costs_total", "invoiced_total"]
    return tickets.values(*fields).iterator(chunk_size=2000)
