"""CPU per list request, split between the Django process and its PostgreSQL backend.

Requests per second on a machine that also runs the database are bounded by the
CPU one request takes on both sides: 150 req/s per core is 6.7 ms in all. This
serves each persona's list page through Django's WSGI handler, as gunicorn calls
it, and reads the process's CPU time and its PostgreSQL backend's (from
/proc/<pid>/stat of ``pg_backend_pid()``: the database must run on this machine).
"""

import json
import os
import time
from pathlib import Path

from django.db import connection

from .instructions import serve
from .personas import ROSTER


def _backend() -> tuple[int, float]:
    """The PostgreSQL backend serving this thread's connection, and its CPU seconds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run(label: str, out: Path, requests: int, only=None) -> dict:
    results = {"label": label, "requests": requests, "personas": {}}
    # One connection for the whole run: with the settings' CONN_MAX_AGE (60 s) a slow
    # machine's run outlives it, and a new backend's CPU would be read from zero.
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = None
    for key, _label, _url in ROSTER:
        if only and key not in only:
            continue
        one = serve(key, 0)  # logged in and warmed up
        python, (pid, database) = time.process_time(), _backend()
        for _ in range(requests):
            one()
        python = (time.process_time() - python) / requests * 1000
        same_pid, spent = _backend()
        if same_pid != pid:
            raise SystemExit("the database connection changed between requests: its CPU cannot be read")
        database = (spent - database) / requests * 1000
        results["personas"][key] = {"python_ms": python, "postgresql_ms": database}
        print(f"{label:>6} {key:24} CPU per list request: Python {python:5.2f} ms, "
              f"PostgreSQL {database:5.2f} ms", flush=True)  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    return results
