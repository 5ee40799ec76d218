"""The authorization matrix, built from the URL resolver: every URL pattern ×
GET/POST × every persona × objects (own, same client, other client, nonexistent).

The expected outcome of each cell comes from the product rules written out below
by hand — deliberately not from tickets.access, so the test can disagree with it.
A meta-test fails when a URL pattern has no expectation. An invisible object must
answer byte-for-byte like a nonexistent one.

The Django admin is part of the matrix too (its rules are further down): it is
scoped per client by accounts/admin_scoping.py, and a client admin must meet
another client's rows exactly as rows that do not exist.
"""

import re
from dataclasses import dataclass
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
    "admin:login",  # the admin's sign-in page, open to all (axes throttles it like the other one)
}


REPORT_SLUG = "status"


def named_patterns(resolver=None, ns="", prefix=""):
    """(name, full route) of every URL pattern; a pattern without a name is named by its route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_ns = f"{ns}:{entry.namespace}".strip(":") if entry.namespace else ns
            yield from named_patterns(entry, child_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if entry.name is None:
                yield route, route
            else:
                yield (f"{ns}:{entry.name}" if ns else entry.name), route


def has_expectation(name, route):
    if name in PUBLIC:
        return True
    if route.startswith("admin/"):
        return admin_rule(name, route) is not None
    return name in SPEC


def test_every_url_pattern_has_an_expectation():
    patterns = list(named_patterns())
    assert [name for name, route in patterns if not has_expectation(name, route)] == []
    assert any(route.startswith("admin/") for _, route in patterns)  # the admin is in the matrix


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
def matrix_world(world, b_only_provider, django_capture_on_commit_callbacks):
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
    w = {**world, "attachment": comment.attachments.get(), "quotation": q, "invoice": invoice}
    w["reformas"] = b_only_provider  # a provider only the other client contracts
    w["admin_objects"] = admin_objects(w)
    return w


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


# ---- The admin ----------------------------------------------------------------------------
# Staff personas: the two client admins (each of one client) and the platform operator.
# Everyone else, logged in or not, is sent to the admin's login page (Django's behaviour:
# that page tells a signed-in person without staff status that they are not allowed).
ADMIN_CLIENT = {"client_admin": "sm", "other_client_admin": "banco"}
STAFF = {*ADMIN_CLIENT, "root"}
EVERYTHING = frozenset({"view", "add", "change", "delete"})
ADMIN_LOGIN = "/admin/login/"
ADMIN_INDEX = "/admin/"


@dataclass(frozen=True)
class AdminModel:
    """One registered model: its objects (key -> the clients whose admin reaches it) and
    what a client admin / the platform operator may do with it (view, add, change, delete)."""

    objects: dict
    client: frozenset = frozenset()
    platform: frozenset = EVERYTHING


SM, BANCO, BOTH, NOBODY = {"sm"}, {"banco"}, {"sm", "banco"}, set()
CLIENT_ROWS = {"sm": SM, "banco": BANCO}
AXES = AdminModel({"row": NOBODY}, platform=EVERYTHING - {"add"})  # attempts are logged, never typed in

# The product's rules for the admin (accounts/admin_permissions.py, the admin classes), by hand.
# In the admin a client admin acts on every row of their client: "own" and "same client"
# are one column, except for memberships, where their own row and a colleague's are both listed.
ADMIN_MODELS = {
    "accounts/clientcompany": AdminModel(CLIENT_ROWS, frozenset({"view"})),
    "accounts/clientmembership": AdminModel({"sm": SM, "sm_staff": SM, "banco": BANCO}, frozenset({"view"})),
    "accounts/unit": AdminModel(CLIENT_ROWS, frozenset({"view", "add", "change"})),
    "accounts/user": AdminModel({"sm": NOBODY, "banco": NOBODY}),  # platform operators only
    "auth/group": AdminModel({"sm": NOBODY, "banco": NOBODY}),  # gestor groups hold grants
    "providers/providercompany": AdminModel({"sm": SM, "shared": BOTH, "banco": BANCO}, frozenset({"view"})),
    # Tickets and history hang on a contract: deactivated, never deleted, by anyone.
    "providers/contract": AdminModel(
        CLIENT_ROWS, frozenset({"view", "add", "change"}), platform=EVERYTHING - {"delete"}
    ),
    "providers/providermember": AdminModel(CLIENT_ROWS, EVERYTHING),
    "providers/memberevent": AdminModel(CLIENT_ROWS, frozenset({"view"}), platform=frozenset({"view"})),
    "axes/accessattempt": AXES,
    "axes/accesslog": AXES,
    "axes/accessfailurelog": AXES,
}
MODEL_ROUTE = re.compile(
    r"^admin/(?P<app>\w+)/(?P<model>\w+)/"
    r"(?:(?P<add>add/)|<path:object_id>/(?:(?P<view>history|delete|change)/)?|(?P<password><id>/password/))?$"
)
# Site-wide admin pages: url name (or route) -> what a staff member gets.
ADMIN_SITE = {
    "admin:index": "page",
    "admin:app_list": "app",
    "admin:password_change": "page",
    "admin:password_change_done": "page",
    "admin:jsi18n": "page",
    "admin:autocomplete": "autocomplete",
    "admin:view_on_site": "view_on_site",
    "admin:logout": "logout",
    "admin/(?P<url>.*)$": "catch_all",
}


def admin_rule(name, route):
    """What the matrix knows about an admin pattern: ("site", kind) or ("model", label, view)."""
    if name in ADMIN_SITE:
        return "site", ADMIN_SITE[name]
    match = MODEL_ROUTE.match(route)
    if not match or f"{match['app']}/{match['model']}" not in ADMIN_MODELS:
        return None
    if match["password"]:
        view = "password" if name == "admin:auth_user_password_change" else None
    elif match["add"]:
        view = "add"
    elif "<path:object_id>" in route:
        view = match["view"] or "legacy"  # the pre-1.9 change URL, now a redirect to it
    else:
        view = "changelist"
    return ("model", f"{match['app']}/{match['model']}", view) if view else None


def admin_objects(w):
    """The admin rows of the world, per model: key -> object (see ADMIN_MODELS)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group

    from accounts.models import ClientMembership, Unit, User
    from providers.models import MemberEvent, ProviderMember

    attempt = {"user_agent": "matrix", "ip_address": "192.0.2.1", "username": "x@example.com"}
    tiago = {"user__email": "tecnico1@prestadora.demo"}
    return {
        "accounts/clientcompany": {"sm": w["supermercados"], "banco": w["banco"]},
        "accounts/clientmembership": {
            "sm": ClientMembership.objects.get(user=w["client_admin"]),
            "sm_staff": ClientMembership.objects.get(user=w["client_staff"]),
            "banco": ClientMembership.objects.get(user=w["other_client_admin"]),
        },
        "accounts/unit": {"sm": Unit.objects.get(code="LJ01"), "banco": Unit.objects.get(code="AG01")},
        "accounts/user": {"sm": w["tecnico2"], "banco": User.objects.get(email="gestor@reformas.demo")},
        "auth/group": {
            "sm": Group.objects.get(pk=w["clima_sm"].gestor_group_id),
            "banco": Group.objects.get(pk=w["clima_banco"].gestor_group_id),
        },
        "providers/providercompany": {"sm": w["eletrica"], "shared": w["clima"], "banco": w["reformas"]},
        "providers/contract": {"sm": w["clima_sm"], "banco": w["clima_banco"]},
        "providers/providermember": {
            "sm": ProviderMember.objects.get(contract=w["clima_sm"], **tiago),
            "banco": ProviderMember.objects.get(contract=w["clima_banco"], **tiago),
        },
        "providers/memberevent": {
            "sm": MemberEvent.objects.filter(contract=w["clima_sm"]).first(),
            "banco": MemberEvent.objects.filter(contract=w["clima_banco"]).first(),
        },
        "axes/accessattempt": {
            "row": AccessAttempt.objects.create(**attempt, failures_since_start=1, get_data="", post_data="")
        },
        "axes/accesslog": {"row": AccessLog.objects.create(**attempt)},
        "axes/accessfailurelog": {"row": AccessFailureLog.objects.create(**attempt)},
    }


def admin_paths(rule, route, w):
    """(object key or None, path, pk) for each object the admin route takes."""
    base = "/" + route
    if rule[0] == "site":
        kind = rule[1]
        if kind == "app":
            for app in sorted({label.split("/")[0] for label in ADMIN_MODELS}):
                yield app, f"/admin/{app}/", None
        elif kind == "autocomplete":
            yield None, base, None  # no field named: refused before any lookup
            yield "units", base + "?app_label=providers&model_name=contract&field_name=units", None
        elif kind == "view_on_site":
            from django.contrib.contenttypes.models import ContentType

            rows = {label: dict(objs) for label, objs in w["admin_objects"].items()}
            rows["tickets/ticket"] = {"sm": w["t1"], "banco": w["b1"]}
            for label, objs in rows.items():
                ct = ContentType.objects.get_for_model(next(iter(objs.values())))
                for key, obj in [*objs.items(), ("missing", None)]:
                    pk = obj.pk if obj else 987654
                    yield (label, key), f"/admin/r/{ct.pk}/{pk}/", pk
            yield ("nothing", "missing"), "/admin/r/987654/1/", 1
        elif kind == "catch_all":
            yield None, "/admin/no-such-page/", None
        else:
            yield None, base, None
        return
    _, label, view = rule
    if view in ("changelist", "add"):
        yield None, base, None
        return
    placeholder = "<id>" if view == "password" else "<path:object_id>"
    for key, obj in [*w["admin_objects"][label].items(), ("missing", None)]:
        pk = obj.pk if obj else 987654
        yield key, base.replace(placeholder, str(pk)), pk


def admin_expected(rule, obj, persona, method):
    """The set of answer kinds (see admin_kind) a cell may get."""
    if persona not in STAFF:
        return {"index"} if rule == ("site", "logout") else {"login"}
    if rule[0] == "site":
        kind = rule[1]
        if kind == "logout":
            return {405} if method == "get" else {"ok"}
        if kind == "app":  # an app where a client admin may do nothing is "not found" to them
            usable = any(model.client for label, model in ADMIN_MODELS.items() if label.startswith(f"{obj}/"))
            return {"ok"} if persona == "root" or usable else {404}
        if kind == "autocomplete":
            return {405} if method == "post" else {403} if obj is None else {"ok"}
        if kind in ("view_on_site", "catch_all"):
            return {404}  # no model has a page of its own to send anyone to
        return {"ok", 405} if kind == "page" else {"ok"}
    _, label, view = rule
    model = ADMIN_MODELS[label]
    caps = model.platform if persona == "root" else model.client
    reached = obj not in (None, "missing") and reaches(label, obj, persona)
    sees = bool(caps & {"view", "change"})
    if view == "changelist":
        return {"ok"} if sees else {403}
    if view == "add":
        return {"ok"} if "add" in caps else {403}
    if view == "legacy":
        return {"ok"}  # a redirect to the change page, whatever the id
    if view == "history":
        if not sees:
            return {403}
        return {"ok"} if reached else {"notfound"}
    if view == "change":
        if not sees:
            return {403}
        if not reached:
            return {"notfound"}
        return {"ok"} if method == "get" or "change" in caps else {403}
    if view == "delete":
        if "delete" not in caps:
            return {403}
        return {"ok"} if reached else {"notfound"}
    if view == "password":
        if "change" not in caps:
            return {403}
        return {"ok"} if reached else {404}
    raise AssertionError(view)


def reaches(label, obj, persona):
    return persona == "root" or ADMIN_CLIENT.get(persona) in ADMIN_MODELS[label].objects[obj]


def queued_messages(response):
    """Messages added while answering this request (not ones left over from earlier cells)."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def admin_kind(response):
    """The kind of answer: "login", "index", "notfound" (the admin's "does not exist"
    redirect to its index), "ok" (a page, or any other redirect) or the status code."""
    status = response.status_code
    if status == 200:
        return "ok"
    if status != 302:
        return status
    location = response["Location"]
    if location.startswith(ADMIN_LOGIN):
        return "login"
    if location == ADMIN_INDEX:
        return "notfound" if queued_messages(response) else "index"
    return "ok"


CSRF_TOKEN = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def admin_signature(response, pk):
    """The whole answer with the object's id and the CSRF token taken out."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    ident = str(pk).encode()
    body = CSRF_TOKEN.sub(rb"\1", body).replace(b"/" + ident + b"/", b"/ID/")
    location = response.get("Location", "").replace(f"/{pk}/", "/ID/")
    messages = [m.replace(f"\u201c{pk}\u201d", "\u201cID\u201d") for m in queued_messages(response)]
    return response.status_code, location, tuple(messages), body


def check_admin_pattern(client, w, name, route, mismatches):
    rule = admin_rule(name, route)
    for persona in PERSONAS:
        login(client, w, persona)
        answers = {}
        for obj, path, pk in admin_paths(rule, route, w):
            for method in ("get", "post"):
                want = admin_expected(rule, obj, persona, method)
                response = run_cell(client, method, path)
                got = admin_kind(response)
                if got not in want:
                    mismatches.append((name, persona, obj, method, got, sorted(map(str, want))))
                if pk is not None:
                    answers.setdefault(method, []).append((obj, admin_signature(response, pk)))
        for method, seen in answers.items():
            if rule[0] == "site":  # view_on_site: one answer for every object, found or not
                if persona in STAFF and len({sig for _, sig in seen}) > 1:
                    mismatches.append((name, persona, "invisible≠missing", method, None, None))
                continue
            missing = next(sig for obj, sig in seen if obj == "missing")
            for obj, sig in seen:
                if obj != "missing" and not reaches(rule[1], obj, persona) and sig != missing:
                    mismatches.append((name, persona, f"{obj}: invisible≠missing", method, None, None))


def run_cell(client, method, path):
    # Each cell runs in a savepoint that is rolled back: a POST that reallocates or
    # archives must not change the next cell's world.
    with transaction.atomic():
        response = getattr(client, method)(path)
        transaction.set_rollback(True)
    CHECKED["cells"] += 1
    return response


def test_the_authorization_matrix(matrix_world, client, capsys):
    w = matrix_world
    mismatches = []
    for name, route in named_patterns():
        if name in PUBLIC:
            continue
        if route.startswith("admin/"):
            check_admin_pattern(client, w, name, route, mismatches)
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
                    response = run_cell(client, method, path)
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
