"""bench/RESULTS.md from the JSON files that ``measure`` and ``http`` wrote."""

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

TARGETS = """Targets (issue 5), at 1M tickets, for every persona: list page p50 <= 15 ms and
p95 <= 40 ms in process; <= 6 SQL queries per list page; database time <= 3x the raw
indexed query for the same rows; p50 at 1M <= 1.5x p50 at 10k; >= 150 list requests/s
per core over HTTP. Reports (issue 7): a report over 100k tickets answers in a few
seconds."""


def _machine(results_dir: Path) -> list[str]:
    meta = results_dir / "machine.json"
    info = json.loads(meta.read_text()) if meta.exists() else {}
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"- CPU: {cpu or platform.processor()} — {os.cpu_count()} cores; memory "
        f"{info.get('memory', '?')}; {platform.system()} {platform.release()}",
        f"- PostgreSQL: {info.get('postgres', '?')} (default settings: shared_buffers "
        f"{info.get('shared_buffers', '?')}, work_mem {info.get('work_mem', '?')}, "
        f"jit {info.get('jit', '?')})",
        f"- Python {platform.python_version()}, Django {info.get('django', '?')}, gunicorn "
        f"{info.get('gunicorn', '?')}, wrk {info.get('wrk', '?')}",
        f"- Load average while it ran: {info.get('load', '?')} (the machine is shared with other "
        "sessions' test runs; numbers on an idle machine are lower)",
    ]


def _f(value, digits=1):
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(a, b):
    return None if not a or not b else a / b


def _breakdown(run) -> list[str]:
    """Where a list request's time goes (bench/breakdown.py), when it was measured."""
    rows = [(key, row["list"].get("breakdown")) for key, row in run["personas"].items()]
    if not any(parts for _key, parts in rows):
        return []
    lines = [
        "Where a list request's time goes (medians, ms; bench/breakdown.py): SQL = every statement,"
        " round trip included; templates and building the rows exclude the SQL run inside them;"
        " the rest is request handling, middleware, session and user, reach and filter form.",
        "",
        "| persona | total | SQL | templates | building the rows (ORM) | the rest |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, parts in rows:
        if parts:
            cells = " | ".join(_f(parts[name]) for name in ("total", "sql", "render", "rows", "rest"))
            lines.append(f"| {key} | {cells} |")
    return [*lines, ""]


def _instructions(run) -> list[str]:
    """Instructions per list request (bench/instructions.py), when they were counted."""
    counted = run.get("instructions")
    if not counted:
        return []
    lines = [
        "Instructions per list request in the Django process (valgrind's callgrind; bench/instructions.py):"
        " unlike milliseconds, the same code gives the same count whatever the machine's load.",
        "",
        "| persona | million instructions |",
        "|---|---:|",
    ]
    for key, row in counted["personas"].items():
        lines.append(f"| {key} | {_f(row['instructions'] / 1e6)} |")
    return [*lines, ""]


def _cpu(run) -> list[str]:
    """CPU per list request on each side (bench/cpu.py), when it was measured."""
    measured = run.get("cpu")
    if not measured:
        return []
    lines = [
        "CPU per list request (bench/cpu.py; the page served through Django's WSGI handler, CPU time read"
        " from /proc for the process and its PostgreSQL backend): 150 requests/s per core leaves 6.7 ms"
        " for both.",
        "",
        "| persona | Python ms | PostgreSQL ms | both | req/s per core at that CPU |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, row in measured["personas"].items():
        python, database = row["python_ms"], row["postgresql_ms"]
        both = python + database
        lines.append(f"| {key} | {_f(python, 2)} | {_f(database, 2)} | {_f(both, 2)} | {1000 / both:.0f} |")
    return [*lines, ""]


def _reports(run) -> list[str]:
    """The Relatórios page: every figure an aggregate over the person's whole reach."""
    measured = [(key, row) for key, row in run["personas"].items() if row.get("report")]
    if not measured:
        return []
    lines = [
        "| persona | tickets in reach | Relatórios p50 / p95 ms | queries | DB ms / request |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, row in measured:
        r = row["report"]
        lines.append(
            f"| {key} | {row['sees']:,} | {_f(r['p50_ms'])} / {_f(r['p95_ms'])} | {r['queries']} "
            f"| {_f(r['db_p50_ms'])} |"
        )
    return [*lines, ""]


def _sql_table(run):
    """The page's database time next to the bare indexed query and the same page by hand."""
    lines = [
        "Database time per page (EXPLAIN ANALYZE, planning + execution, median of 5, ms): the page's"
        " statements / the bare indexed `SELECT * ... LIMIT 25` for the same rows / the same page"
        " written by hand (those rows with the joins for what they print, and the capped count;"
        " bench/measure.py `hand_page_sql`), and the page's ratio to each.",
        "",
        "| persona | list | filtered | search | phone's search | deep page | by priority |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, row in run["personas"].items():
        cells = []
        for name in ("list", "filtered", "search", "phone_search", "deep", "sorted"):
            r = row.get(name, {})
            if "hand_sql_ms" not in r:
                cells.append("—")
                continue
            ours, bare, hand = r["page_sql_ms"], r["raw_sql_ms"], r["hand_sql_ms"]
            differ = "" if r["same_rows"] else " **different rows!**"
            cells.append(
                f"{_f(ours, 2)} / {_f(bare, 2)} / {_f(hand, 2)} "
                f"({_f(_ratio(ours, bare))}x / {_f(_ratio(ours, hand), 2)}x){differ}"
            )
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _side_by_side(results_dir: Path, first: str, last: str) -> list[str]:
    """The scaling ratio with both scales measured in alternation (bench/scaling.py)."""
    path = results_dir / f"{last}-scaling.json"
    if not path.exists():
        return []
    run = json.loads(path.read_text())
    lines = [
        f"Measured side by side ({run['rounds']} rounds each, alternating between a copy of the {first}"
        f" database and the {last} one, in one process: both under the same load; bench/scaling.py):",
        "",
        f"| persona | {first} p50 | {last} p50 | ratio | p50 of each round ({first}) | ({last})"
        " | tickets drawn |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, row in run["personas"].items():
        rounds = [" / ".join(_f(v) for v in row[f"{side}_rounds"]) for side in ("small", "large")]
        lines.append(
            f"| {key} | {_f(row['small_p50_ms'])} | {_f(row['large_p50_ms'])} | {_f(row['ratio'], 2)}x"
            f" | {rounds[0]} | {rounds[1]} | {row['drawn'][0]} / {row['drawn'][1]} |"
        )
    if any("(" in key for key in run["personas"]):
        lines += [
            "",
            "Rows in parentheses: Meus tickets with every status, newest first, which draws as many"
            " cards at both scales; the list page itself opens on a technician's open work, which"
            " grows with the data here (bench/scaling.py `SAME_PAGE`).",
        ]
    return [*lines, ""]


def write(labels, results_dir: Path, out: Path, command: str):
    runs = {}
    for label in labels:
        path = results_dir / f"{label}.json"
        if path.exists():
            runs[label] = json.loads(path.read_text())
            http = results_dir / f"{label}-http.json"
            runs[label]["http"] = json.loads(http.read_text()) if http.exists() else {"personas": {}}
            counted = results_dir / f"{label}-instructions.json"
            runs[label]["instructions"] = json.loads(counted.read_text()) if counted.exists() else None
            cpu = results_dir / f"{label}-cpu.json"
            runs[label]["cpu"] = json.loads(cpu.read_text()) if cpu.exists() else None
    first = runs[labels[0]] if labels[0] in runs else None
    lines = ["# Benchmark results", "", f"Made by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.", ""]
    lines += _machine(results_dir)
    lines += ["", TARGETS, ""]
    for label, run in runs.items():
        world = run["world"]
        top = ", ".join(f"{name}: {n:,}" for name, n in world["top_providers"])
        lines += [f"## {label}: {world['tickets']:,} tickets, {world['comments']:,} comments ({top})", ""]
        lines += [
            "| persona | sees | list p50 / p95 ms | queries | DB ms / request | page SQL ms"
            " | raw SQL ms | SQL ratio | HTTP req/s (per core) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for key, row in run["personas"].items():
            lst = row["list"]
            http = run["http"]["personas"].get(key, {})
            rps = f"{http['rps']:.0f} ({http['per_core']:.0f})" if http else "—"
            lines.append(
                f"| {key} | {row['sees']:,} | {_f(lst['p50_ms'])} / {_f(lst['p95_ms'])} | {lst['queries']} "
                f"| {_f(lst['db_p50_ms'])} | {_f(lst['page_sql_ms'], 2)} | {_f(lst['raw_sql_ms'], 2)} "
                f"| {_f(_ratio(lst['page_sql_ms'], lst['raw_sql_ms']))}x | {rps} |"
            )
        if run.get("http"):
            http = run["http"]
            lines += [
                "",
                f"HTTP: gunicorn, {http['workers']} sync workers, `wrk -t1 -c{http['connections']}`"
                f" for {http['seconds']} s per persona, on the same {http['cores']} cores as PostgreSQL.",
            ]
        lines += [
            "",
            "| persona | filtered (status + search) p50 / p95 ms, queries"
            " | search alone | the phone's search (open work by deadline + word)"
            " | deep page (n) p50 / p95 ms, queries | by priority (every status)"
            " | detail p50 / p95 ms, queries | allocation p50 / p95 ms, queries (by)"
            " | queue's bulk-allocation choices (htmx) p50 / p95 ms, queries |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for key, row in run["personas"].items():
            cells = []
            for name in (
                "filtered",
                "search",
                "phone_search",
                "deep",
                "sorted",
                "detail",
                "allocation",
                "bulk_choices",
            ):
                r = row.get(name)
                if not r:
                    cells.append("—")
                    continue
                cell = f"{_f(r['p50_ms'])} / {_f(r['p95_ms'])}, {r['queries']}"
                if name == "deep":
                    cell = f"(p.{row['deep_page']}) " + cell
                if name == "allocation":
                    cell += f" ({r['actor'].split('@')[0]})"
                cells.append(cell)
            lines.append(f"| {key} | " + " | ".join(cells) + " |")
        lines.append("")
        lines += _reports(run)
        lines += _sql_table(run)
        lines += _breakdown(run)
        lines += _cpu(run)
        lines += _instructions(run)
    if first and len(runs) > 1:
        last_label = list(runs)[-1]
        last = runs[last_label]
        lines += [f"## Scaling: list p50 at {last_label} / at {labels[0]}", ""]
        lines += [
            "| persona | " + " | ".join(runs) + " | ratio | tickets drawn (" + " / ".join(runs) + ") |",
            "|---|" + "---:|" * (len(runs) + 2),
        ]
        for key in last["personas"]:
            lists = [runs[lb]["personas"].get(key, {}).get("list", {}) for lb in runs]
            values = [lst.get("p50_ms") for lst in lists]
            ratio = _ratio(values[-1], values[0])
            counts = " / ".join(str(lst.get("drawn", "?")) for lst in lists)
            lines.append(
                f"| {key} | " + " | ".join(_f(v) for v in values) + f" | {_f(ratio, 2)}x | {counts} |"
            )
        lines += [
            "",
            "Tickets drawn: the rows or cards on that list page. Where a page draws fewer at 10k"
            " (a technician's open work grows with the data), the ratio compares pages that do"
            " not show the same amount.",
            "",
        ]
        lines += _side_by_side(results_dir, labels[0], last_label)
        lines += [f"## Plans at {last_label}", ""]
        for key, row in last["personas"].items():
            lines += [f"<details><summary>{key}: list page SQL (EXPLAIN ANALYZE)</summary>", "", "```"]
            lines += [row["list"]["plan"], "```", "", "Hand-written indexed query:", "", "```"]
            lines += [row["list"]["raw_plan"], "```", "</details>", ""]
            if row.get("detail_plan"):
                summary = f"<details><summary>{key}: one ticket through visible_tickets()</summary>"
                lines += [summary, "", "```"]
                lines += [row["detail_plan"], "```", "</details>", ""]
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


def machine_info(results_dir: Path):
    """Called by run.sh before measuring: what the machine and the database are."""
    from django.db import connection

    info = {}
    with connection.cursor() as cursor:
        for name in ("server_version", "shared_buffers", "work_mem", "jit"):
            cursor.execute(f"SHOW {name}")
            info["postgres" if name == "server_version" else name] = cursor.fetchone()[0]
    import django
    import gunicorn

    info["django"] = django.get_version()
    info["gunicorn"] = gunicorn.__version__
    try:
        info["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1]
    except (OSError, IndexError):
        info["wrk"] = "?"
    info["memory"] = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"
    info["load"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    results_dir.mkdir(parents=True, exist_ok=True)
    meta = results_dir / "machine.json"
    old = json.loads(meta.read_text()) if meta.exists() else {}
    if old.get("load"):
        info["load"] = f"{old['load'].split(' → ')[0]} → {info['load']}"
    meta.write_text(json.dumps(info, indent=1))
