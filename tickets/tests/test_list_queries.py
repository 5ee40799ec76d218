"""Every list page runs a constant number of SQL queries, whatever the number of
tickets and the page size: session, user, reach, the page (its capped count rides
along), its tags and, when the whole page is drawn, the filter choices. Six at most.

Timings are never asserted here; bench/ measures them.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from providers.models import Contract
from tickets import paging, services
from tickets.models import Category
from tickets.tests.fixtures import statements

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6

# (persona, list page): each list with the persona who works from it, and the
# person who is Gestor under one client and Executante under another.
PAGES = [
    ("client_staff", "tickets:client_list"),
    ("gestor", "tickets:queue"),
    ("tecnico1", "tickets:mine"),
    ("tecnico1", "tickets:queue"),
]
VARIANTS = {
    "plain": {},
    "page 2": {"page": "2"},  # with 4 a page, a middle page both with 5 and with 60 tickets
    "deep, past the end": {"page": "400"},
    "status and search": {"status": ["aberto", "em_execucao"], "q": "refletor"},
    "sorted": {"sort": "deadline"},  # merged per contract (filters.HISTORY_SORTS)
    "sorted, closed": {"sort": "updated", "status": "arquivado"},
}


def _make(demo, count):
    """``count`` tickets in each reach: Supermercados for Clima (allocated to tecnico1,
    tagged) and Banco Modelo for Clima (where tecnico1 is Gestor)."""
    sm, banco = demo["supermercados"], demo["banco"]
    clima_sm = Contract.objects.get(client=sm, provider=demo["clima"])
    clima_banco = Contract.objects.get(client=banco, provider=demo["clima"])
    sm_unit, banco_unit = sm.units.first(), banco.units.first()
    category, _ = Category.objects.get_or_create(client=sm, name="Iluminação")
    for i in range(count):
        ticket = services.ticket_create(
            client=sm, requester=demo["client_admin"], title=f"Refletor {i}", unit=sm_unit,
            category=category, contract=clima_sm,
        )  # fmt: skip
        services.ticket_allocate(ticket=ticket, executante=demo["tecnico1"], by=demo["gestor"])
        if i % 2:
            services.ticket_set_tags(ticket=ticket, names=[f"tag{i % 3}"], by=demo["gestor"])
        services.ticket_create(
            client=banco, requester=demo["other_client_admin"], title=f"Agência {i}", unit=banco_unit,
            contract=clima_banco,
        )  # fmt: skip


def _queries(client, url, params, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params, **headers)
    assert response.status_code == 200, (url, params, response.status_code)
    return statements(captured)


def _count_all(client, demo, persona, page):
    client.force_login(demo[persona])
    url = reverse(page)
    counts = {}
    for name, params in VARIANTS.items():
        counts[name] = _queries(client, url, params)
        counts[f"{name} (htmx)"] = _queries(
            client, url, params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ticket-list"
        )
    return counts


@pytest.mark.parametrize(("persona", "page"), PAGES)
@pytest.mark.parametrize("page_size", [4, 3])
def test_it_runs_the_same_few_queries_for_5_and_60_tickets(
    demo, client, monkeypatch, django_capture_on_commit_callbacks, persona, page, page_size
):
    monkeypatch.setattr(paging, "PAGE_SIZE", page_size)
    with django_capture_on_commit_callbacks(execute=False):
        _make(demo, 5)
    few = _count_all(client, demo, persona, page)
    with django_capture_on_commit_callbacks(execute=False):
        _make(demo, 55)
    many = _count_all(client, demo, persona, page)

    assert few == many
    # A page past the end (an old link) looks up where the list ends, then shows the last page.
    assert all(n <= MAX_QUERIES for name, n in many.items() if not name.startswith("deep")), many
    assert max(many.values()) <= MAX_QUERIES + 2


@pytest.mark.parametrize(("persona", "page"), PAGES)
def test_a_full_page_of_25_costs_what_a_page_of_5_does(demo, client, persona, page):
    _make(demo, 5)
    few = _count_all(client, demo, persona, page)
    _make(demo, 25)
    many = _count_all(client, demo, persona, page)
    assert many["plain"] == few["plain"] <= MAX_QUERIES
    assert many["status and search"] == few["status and search"] <= MAX_QUERIES


PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "more-filters-body"}
BULK_CHOICES = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "bulk-executante"}


def _form(client, url, params=None):
    """The filter form with every dropdown: the "More filters" panel's fragment."""
    response = client.get(url, params or {}, **PANEL)
    assert response.status_code == 200
    return response.context["filter"].form


@pytest.mark.parametrize(("persona", "page"), PAGES)
def test_the_fragments_cost_a_constant_few_queries(demo, client, persona, page):
    """The "More filters" panel and the queue's bulk-allocation choices load apart from
    the page: session, user, reach and one query of choices each."""
    _make(demo, 3)
    client.force_login(demo[persona])
    url = reverse(page)
    fragments = [PANEL, BULK_CHOICES] if page == "tickets:queue" else [PANEL]
    few = [_queries(client, url, {}, **headers) for headers in fragments]
    _make(demo, 30)
    many = [_queries(client, url, {}, **headers) for headers in fragments]
    assert few == many
    assert max(many) <= 4


def test_the_page_loads_only_the_choices_it_draws(demo, client):
    """The queue draws the unit filter; the other dropdowns and each technician's load
    come with the fragments (the load is the one part whose cost grows with the data)."""
    _make(demo, 3)
    client.force_login(demo["gestor"])
    url = reverse("tickets:queue")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    options = [q["sql"] for q in captured.captured_queries if "SELECT 'unit', id" in q["sql"]]
    assert len(options) == 1
    assert "tickets_category" not in options[0] and "providers_providermember" not in options[0]
    html = page.content.decode()
    assert 'id="more-filters-body"' in html and 'name="category"' not in html
    panel = client.get(url, **PANEL).content.decode()
    assert "Iluminação" in panel and 'name="category"' in panel
    bulk = client.get(url, **BULK_CHOICES).content.decode()
    assert str(demo["tecnico1"]) in bulk and "3 abertos" in bulk


def test_a_filter_in_use_draws_its_panel_with_the_page(demo, client):
    _make(demo, 3)
    client.force_login(demo["gestor"])
    category = Category.objects.get(name="Iluminação")
    page = client.get(reverse("tickets:queue"), {"category": category.pk})
    html = page.content.decode()
    assert f'<option value="{category.pk}" selected>Iluminação</option>' in html
    assert 'class="collapse show" id="more-filters"' in html
    assert len(page.context["tickets"]) == 3


@pytest.mark.parametrize("filter_name", ["unit", "category", "tag", "executante"])
def test_filter_choices_cost_one_query_together_and_only_narrow(demo, client, filter_name):
    """The dropdowns come from one query; a value outside the person's own choices is
    refused (an invalid form filters nothing further, and never reaches further)."""
    _make(demo, 3)
    client.force_login(demo["gestor"])
    url = reverse("tickets:queue")
    choices = _form(client, url).fields[filter_name].choices
    values = [value for value, _label in choices if value]
    assert values, filter_name
    assert _queries(client, url, {filter_name: values[0]}) <= MAX_QUERIES
    # Banco Modelo's units (tecnico1's other client) are not the gestor's to choose.
    outsider = demo["banco"].units.first().pk
    response = client.get(url, {"unit": outsider})
    assert str(outsider) not in [v for v, _l in response.context["filter"].form.fields["unit"].choices]
    assert not response.context["filter"].form.is_valid()


def test_queue_filter_choices_follow_the_gestors_contracts_only(demo, client):
    _make(demo, 2)
    client.force_login(demo["tecnico1"])  # Gestor for Banco Modelo only
    form = _form(client, reverse("tickets:queue"))
    units = {label for _v, label in form.fields["unit"].choices if _v}
    assert units == {str(u) for u in demo["banco"].units.all()}
    people = {label for _v, label in form.fields["executante"].choices if _v}
    assert "Gustavo Gestor" not in people  # Gestor of the Supermercados contract, not Banco's
    bulk = client.get(reverse("tickets:queue"), **BULK_CHOICES).content.decode()
    assert str(demo["tecnico2"]) not in bulk  # Executante under Supermercados only
    assert bulk.count("<option") == len(people) + 1


GRANT_PROBE = 'EXISTS (SELECT 1 FROM "tickets_ticketuserobjectpermission"'


@pytest.mark.parametrize(
    ("query", "probed"),
    [
        ({}, True),  # the default page: work to do, by deadline
        ({"status": "executado"}, True),
        ({"status": ["aberto", "em_execucao"], "page": "2"}, True),
        ({"status": ["aberto", "em_execucao"], "q": "refletor"}, False),  # searching open work
        ({"q": "refletor"}, True),  # searching every status, newest first
        ({"q": "refletor", "sort": "priority"}, False),
        ({"status": ["aberto", "em_execucao"], "page": "41"}, False),  # past the count's cap
        ({"status": ["aberto", "vistoriado"]}, True),  # a closed status, newest first
        ({"sort": "oldest"}, True),  # every status, oldest first
        ({"status": ["aberto", "vistoriado"], "sort": "deadline"}, False),  # no index gives it
        ({"sort": "priority"}, False),  # every status
    ],
)
def test_meus_tickets_probes_grants_only_when_its_candidates_are_few(demo, client, query, probed):
    """access.executante_tickets' two forms of the grant check, chosen by the list
    (views.lists._bounded); both draw the same cards (test_access.py)."""
    _make(demo, 3)
    client.force_login(demo["tecnico1"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("tickets:mine"), query)
    assert response.status_code == 200
    pages = [q["sql"] for q in ctx.captured_queries if "LIMIT" in q["sql"] and "tickets_ticket" in q["sql"]]
    assert pages, "no page query"
    assert (GRANT_PROBE in pages[0]) is probed
    # The page's rows are fetched by key within the semi-join: probing grants there
    # made PostgreSQL intersect the keys with all his tickets instead.
    rows = [
        q["sql"] for q in ctx.captured_queries if '"tickets_ticket"."title"' in q["sql"].split(" FROM ")[0]
    ]
    assert bool(rows) is (query.get("status") != "executado")  # no keys, no rows statement
    assert not any(GRANT_PROBE in sql for sql in rows)
    # Past the end shows the last page; only "executado" holds none of his tickets.
    assert (b"Refletor 0" in response.content) is (query.get("status") != "executado")
