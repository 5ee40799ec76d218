"""In-process timings: the whole Django stack (middleware, session, auth, view,
templates) through the test Client, against the PostgreSQL database in DATABASE_URL.

For each persona and scenario it records the server time (p50/p95), the SQL
queries per request, the database time per request as Django sees it (every
query, round trips included), and for the list scenarios the EXPLAIN ANALYZE time
of the page's SQL next to a hand-written indexed query for the same rows.
"""

import json
import re
import statistics
import time
from pathlib import Path

from django.db import connection
from django.test import Client

from accounts.models import User
from tickets import access, row_cache
from tickets.models import Ticket
from tickets.paging import COUNT_CAP, PAGE_SIZE, SEARCH_COUNT_CAP

from .breakdown import breakdown
from .personas import SEARCH, Persona, load_personas, world_summary


class DbTimer:
    """Counts and times every SQL statement (connection.execute_wrapper)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


REPORT_URL = "/relatorios/"
# The scenarios with a text search, which the page counts only to SEARCH_COUNT_CAP.
SEARCHES = ("filtered", "search", "phone_search")


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def summarize(samples):
    ms = [s[0] * 1000 for s in samples]
    db = [s[1] * 1000 for s in samples]
    queries = [s[2] for s in samples]
    return {
        "n": len(samples),
        "p50_ms": statistics.median(ms),
        "p95_ms": pct(ms, 0.95),
        "db_p50_ms": statistics.median(db),
        "queries": max(queries),
        "queries_min": min(queries),
    }


def timed(call):
    timer = DbTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        response = call()
        elapsed = time.perf_counter() - started
    return response, (elapsed, timer.seconds, timer.count)


def sample_gets(client, urls, iterations, warmup, **headers) -> list[tuple]:
    """(seconds, database seconds, queries) of each of ``iterations`` GETs after a warm-up."""
    for i in range(warmup):
        client.get(urls[i % len(urls)], **headers)
    samples = []
    for i in range(iterations):
        response, sample = timed(lambda i=i: client.get(urls[i % len(urls)], **headers))
        if response.status_code != 200:
            raise RuntimeError(f"{urls[i % len(urls)]} answered {response.status_code}")
        samples.append(sample)
    return samples


def time_gets(client, urls, iterations, warmup, **headers):
    return summarize(sample_gets(client, urls, iterations, warmup, **headers))


def time_allocation(persona: Persona, iterations, warmup):
    if persona.allocation is None:
        return None
    actor, ticket_id, targets = persona.allocation
    client = Client()
    client.force_login(actor)
    url = f"/tickets/{ticket_id}/alocar/"
    samples = []
    for i in range(warmup + iterations):
        version = Ticket.objects.values_list("version", flat=True).get(pk=ticket_id)
        current = Ticket.objects.values_list("executante_id", flat=True).get(pk=ticket_id)
        target = targets[0] if current != targets[0] else targets[1]
        data = {"executante": target, "version": version}
        response, sample = timed(lambda data=data: client.post(url, data))
        if response.status_code != 302:
            raise RuntimeError(f"allocation answered {response.status_code}")
        if i >= warmup:
            samples.append(sample)
    result = summarize(samples)
    result["actor"] = actor.email
    return result


# ---- EXPLAIN ANALYZE: the page's SQL against a hand-written indexed query ---------------------


def explain_ms(sql, repeat=5):
    """Median planning + execution time reported by EXPLAIN ANALYZE (server side)."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = plan if isinstance(plan, list) else json.loads(plan)
            times.append(plan[0]["Planning Time"] + plan[0]["Execution Time"])
    return statistics.median(times)


def explain_text(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


ROWS_STATEMENT = 'SELECT "tickets_ticket"."id"'
ROWS_BY_KEY = '"tickets_ticket"."id" IN ('


def page_queries(client, url):
    """The page's two statements (tickets/paging.py): its keys with the capped count,
    then its rows by key. Drawn with no row kept (tickets/row_cache.py), so the rows
    statement runs: the page's database work at its most."""
    statements = []
    row_cache.forget_all()

    def capture(execute, sql, params, many, context):
        # The statement with its parameters inlined, whether psycopg binds them on the
        # client or on the server (then Django's captured SQL keeps the $n markers).
        statements.append(_mogrify(sql, params) if params else sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        client.get(url)
    keys = next((sql for sql in statements if sql.startswith("WITH page AS MATERIALIZED")), None)
    if keys is None:
        raise RuntimeError(f"no page query for {url}")
    # No rows statement when the page has no keys (a search that matches nothing).
    rows = next((sql for sql in statements if sql.startswith(ROWS_STATEMENT) and ROWS_BY_KEY in sql), None)
    if rows is None and "cardinality" in keys and _has_keys(keys):
        raise RuntimeError(f"the page's rows statement was not found for {url}")
    return keys, rows


def _has_keys(keys_sql):
    with connection.cursor() as cursor:
        cursor.execute(keys_sql)
        return bool(cursor.fetchone()[0])


def _by_hand(persona: Persona, scenario: str):
    """The WHERE (on ``t``), its parameters, the ORDER BY and the offset of the page,
    as a person would write them against the indexed columns."""
    user = User.objects.get(pk=persona.user.pk)
    reach = access.reach_for(user)
    where, params = {
        "queue": ("t.contract_id = ANY(%s)", [sorted(reach.gestor_contract_ids)]),
        "client": ("t.client_id = ANY(%s)", [sorted(reach.client_ids)]),
        # Typed as the column, as the page types it: the trigram indexes take the
        # technician's key only as a bigint (migration 0008).
        "mine": ("t.executante_id = %s::bigint", [user.pk]),
    }[persona.scope]
    order = "t.created_at DESC, t.id DESC"
    offset = 0
    if scenario in ("list", "phone_search") and persona.scope == "mine":  # open work by deadline
        where += " AND t.status IN ('aberto', 'em_execucao')"
        order = "t.deadline ASC, t.created_at DESC, t.id DESC"
    if scenario == "filtered":
        where += " AND t.status = 'aberto'"
    if scenario in SEARCHES:
        where += " AND (UPPER(t.title) LIKE %s OR UPPER(t.description) LIKE %s)"
        params += [f"%{SEARCH.upper()}%"] * 2
    if scenario == "deep":
        offset = (persona.deep_page - 1) * PAGE_SIZE
    if scenario == "sorted":  # every status, most urgent first
        order = "t.priority DESC, t.created_at DESC, t.id DESC"
    return where, params, order, offset


def _mogrify(sql, params):
    return connection.ops.compose_sql(sql, params)


def raw_query(persona: Persona, scenario: str) -> str:
    """The simplest indexed SQL a person would write by hand for the same rows."""
    where, params, order, offset = _by_hand(persona, scenario)
    sql = f"SELECT * FROM tickets_ticket t WHERE {where} ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}"  # noqa: S608
    return _mogrify(sql, params)


# What each list's page shows, written by hand: the joins for the names its rows
# print, and (not on the phone's cards) each ticket's tag names.
PAGE_JOINS = {
    "queue": (
        "c.name, u.name, a.name, a.path, cat.name, cat.path, e.full_name, e.email",
        "JOIN accounts_clientcompany c ON c.id = t.client_id JOIN accounts_unit u ON u.id = t.unit_id "
        "LEFT JOIN accounts_area a ON a.id = t.area_id "
        "LEFT JOIN tickets_category cat ON cat.id = t.category_id "
        "LEFT JOIN accounts_user e ON e.id = t.executante_id",
        True,
    ),
    "client": (
        "u.name, a.name, a.path, cat.name, cat.path, e.full_name, e.email, p.name",
        "JOIN accounts_unit u ON u.id = t.unit_id LEFT JOIN accounts_area a ON a.id = t.area_id "
        "LEFT JOIN tickets_category cat ON cat.id = t.category_id "
        "LEFT JOIN accounts_user e ON e.id = t.executante_id "
        "LEFT JOIN providers_contract k ON k.id = t.contract_id "
        "LEFT JOIN providers_providercompany p ON p.id = k.provider_id",
        True,
    ),
    "mine": (
        "c.name, u.name, u.address, u.city, u.state, a.name, a.path",
        "JOIN accounts_clientcompany c ON c.id = t.client_id JOIN accounts_unit u ON u.id = t.unit_id "
        "LEFT JOIN accounts_area a ON a.id = t.area_id",
        False,
    ),
}
TAG_NAMES = (
    ", (SELECT string_agg(g.name, ',') FROM tickets_ticket_tags tt JOIN tickets_tag g ON g.id = tt.tag_id "
    "WHERE tt.ticket_id = t.id) AS tags"
)


def hand_page_sql(persona: Persona, scenario: str) -> list[str]:
    """The same page written by hand: the bare query's rows with the joins for what they
    print, and the capped count, as two statements (what anyone would send to draw it)."""
    where, params, order, offset = _by_hand(persona, scenario)
    columns, joins, tags = PAGE_JOINS[persona.scope]
    # The page counts a text search's matches only to SEARCH_COUNT_CAP ("100+").
    counted = SEARCH_COUNT_CAP if scenario in SEARCHES else COUNT_CAP
    cap = max(counted, offset + PAGE_SIZE) + 1
    rows = (
        f"SELECT t.*, {columns}{TAG_NAMES if tags else ''} FROM tickets_ticket t {joins} "  # noqa: S608
        f"WHERE {where} ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}"
    )
    count = f"SELECT COUNT(*) FROM (SELECT 1 FROM tickets_ticket t WHERE {where} LIMIT {cap}) capped"  # noqa: S608
    return [_mogrify(rows, params), _mogrify(count, params)]


def ids_of(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        cols = [c.name for c in cursor.description]
        rows = cursor.fetchall()
    index = cols.index("id")
    return [r[index] for r in rows]


def compare(client, persona, scenario, url):
    keys, rows = page_queries(client, url)
    raw = raw_query(persona, scenario)
    same = (ids_of(rows)[:PAGE_SIZE] if rows else []) == ids_of(raw)
    orm_ms, raw_ms = explain_ms(keys) + (explain_ms(rows) if rows else 0), explain_ms(raw)
    hand = hand_page_sql(persona, scenario)
    same = same and ids_of(hand[0]) == ids_of(raw)
    return {
        "page_sql_ms": orm_ms,
        "raw_sql_ms": raw_ms,
        "hand_sql_ms": sum(explain_ms(sql) for sql in hand),
        "same_rows": same,
        "plan": f"-- keys and capped count\n{explain_text(keys)}\n\n-- rows\n{rows and explain_text(rows)}",
        "raw_plan": explain_text(raw),
        "hand_sql": hand,
    }


def detail_query_plan(persona: Persona):
    """The combined reach (visible_tickets) for one ticket: the detail page's lookup."""
    if not persona.detail_ids:
        return ""
    user = User.objects.get(pk=persona.user.pk)
    qs = access.visible_tickets(user).filter(pk=persona.detail_ids[0])
    sql, params = qs.query.sql_with_params()
    return explain_text(_mogrify(sql, params))


def drawn(client, url) -> int:
    """How many tickets the page draws (rows or cards: each links to its ticket). A
    page of 25 costs more to draw than a page of 2, whatever the database holds; the
    scaling table shows both."""
    html = client.get(url).content.decode()
    return len(set(re.findall(r'href="/tickets/(\d+)/"', html)))


def run(label: str, out: Path, iterations: int = 100, warmup: int = 10, only=None) -> dict:
    result = {"label": label, "world": world_summary(), "personas": {}}
    for persona in load_personas():
        if only and persona.key not in only:
            continue
        client = Client()
        client.force_login(persona.user)
        row = {"label": persona.label, "sees": persona.sees, "deep_page": persona.deep_page}
        for scenario, url in persona.scenarios.items():
            row[scenario] = time_gets(client, [url], iterations, warmup)
            row[scenario]["url"] = url
            row[scenario].update(compare(client, persona, scenario, url))
        if persona.scope == "queue":
            # What the queue no longer draws with the page: the technicians and their load,
            # asked for (htmx) when the first ticket is ticked.
            row["bulk_choices"] = time_gets(
                client,
                [persona.list_url],
                iterations,
                warmup,
                HTTP_HX_REQUEST="true",
                HTTP_HX_TARGET="bulk-executante",
            )
        if persona.scope in ("queue", "client"):
            # Relatórios (issue 7: "a report over 100k tickets answers in a few seconds"):
            # every figure aggregates the person's whole reach, so a few requests suffice.
            row["report"] = time_gets(client, [REPORT_URL], max(5, iterations // 20), 1)
            row["report"]["url"] = REPORT_URL
        row["list"]["drawn"] = drawn(client, persona.scenarios["list"])
        row["list"]["breakdown"] = breakdown(client, persona.scenarios["list"], max(10, iterations // 3))
        # Read now: an earlier persona's allocation may have moved a ticket away from him.
        ids = persona.base().order_by("-created_at", "-id").values_list("id", flat=True)[:20]
        persona.detail_ids = list(ids)
        detail_urls = [f"/tickets/{pk}/" for pk in persona.detail_ids]
        row["detail"] = time_gets(client, detail_urls, iterations, warmup) if detail_urls else None
        row["detail_plan"] = detail_query_plan(persona)
        row["allocation"] = time_allocation(persona, max(10, iterations // 4), 3)
        result["personas"][persona.key] = row
        print(
            f"{label:>6} {persona.key:24} list p50 {row['list']['p50_ms']:6.1f} ms "
            f"p95 {row['list']['p95_ms']:6.1f} ms, {row['list']['queries']} queries",
            flush=True,
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    if only and out.exists():  # measuring a few personas again: keep the others
        previous = json.loads(out.read_text())
        previous["personas"].update(result["personas"])
        result = previous
    out.write_text(json.dumps(result, indent=1, default=str))
    return result
