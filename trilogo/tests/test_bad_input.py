"""Bad input never causes a server error: property-based tests over every form and
list filter (hypothesis, 200 examples each), plus XSS payloads that must come out escaped."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "99999999999999999999",
        "1e9999",
        "NaN",
        "1.234,56",
        "12,3,4",
        "2026-02-30",
        "31/12/2026",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\x00",
        "🙂" * 50,
        '=HYPERLINK("http://x")',
        "a" * 6000,
        "__proto__",
        "id__gt",
        "-created_at",
    ]
)
VALUE = st.one_of(NASTY, st.text(max_size=60), st.integers(min_value=-(2**63), max_value=2**63).map(str))
EXAMPLES = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fields(*names):
    return st.fixed_dictionaries({}, optional={name: VALUE for name in names})


def assert_no_server_error(response):
    assert response.status_code < 500, response.status_code


TICKET_FORMS = {
    "comment": ("body",),
    "deadline": ("deadline", "version"),
    "tags": ("tags",),
    "relate": ("number",),
    "allocate": ("executante", "version"),
    "send": ("contract", "version"),
}


@pytest.mark.parametrize("name", sorted(TICKET_FORMS))
def test_ticket_forms_survive_any_input(world, client, name):
    user = world["client_staff"] if name == "send" else world["gestor"]
    client.force_login(user)
    url = reverse(f"tickets:{name}", args=[world["t1"].pk])

    @EXAMPLES
    @given(data=fields(*TICKET_FORMS[name]))
    def run(data):
        assert_no_server_error(client.post(url, data))

    run()


@pytest.mark.parametrize(
    "action", ["iniciar", "pausar", "impedir", "finalizar", "vistoriar", "reabrir", "arquivar"]
)
def test_transitions_survive_any_input(world, client, action):
    client.force_login(
        world["tecnico1"]
        if action in {"iniciar", "pausar", "impedir", "finalizar"}
        else world["client_staff"]
    )
    url = reverse("tickets:transition", args=[world["t1"].pk, action])

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        data=fields("version", "reason", "pause-reason", "block-reason", "finish-comment", "finish-version")
    )
    def run(data):
        assert_no_server_error(client.post(url, data))

    run()


FILTER_KEYS = (
    "q",
    "status",
    "client",
    "unit",
    "executante",
    "priority",
    "category",
    "tag",
    "overdue",
    "unallocated",
    "created_from",
    "created_to",
    "sort",
    "page",
    "unit__client__name",
    "password",
)


@pytest.mark.parametrize(
    ("persona", "page"), [("gestor", "queue"), ("client_staff", "client_list"), ("tecnico1", "mine")]
)
def test_list_filters_survive_any_input(world, client, persona, page):
    client.force_login(world[persona])
    url = reverse(f"tickets:{page}")

    @EXAMPLES
    @given(params=fields(*FILTER_KEYS))
    def run(params):
        response = client.get(url, params)
        assert response.status_code == 200

    run()


def test_new_ticket_form_survives_any_input(world, client):
    client.force_login(world["client_staff"])
    url = reverse("tickets:new")

    @EXAMPLES
    @given(
        data=fields("title", "unit", "area", "category", "priority", "description", "contract", "deadline")
    )
    def run(data):
        assert_no_server_error(client.post(url, data))

    run()


FINANCE_FORMS = {
    "quotation_new": (
        "freight",
        "valid_until",
        "notes",
        "items-TOTAL_FORMS",
        "items-INITIAL_FORMS",
        "items-0-description",
        "items-0-quantity",
        "items-0-unit_price",
    ),
    "cost_new": ("kind", "amount", "freight", "document_number", "issue_date", "due_date", "description"),
    "invoice_new": ("number", "series", "issue_date", "amount", "issuer_cnpj", "costs"),
}


@pytest.mark.parametrize("name", sorted(FINANCE_FORMS))
def test_finance_forms_survive_any_input(world, client, name):
    client.force_login(world["gestor"])
    url = reverse(f"quotations:{name}", args=[world["t1"].pk])

    @EXAMPLES
    @given(data=fields(*FINANCE_FORMS[name]))
    def run(data):
        assert_no_server_error(client.post(url, data))

    run()


def test_login_and_password_reset_survive_any_input(client):
    @EXAMPLES
    @given(data=fields("username", "password", "email"))
    def run(data):
        assert_no_server_error(client.post(reverse("login"), data))
        assert_no_server_error(client.post(reverse("password_reset"), data))

    run()


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_in_every_ticket_text_comes_out_escaped(world, client, django_capture_on_commit_callbacks):
    from django.core import mail

    from tickets import services

    t1 = world["t1"]
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_tags(ticket=t1, names=[XSS[:40]], by=world["gestor"])
        services.comment_add(ticket=t1, author=world["gestor"], body=XSS)
        services.ticket_block(ticket=t1, by=world["tecnico1"], reason=XSS)
        copy = services.ticket_duplicate(ticket=t1, by=world["gestor"])
        from tickets.models import Ticket

        Ticket.objects.filter(pk=copy.pk).update(title=XSS, description=XSS)
        services.ticket_allocate(ticket=copy, executante=world["tecnico2"], by=world["gestor"])
    client.force_login(world["gestor"])
    for url in (
        reverse("tickets:detail", args=[t1.pk]),
        reverse("tickets:detail", args=[copy.pk]),
        reverse("tickets:queue"),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url
    # Plain-text e-mails carry the text as text, never as markup to render.
    assert all(m.content_subtype == "plain" for m in mail.outbox)
