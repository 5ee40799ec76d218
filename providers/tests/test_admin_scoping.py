"""Client admin A never reaches client B's rows, on any admin page of any model.

A parametrized matrix (model × page): changelist, search, list filter and its
choices, autocomplete, raw-id popup, change / history / delete pages and forged
POSTs. Each case has a positive control (A sees A's row, the platform operator
sees B's), so an empty page cannot pass for a scoped one.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from accounts.models import ClientMembership, Unit
from providers.models import Contract, MemberEvent, ProviderMember

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    app: str
    model: str
    a: Callable  # the world -> A's object
    b: Callable  # the world -> B's object
    search: str  # matches B's object (and often A's too)
    marker: str  # text that only B's rows put on a page
    filter: Callable | None = None  # the world -> query string aiming at B
    autocomplete: tuple[str, str, str] | None = None  # a field pointing at this model

    def url(self, view, *args):
        return reverse(f"admin:{self.app}_{self.model}_{view}", args=args)

    def __str__(self):
        return self.model


def _contract(w, client, provider):
    return Contract.objects.get(client=w[client], provider=w[provider])


def _member(w, email, client):
    return ProviderMember.objects.get(user__email=email, client=w[client])


def _registered(w, email, client):
    return MemberEvent.objects.get(person__email=email, client=w[client], action="registered")


CASES = [
    Case(
        "accounts",
        "clientcompany",
        a=lambda w: w["supermercados"],
        b=lambda w: w["banco"],
        search="Banco",
        marker="Banco Modelo",
        filter=lambda w: "active__exact=1",
        autocomplete=("accounts", "unit", "client"),
    ),
    Case(
        "accounts",
        "unit",
        a=lambda w: Unit.objects.get(code="LJ01"),
        b=lambda w: Unit.objects.get(code="AG01"),
        search="Paulista",
        marker="Banco Modelo",
        filter=lambda w: f"client__id__exact={w['banco'].pk}",
        autocomplete=("providers", "contract", "units"),
    ),
    Case(
        "accounts",
        "clientmembership",
        a=lambda w: ClientMembership.objects.get(user=w["client_admin"]),
        b=lambda w: ClientMembership.objects.get(user=w["other_client_admin"]),
        search="Bruno",
        marker="Banco Modelo",
        filter=lambda w: f"client__id__exact={w['banco'].pk}",
    ),
    Case(
        "providers",
        "providercompany",
        a=lambda w: w["eletrica"],
        b=lambda w: w["reformas"],
        search="Reformas",
        marker="Reformas",
        autocomplete=("providers", "contract", "provider"),
    ),
    Case(
        "providers",
        "contract",
        a=lambda w: _contract(w, "supermercados", "clima"),
        b=lambda w: _contract(w, "banco", "clima"),
        search="Clima",
        marker="Banco Modelo",
        filter=lambda w: f"client__id__exact={w['banco'].pk}",
        autocomplete=("providers", "providermember", "contract"),
    ),
    Case(
        "providers",
        "providermember",
        a=lambda w: _member(w, "tecnico1@prestadora.demo", "supermercados"),
        b=lambda w: _member(w, "tecnico1@prestadora.demo", "banco"),
        search="Tiago",
        marker="Banco Modelo",
        filter=lambda w: f"contract__id__exact={_contract(w, 'banco', 'clima').pk}",
        autocomplete=("providers", "memberevent", "member"),
    ),
    Case(
        "providers",
        "memberevent",
        a=lambda w: _registered(w, "tecnico1@prestadora.demo", "supermercados"),
        b=lambda w: _registered(w, "tecnico1@prestadora.demo", "banco"),
        search="Tiago",
        marker="Banco Modelo",
        filter=lambda w: f"contract__id__exact={_contract(w, 'banco', 'clima').pk}",
    ),
]
WITH_FILTER = [c for c in CASES if c.filter]
WITH_AUTOCOMPLETE = [c for c in CASES if c.autocomplete]


@pytest.fixture
def two_clients(demo, b_only_provider):
    return {**demo, "reformas": b_only_provider}


@pytest.fixture
def admin_a(two_clients, login_client):
    return login_client(two_clients["client_admin"])


@pytest.fixture
def root(two_clients, login_client):
    return login_client(two_clients["root"])


MISSING = 987654


def _not_found(response):
    """The admin's answer to a missing id: back to the index with a "does not exist" message."""
    messages = [str(m) for m in response.wsgi_request._messages]
    return response.status_code == 302 and response.url == reverse("admin:index") and messages


def _same_as_missing(response, missing):
    """Not found, or refused exactly as a missing id is (a page A may never use at all)."""
    if missing.status_code == 403:
        return response.status_code == 403
    return _not_found(response) and _not_found(missing)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_it_lists_only_the_admins_own_rows(case, two_clients, admin_a, root):
    a, b = case.a(two_clients), case.b(two_clients)
    page = admin_a.get(case.url("changelist")).content.decode()
    assert case.url("change", a.pk) in page
    assert case.url("change", b.pk) not in page
    assert case.marker not in page  # nor in a column, a filter choice, a count
    assert case.marker in root.get(case.url("changelist")).content.decode()
    with_counts = admin_a.get(case.url("changelist"), {"_facets": "True"}).content.decode()
    assert case.marker not in with_counts and case.url("change", b.pk) not in with_counts


@pytest.mark.parametrize("case", CASES, ids=str)
def test_it_searches_only_the_admins_own_rows(case, two_clients, admin_a, root):
    b = case.b(two_clients)
    page = admin_a.get(case.url("changelist"), {"q": case.search}).content.decode()
    assert case.url("change", b.pk) not in page
    assert case.url("change", b.pk) in root.get(case.url("changelist"), {"q": case.search}).content.decode()


@pytest.mark.parametrize("case", WITH_FILTER, ids=str)
def test_it_filters_only_the_admins_own_rows(case, two_clients, admin_a):
    response = admin_a.get(f"{case.url('changelist')}?{case.filter(two_clients)}")
    assert response.status_code == 200
    page = response.content.decode()
    assert case.url("change", case.b(two_clients).pk) not in page
    assert case.marker not in page


@pytest.mark.parametrize("case", WITH_AUTOCOMPLETE, ids=str)
@pytest.mark.parametrize("term", ["", "search"])
def test_it_autocompletes_only_the_admins_own_rows(case, term, two_clients, admin_a, root):
    app_label, model_name, field_name = case.autocomplete
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
    params["term"] = case.search if term else ""
    a, b = case.a(two_clients), case.b(two_clients)

    ids = {r["id"] for r in admin_a.get(reverse("admin:autocomplete"), params).json()["results"]}
    root_ids = {r["id"] for r in root.get(reverse("admin:autocomplete"), params).json()["results"]}

    assert str(b.pk) not in ids
    assert str(b.pk) in root_ids
    if not term or case.search in str(a):
        assert str(a.pk) in ids


@pytest.mark.parametrize("case", CASES, ids=str)
def test_it_shows_no_b_rows_in_a_raw_id_popup(case, two_clients, admin_a):
    page = admin_a.get(case.url("changelist"), {"_popup": "1", "_to_field": "id"}).content.decode()
    assert f'data-popup-opener="{case.b(two_clients).pk}"' not in page
    assert f'data-popup-opener="{case.a(two_clients).pk}"' in page


@pytest.mark.parametrize("view", ["change", "history", "delete"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_it_answers_b_pages_as_not_found(case, view, two_clients, admin_a, root):
    b = case.b(two_clients)
    response, missing = admin_a.get(case.url(view, b.pk)), admin_a.get(case.url(view, MISSING))
    assert _same_as_missing(response, missing)
    assert root.get(case.url(view, b.pk)).status_code in (200, 403)  # there for the operator


@pytest.mark.parametrize("case", CASES, ids=str)
def test_it_refuses_forged_posts_on_b_rows(case, two_clients, admin_a):
    b = case.b(two_clients)
    before = model_to_dict(b)
    forged = {"name": "Hacked", "role": "executante", "active": "", "code": "X", "post": "yes"}

    for view, data in (("change", forged), ("delete", {"post": "yes"})):
        response = admin_a.post(case.url(view, b.pk), data)
        assert _same_as_missing(response, admin_a.post(case.url(view, MISSING), data))

    assert model_to_dict(type(b).objects.get(pk=b.pk)) == before


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("persona", [None, "gestor", "client_staff", "tecnico1"])
def test_outsiders_never_reach_the_admin(case, persona, two_clients, login_client):
    client = login_client(two_clients[persona] if persona else None)
    for url in (case.url("changelist"), case.url("change", case.a(two_clients).pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_staff_user_who_no_longer_administers_a_client_reaches_nothing(case, two_clients, login_client):
    ClientMembership.objects.filter(user=two_clients["client_admin"]).update(active=False)
    client = login_client(two_clients["client_admin"])
    assert client.get(case.url("changelist")).status_code == 403
    assert client.get(case.url("change", case.a(two_clients).pk)).status_code == 403
