"""List p50 at the smallest and the largest scale, measured side by side.

bench/run.sh measures each scale as the database grows to it, so the 10k pages are
timed some twenty minutes before the 1M ones, and on a machine shared with other
work p50 moves by 20-30 % in that time: the ratio of two such numbers says as much
about the machine's load as about the code. Here a copy of the smallest database,
kept when it was measured, and the largest are measured in alternation, ``rounds``
times each in one process, and each persona's p50 is taken over all the rounds of
one database: both scales under the same load.
"""

import json
import statistics
from pathlib import Path

from django.db import connection
from django.test import Client

from .measure import drawn, sample_gets
from .personas import load_personas


def _use(name: str):
    """Point the default database at ``name`` (a new connection on next use)."""
    connection.close()
    connection.settings_dict["NAME"] = name


# Meus tickets opens on a technician's open work, which in this world grows with the
# data (2 cards at 10k, 25 at 1M for executante_big): its ratio mixes a bigger page
# with a bigger database. Every status, newest first, draws a full page at both
# scales, so that row compares the same page.
SAME_PAGE = ("?sort=recent", "every status, newest first")


def _pages(persona) -> list[tuple[str, str]]:
    """(key, url) of the pages timed for ``persona``: its list page, and for Meus
    tickets the same page at both scales (SAME_PAGE)."""
    pages = [(persona.key, persona.scenarios["list"])]
    if persona.scope == "mine":
        query, what = SAME_PAGE
        pages.append((f"{persona.key} ({what})", persona.list_url + query))
    return pages


def _time_list(persona, url: str, iterations: int, warmup: int) -> tuple[list[float], int]:
    client = Client()
    client.force_login(persona.user)
    ms = [sample[0] * 1000 for sample in sample_gets(client, [url], iterations, warmup)]
    return ms, drawn(client, url)


def run(label: str, out: Path, small: str, rounds: int, iterations: int, warmup: int = 10, only=None) -> dict:
    large = connection.settings_dict["NAME"]
    samples = {small: {}, large: {}}
    drawn_on = {small: {}, large: {}}
    try:
        for round_ in range(rounds):
            for name in (small, large):
                _use(name)
                for persona in load_personas():
                    if only and persona.key not in only:
                        continue
                    for key, url in _pages(persona):
                        ms, count = _time_list(persona, url, iterations, warmup)
                        samples[name].setdefault(key, []).extend(ms)
                        drawn_on[name][key] = count
                print(f"{label:>6} round {round_ + 1}/{rounds} on {name} done", flush=True)
    finally:
        _use(large)
    results = {"label": label, "small": small, "large": large, "rounds": rounds, "personas": {}}
    for key, ms in samples[large].items():
        small_p50 = statistics.median(samples[small][key])
        large_p50 = statistics.median(ms)
        results["personas"][key] = {
            "small_p50_ms": small_p50,
            "large_p50_ms": large_p50,
            "ratio": large_p50 / small_p50,
            "drawn": [drawn_on[small][key], drawn_on[large][key]],
            # p50 of each round, to show how far one round moves from the next
            "small_rounds": [
                statistics.median(samples[small][key][i : i + iterations])
                for i in range(0, len(samples[small][key]), iterations)
            ],
            "large_rounds": [
                statistics.median(ms[i : i + iterations]) for i in range(0, len(ms), iterations)
            ],
        }
        print(f"{label:>6} {key:24} {small_p50:6.1f} ms -> {large_p50:6.1f} ms: {large_p50 / small_p50:.2f}x")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    return results
