"""The authorization matrix, built from the URL resolver: every URL pattern ×
GET/POST × every persona × objects (own, same client, other client, nonexistent).

The expected outcome of each cell comes from the product rules written out below
by hand — deliberately not from tickets.access, so the test can disagree with it.
A meta-test fails when a URL pattern has no expectation. An invisible object must
answer byte-for-byte like a nonexistent one.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

CHECKED = {"cells": 0}

PERSONAS = (
    "anonymous",
    "tecnico1",
    "tecnico2",
    "other_tecnico",
    "gestor",
    "other_gestor",
    "client_staff",
    "client_admin",
    "other_client_admin",
    "root",
)
TICKETS = ("t1", "t2", "t3", "t4", "t5", "b1", "missing")
SM = ("t1", "t2", "t3", "t4", "t5")

# Who holds which role on which ticket (the product's rules, by hand).
ROLE = {("root", t): "platform" for t in SM + ("b1",)}
ROLE.update({("gestor", t): "gestor" for t in ("t1", "t2", "t3")})
ROLE.update({("client_staff", t): "client" for t in SM})
ROLE.update({("client_admin", t): "client" for t in SM})
ROLE.update(
    {
        ("tecnico1", "t1"): "executante",
        ("tecnico1", "b1"): "gestor",
        ("tecnico2", "t2"): "executante",
        ("other_gestor", "t4"): "gestor",
        ("other_tecnico", "t4"): "executante",
        ("other_client_admin", "b1"): "client",
    }
)

ALLOWED = {
    "view": {"client", "gestor", "executante", "platform"},
    "comment": {"client", "gestor", "executante"},
    "tag": {"client", "gestor", "executante"},
    "set_deadline": {"client", "gestor", "executante"},
    "attach": {"client", "gestor", "executante"},
    "execute": {"gestor", "executante"},
    "allocate": {"gestor"},
    "duplicate": {"client", "gestor"},
    "relate": {"client", "gestor"},
    "send": {"client"},
    "inspect": {"client"},
    "reopen": {"client"},
    "archive": {"client"},
    "pdf": {"client", "gestor", "platform"},
    # Finance: the Executante and outsiders get 404, never 403.
    "finance_view": {"client", "gestor", "platform"},
    "finance_quote": {"gestor"},
    "finance_decide": {"client"},
    "finance_cost": {"gestor"},
}
FINANCE_VISIBLE = ALLOWED["finance_view"]
TRANSITION_ACTION = {
    "iniciar": "execute",
    "pausar": "execute",
    "impedir": "execute",
    "finalizar": "execute",
    "vistoriar": "inspect",
    "reabrir": "reopen",
    "arquivar": "archive",
}

GESTORES = {"gestor", "tecnico1", "other_gestor"}
CLIENT_STAFF = {"client_staff", "client_admin", "other_client_admin"}
LOGGED_IN = set(PERSONAS) - {"anonymous"}
OK = frozenset({200, 302, 400, 405})  # allowed: a page, a redirect, a form error, or the wrong method

# url name -> (scope, action or who, methods that are "the" method)
SPEC = {
    "tickets:detail": ("ticket", "view"),
    "tickets:allocate": ("ticket", "allocate"),
    "tickets:send": ("ticket", "send"),
    "tickets:comment": ("ticket", "comment"),
    "tickets:deadline": ("ticket", "set_deadline"),
    "tickets:tags": ("ticket", "tag"),
    "tickets:duplicate": ("ticket", "duplicate"),
    "tickets:relate": ("ticket", "relate"),
    "tickets:attach": ("ticket", "attach"),
    "tickets:attachment": ("ticket_child", "view"),
    "tickets:transition": ("transition", None),
    "tickets:pdf": ("ticket_hidden", "pdf"),
    "quotations:overview": ("finance", "finance_view"),
    "quotations:quotation_new": ("finance", "finance_quote"),
    "quotations:cost_new": ("finance", "finance_cost"),
    "quotations:invoice_new": ("finance", "finance_cost"),
    "quotations:quotation_edit": ("finance_child", "finance_quote"),
    "quotations:quotation_send": ("finance_child", "finance_quote"),
    "quotations:quotation_decide": ("finance_child", "finance_decide"),
    "quotations:quotation_file": ("finance_child", "finance_view"),
    "quotations:invoice_file": ("finance_child", "finance_view"),
    "tickets:home": ("people", LOGGED_IN),
    "tickets:mine": ("people", LOGGED_IN),
    "tickets:queue": ("people", GESTORES),
    "tickets:bulk_allocate": ("people", GESTORES),
    "tickets:client_list": ("people", CLIENT_STAFF),
    "tickets:new": ("people", CLIENT_STAFF),
    "tickets:pdf_selection": ("people", GESTORES | CLIENT_STAFF),
    "tickets:reports": ("people", GESTORES | CLIENT_STAFF),
    "tickets:report_csv": ("people", GESTORES | CLIENT_STAFF),
    "tickets:report_xlsx": ("people", GESTORES | CLIENT_STAFF),
    "tickets:pdf_job": ("own_job", None),
    "tickets:pdf_job_file": ("own_job", None),
    "password_change": ("people", LOGGED_IN),
    "password_change_done": ("people", LOGGED_IN),
}
# Endpoints that refuse a GET before looking at any object: 405 for everyone logged
# in, whatever the object (so it tells nothing about it either).
POST_ONLY = {
    "tickets:send",
    "tickets:comment",
    "tickets:deadline",
    "tickets:tags",
    "tickets:duplicate",
    "tickets:relate",
    "tickets:attach",
    "tickets:transition",
    "tickets:bulk_allocate",
}
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}


REPORT_SLUG = "status"


def named_patterns(resolver=None, ns="", prefix=""):
    """(name, full route) of every URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # the admin has its own scoped tests (accounts/, providers/)
            child_ns = f"{ns}:{entry.namespace}".strip(":") if entry.namespace else ns
            yield from named_patterns(entry, child_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield (f"{ns}:{entry.name}" if ns else entry.name), prefix + str(entry.pattern)


def test_every_url_pattern_has_an_expectation():
    missing = [name for name, _ in named_patterns() if name not in SPEC and name not in PUBLIC]
    assert missing == []


def expected(scope, action, persona, obj, child_owned=True):
    if persona == "anonymous":
        return {302}
    role = ROLE.get((persona, obj))
    if scope == "people":
        return OK if persona in action else {404}
    if scope == "own_job":
        return {404}  # nobody's job exists in this world
    if role is None:
        return {404}
    if scope in ("finance", "finance_child"):
        if role not in FINANCE_VISIBLE:
            return {404}
        if role not in ALLOWED[action]:
            return {403}
        if scope == "finance_child" and not child_owned:
            return {404, 405}  # another ticket's quotation: not found (a GET may meet the method check first)
        return OK
    if scope == "ticket_child":
        return OK if child_owned and role in ALLOWED[action] else {404}
    if scope == "ticket_hidden":
        return OK if role in ALLOWED[action] else {404}
    return OK if role in ALLOWED[action] else {403}


def pdf_upload(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf")


@pytest.fixture
def matrix_world(world, django_capture_on_commit_callbacks):
    from quotations import services as finance
    from tickets import services as ticket_services
    from tickets.demo import demo_photo

    t1 = world["t1"]
    with django_capture_on_commit_callbacks(execute=True):
        comment = ticket_services.comment_add(
            ticket=t1, author=world["gestor"], body="foto", files=[demo_photo()]
        )
        q = finance.quotation_save(
            ticket=t1,
            by=world["gestor"],
            items=[{"description": "x", "quantity": Decimal("1"), "unit_price": Decimal("1")}],
            upload=pdf_upload("cotacao.pdf"),
        )
        finance.quotation_send(quotation=q, by=world["gestor"])
        ticket_services.ticket_start(ticket=world["t2"], by=world["tecnico2"])
    ticket_services.ticket_finish(ticket=world["t2"], by=world["tecnico2"])
    invoice = finance.invoice_add(
        ticket=world["t2"],
        by=world["gestor"],
        number="1",
        issue_date="2026-12-01",
        amount=Decimal("1"),
        issuer_cnpj="77.888.999/0001-81",
        upload=pdf_upload("nota.pdf"),
    )
    return {**world, "attachment": comment.attachments.get(), "quotation": q, "invoice": invoice}


def paths_for(route, w):
    """(object, path, child_owned) for each object the route takes."""
    base = "/" + route
    if "<int:pk>" not in route:
        for key, value in (("<slug:report>", REPORT_SLUG), ("<int:job_id>", "424242")):
            base = base.replace(key, value)
        yield None, base, True
        return
    for obj in TICKETS:
        pk = w[obj].pk if obj != "missing" else 987654
        path = base.replace("<int:pk>", str(pk))
        owner = {"attachment_pk": ("attachment", "t1"), "qid": ("quotation", "t1"), "iid": ("invoice", "t2")}
        child_owned = True
        for key, (child, owner_ticket) in owner.items():
            if f"<int:{key}>" in path:
                path = path.replace(f"<int:{key}>", str(w[child].pk))
                child_owned = obj == owner_ticket
        if "<int:job_id>" in path:
            path = path.replace("<int:job_id>", "424242")
        if "<slug:action>" in path:
            for slug, action in TRANSITION_ACTION.items():
                yield (obj, action), path.replace("<slug:action>", slug), True
            continue
        if "<slug:report>" in path:
            path = path.replace("<slug:report>", "status")
        if "<" in path:
            continue
        yield obj, path, child_owned


def login(client, w, persona):
    client.logout()
    if persona != "anonymous":
        client.force_login(w[persona])


def test_the_authorization_matrix(matrix_world, client, capsys):
    w = matrix_world
    mismatches = []
    for name, route in named_patterns():
        if name in PUBLIC:
            continue
        scope, action = SPEC[name]
        for persona in PERSONAS:
            login(client, w, persona)
            bodies = {}
            for obj, path, child_owned in paths_for(route, w):
                act = action
                if isinstance(obj, tuple):
                    obj, act = obj
                if scope == "people" or obj is None:
                    want = expected(scope, action, persona, None)
                else:
                    want = expected(
                        scope if scope != "transition" else "ticket", act, persona, obj, child_owned
                    )
                for method in ("get", "post"):
                    cell_want = (
                        {405} if method == "get" and name in POST_ONLY and persona != "anonymous" else want
                    )
                    # Each cell runs in a savepoint that is rolled back: a POST that
                    # reallocates or archives must not change the next cell's world.
                    with transaction.atomic():
                        response = getattr(client, method)(path)
                        transaction.set_rollback(True)
                    CHECKED["cells"] += 1
                    got = response.status_code
                    if got not in cell_want:
                        mismatches.append((name, persona, obj, method, got, sorted(cell_want)))
                    if got == 404 and persona != "anonymous":
                        body = (
                            b"".join(response.streaming_content) if response.streaming else response.content
                        )
                        bodies.setdefault((method, obj == "missing"), set()).add(body)
            for method in ("get", "post"):
                invisible, missing = bodies.get((method, False), set()), bodies.get((method, True), set())
                if invisible and missing and invisible != missing:
                    mismatches.append((name, persona, "invisible≠missing", method, None, None))
    with capsys.disabled():
        print(f"\nauthorization matrix: {CHECKED['cells']} cells checked, {len(mismatches)} mismatches")
    from collections import Counter

    summary = Counter((m[0], m[1], m[3], m[4], str(m[5])) for m in mismatches)
    assert not mismatches, "\n".join(f"{n}× {k}" for k, n in summary.most_common(40))
