"""A small crawler for leak tests: every page a person can reach by following
links from their pages, plus every URL pattern filled with given ids."""

import re
from itertools import product

from django.urls import URLPattern, URLResolver, get_resolver

HREF = re.compile(r'(?:href|src|action|hx-get)="(/[^"#]*)"')
SKIP_PREFIXES = ("/static/", "/admin/", "/conta/sair/", "/i18n/")


def url_patterns(resolver=None, prefix=""):
    """(route template, converter names) for every pattern, e.g. ('tickets/<int:pk>/', ['pk'])."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, list(entry.pattern.converters)


def fill_patterns(ids, slugs=()):
    """Concrete paths for every pattern: each <int:x> takes every id given, each <slug:x> every slug."""
    for route, _names in url_patterns():
        if route.startswith(("admin/", "^admin")):
            continue
        parts = re.findall(r"<(\w+):(\w+)>", route)
        choices = [ids if kind == "int" else slugs for kind, _name in parts]
        for values in product(*choices):
            path = route
            for (kind, name), value in zip(parts, values, strict=True):
                path = path.replace(f"<{kind}:{name}>", str(value), 1)
            if "<" not in path and "^" not in path:
                yield "/" + path


def crawl(client, starts, extra=(), limit=400):
    """GET every page reachable from ``starts`` by links, and every path in ``extra``.
    Returns {path: body} for every answer (whatever its status)."""
    seen, bodies = set(), {}
    queue = list(starts) + list(extra)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        seen.add(path)
        response = client.get(path)
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace") if "text" in content_type or "json" in content_type else ""
        bodies[path] = text or body.decode("latin-1")
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])
        for link in HREF.findall(text):
            link = link.replace("&amp;", "&")
            if link not in seen:
                queue.append(link)
    return bodies
