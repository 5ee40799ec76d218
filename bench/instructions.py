"""Instructions per list request, counted by valgrind's callgrind.

Milliseconds on a shared machine move by 20-30 % from run to run; an instruction
count does not (the same code, data and interpreter give the same count whatever
else the machine is doing), so it compares two versions of the code on any day and
any machine of the same kind. It counts the Django process only (the app, Django,
psycopg2's side of each query); PostgreSQL's work is in the EXPLAIN figures.

For each persona, the list page is served ``FEW`` and ``FEW + requests`` times
after a warm-up, through Django's WSGI handler as gunicorn calls it, in two runs
under callgrind; the difference divided by ``requests`` is what one more request
costs, start-up and warm-up left out.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .personas import ROSTER

ROOT = Path(__file__).resolve().parent.parent
FEW = 5
WARMUP = 10


def serve(key: str, count: int, page: str = "list"):
    """Serve ``key``'s list page (``page="detail"``: the ticket page of his newest
    ticket) ``count`` times after a warm-up (the child process of a count); returns
    the function that serves it once more."""
    from django.core.handlers.wsgi import WSGIHandler

    from .http import session_cookie
    from .personas import load_personas

    persona = next(p for p in load_personas() if p.key == key)
    cookie = session_cookie(persona.user)
    app = WSGIHandler()
    url = persona.list_url if page == "list" else f"/tickets/{persona.detail_ids[0]}/"
    path, _, query = url.partition("?")

    def one():
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "HTTP_COOKIE": cookie, "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
        }  # fmt: skip
        status = []
        b"".join(app(environ, lambda s, headers, exc_info=None: status.append(s)))
        if not status[0].startswith("200"):
            raise RuntimeError(f"{url} answered {status[0]}")

    for _ in range(WARMUP + count):
        one()
    return one


def _count(key: str, requests: int, page: str) -> int:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",  # noqa: S607 - Debian's valgrind
         sys.executable, "-m", "bench", "serve", key, str(requests), "--page", page],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same dict and set orders every run
    ).stderr  # fmt: skip
    return int(re.search(r"Collected : (\d+)", out).group(1))


def run(label: str, out: Path, requests: int, only=None, page: str = "list") -> dict:
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is missing: apt-get install valgrind")
    results = {"label": label, "requests": requests, "page": page, "personas": {}}
    for key, _label, _url in ROSTER:
        if only and key not in only:
            continue
        per_request = (_count(key, FEW + requests, page) - _count(key, FEW, page)) / requests
        results["personas"][key] = {"instructions": per_request}
        print(f"{label:>6} {key:24} {per_request / 1e6:7.1f} M instructions per {page} request", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    return results
