"""Two or more measured runs side by side: ``python -m bench compare base tried``.

For A/B work: measure the same database once per variant (``python -m bench measure
--label base``, change one thing, ``--label tried``), then read every persona's
scenarios in one table. A variant can also be a PostgreSQL setting for the bench's
connections only, through libpq's environment: ``PGOPTIONS="-c random_page_cost=1.1"
python -m bench measure --label rpc``.
"""

import json
from pathlib import Path

SCENARIOS = (
    "list", "filtered", "search", "phone_search", "deep", "sorted", "detail", "allocation", "bulk_choices",
)  # fmt: skip


def _cell(measured) -> str:
    return f"{measured['p50_ms']:.1f} / {measured['p95_ms']:.1f}" if measured else "—"


def table(labels: list[str], results: Path) -> str:
    runs = {label: json.loads((results / f"{label}.json").read_text())["personas"] for label in labels}
    lines = [
        "p50 / p95 ms per request, in process",
        "",
        "| persona | scenario | " + " | ".join(labels) + " |",
        "|---|---|" + "---:|" * len(labels),
    ]
    for key in runs[labels[0]]:
        for scenario in SCENARIOS:
            cells = [_cell(runs[label].get(key, {}).get(scenario)) for label in labels]
            if any(cell != "—" for cell in cells):
                lines.append(f"| {key} | {scenario} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
