"""Requests per second over HTTP: gunicorn serving the app, wrk loading one list page.

Only loopback addresses are used; every run is bounded in time.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from .personas import load_personas

ROOT = Path(__file__).resolve().parent.parent


def session_cookie(user) -> str:
    """A logged-in session, made the way django.contrib.auth.login makes it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def wait_for(url, cookie, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
                return response.status
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url}")


def wrk(url, cookie, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", out)
    return {
        "rps": rps,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "latency_p50": f"{p50.group(1)}{p50.group(2)}" if p50 else "",
    }


def run(label: str, out: Path, workers: int, seconds: int, connections: int, port: int, only=None) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    env = dict(os.environ)
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "trilogo.wsgi",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    results = {
        "label": label,
        "workers": workers,
        "seconds": seconds,
        "connections": connections,
        "cores": os.cpu_count(),
        "personas": {},
    }
    try:
        for persona in load_personas():
            if only and persona.key not in only:
                continue
            cookie = session_cookie(persona.user)
            url = f"http://127.0.0.1:{port}{persona.list_url}"
            status = wait_for(url, cookie)
            if status != 200:
                raise RuntimeError(f"{url} answered {status}")
            wrk(url, cookie, 2, connections)  # warm every worker
            measured = wrk(url, cookie, seconds, connections)
            measured["per_core"] = measured["rps"] / (os.cpu_count() or 1)
            results["personas"][persona.key] = measured
            print(f"{label:>6} {persona.key:24} {measured['rps']:7.1f} req/s over HTTP", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    return results
