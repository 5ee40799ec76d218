"""Where a list request's time goes: the same page, timed part by part.

Wraps (for the duration of one measurement only) the pieces of tickets.views.lists
with timers and splits the wall time of each request into:

- ``sql``: every SQL statement, round trip included (connection.execute_wrapper);
- ``render``: template rendering, minus the SQL run while rendering (lazy choices);
- ``rows``: building the page (paging.paginate: the ORM compiling the page query and
  turning 26 rows and their relations into objects), minus its SQL;
- ``rest``: the remainder — request/response, middleware, session and user loading,
  the reach, the filter form (each minus its SQL).

The numbers are medians over the requests, so the parts need not add up exactly.
"""

import statistics
import time
from collections import defaultdict
from contextlib import contextmanager

from django.db import connection

import tickets.views.lists as lists


class Clock:
    def __init__(self):
        self.parts = defaultdict(float)
        self.sql = 0.0
        self.active = []  # the parts being timed now (nested)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.sql += spent
            for name in self.active:
                self.parts[f"{name}_sql"] += spent


@contextmanager
def _wrapped(clock, module, name, part):
    original = getattr(module, name)

    def timed(*args, **kwargs):
        clock.active.append(part)
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            clock.parts[part] += time.perf_counter() - started
            clock.active.pop()

    setattr(module, name, timed)
    try:
        yield
    finally:
        setattr(module, name, original)


def breakdown(client, url, iterations=30):
    samples = defaultdict(list)
    for i in range(iterations + 3):
        clock = Clock()
        with (
            _wrapped(clock, lists, "render", "render"),
            _wrapped(clock, lists, "paginate", "rows"),
            connection.execute_wrapper(clock),
        ):
            started = time.perf_counter()
            response = client.get(url)
            total = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if i < 3:  # warm-up
            continue
        render = clock.parts["render"] - clock.parts["render_sql"]
        rows = clock.parts["rows"] - clock.parts["rows_sql"]
        for name, seconds in {
            "total": total,
            "sql": clock.sql,
            "render": render,
            "rows": rows,
            "rest": total - clock.sql - render - rows,
        }.items():
            samples[name].append(seconds * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}
