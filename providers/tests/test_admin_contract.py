"""Client admins register a provider company (or link it by CNPJ) and its contract."""

import pytest
from django.urls import reverse
from guardian.shortcuts import get_perms

from accounts.models import ClientMembership, Unit
from accounts.tests.admin_helpers import errors, form_data, messages, pt
from providers.forms import CNPJ_ERROR
from providers.models import Contract, ProviderCompany
from tickets.access import reach_for

pytestmark = pytest.mark.django_db

ADD = reverse("admin:providers_contract_add")


def change_url(contract):
    return reverse("admin:providers_contract_change", args=[contract.pk])


@pytest.fixture
def admin_a(demo, login_client):
    return login_client(demo["client_admin"])


def new_contract(client, **fields):
    data = {"cnpj": "", "provider_name": "", "client": str(client.pk), **fields}
    return data


def test_it_registers_a_new_provider_and_its_contract(demo, admin_a):
    units = Unit.objects.filter(code__in=["LJ01", "LJ02"])
    data = new_contract(
        demo["supermercados"],
        cnpj="55566677000183",  # typed without punctuation
        provider_name="Hidráulica Nova",
        contact_email="contato@hidraulica.demo",
        units=[str(u.pk) for u in units],
        start_date="2026-01-05",
    )
    response = admin_a.post(ADD, data, follow=True)

    provider = ProviderCompany.objects.get(cnpj="55.566.677/0001-83")
    contract = Contract.objects.get(client=demo["supermercados"], provider=provider)
    assert provider.name == "Hidráulica Nova" and provider.contact_email == "contato@hidraulica.demo"
    assert set(contract.units.all()) == set(units)
    assert contract.active and str(contract.start_date) == "2026-01-05"
    assert set(get_perms(contract.gestor_group, contract)) == {"manage_tickets", "view_financials"}
    assert "Hidráulica Nova" in messages(response)[0]


def test_it_links_an_existing_provider_by_cnpj(demo, login_client):
    admin_b = login_client(demo["other_client_admin"])
    eletrica = demo["eletrica"]
    before = ProviderCompany.objects.count()

    response = admin_b.post(ADD, new_contract(demo["banco"], cnpj="12131415000183"), follow=True)

    assert ProviderCompany.objects.count() == before
    assert Contract.objects.filter(client=demo["banco"], provider=eletrica).exists()
    assert "Elétrica Rápida" in messages(response)[0]
    # B now reaches the provider, and only its own contract with it.
    page = admin_b.get(reverse("admin:providers_providercompany_change", args=[eletrica.pk])).content.decode()
    assert "Banco Modelo" in page and "Supermercados Exemplo" not in page


def test_it_shows_a_clear_error_on_an_invalid_cnpj_and_keeps_what_was_typed(demo, admin_a):
    data = new_contract(demo["supermercados"], cnpj="11.111.111/1111-11", provider_name="Pinturas Já")
    response = admin_a.post(ADD, data)

    assert response.status_code == 200
    assert errors(response) == {"cnpj": [pt(CNPJ_ERROR)]}
    page = response.content.decode()
    assert 'value="11.111.111/1111-11"' in page and 'value="Pinturas Já"' in page
    assert not ProviderCompany.objects.filter(name="Pinturas Já").exists()


@pytest.mark.parametrize("cnpj", ["123", "11.222.333/0001-8X", "abcdefghijklmn"])
def test_every_kind_of_bad_cnpj_gets_the_same_clear_error(cnpj, demo, admin_a):
    response = admin_a.post(ADD, new_contract(demo["supermercados"], cnpj=cnpj, provider_name="X"))
    assert errors(response)["cnpj"] == [pt(CNPJ_ERROR)]


def test_it_asks_for_the_name_of_a_provider_new_to_trilogo(demo, admin_a):
    response = admin_a.post(ADD, new_contract(demo["supermercados"], cnpj="55.566.677/0001-83"))
    assert list(errors(response)) == ["provider_name"]
    assert not ProviderCompany.objects.filter(cnpj="55.566.677/0001-83").exists()


def test_it_refuses_a_second_contract_with_the_same_provider(demo, admin_a):
    response = admin_a.post(ADD, new_contract(demo["supermercados"], cnpj="77888999000181"))
    assert list(errors(response)) == ["cnpj"]
    assert Contract.objects.filter(client=demo["supermercados"], provider=demo["clima"]).count() == 1


def test_it_offers_only_the_admins_client_already_chosen(demo, admin_a):
    form = admin_a.get(ADD).context["adminform"].form
    assert list(form.fields["client"].queryset) == [demo["supermercados"]]
    assert form.fields["client"].initial == demo["supermercados"].pk
    assert set(form.fields["units"].queryset) == set(Unit.objects.filter(client=demo["supermercados"]))


def test_a_forged_post_cannot_create_a_contract_for_another_client(demo, admin_a):
    response = admin_a.post(ADD, new_contract(demo["banco"], cnpj="55566677000183", provider_name="X"))
    assert "client" in errors(response)
    assert not Contract.objects.filter(client=demo["banco"], provider__name="X").exists()


def test_a_forged_post_cannot_cover_another_clients_units(demo, admin_a):
    agencia = Unit.objects.get(code="AG01")
    data = new_contract(
        demo["supermercados"], cnpj="55566677000183", provider_name="X", units=[str(agencia.pk)]
    )
    response = admin_a.post(ADD, data)
    assert "units" in errors(response)
    assert not ProviderCompany.objects.filter(name="X").exists()


def test_a_forged_post_cannot_attach_another_clients_units_to_a_contract(demo, admin_a):
    contract = Contract.objects.get(client=demo["supermercados"], provider=demo["clima"])
    data = form_data(admin_a.get(change_url(contract)))
    data["units"] = [str(Unit.objects.get(code="AG01").pk)]

    response = admin_a.post(change_url(contract), data)

    assert "units" in errors(response)
    assert not contract.units.exists()


def test_an_admin_of_two_clients_cannot_mix_their_units(demo, admin_a):
    ClientMembership.objects.create(client=demo["banco"], user=demo["client_admin"], role="admin")
    data = new_contract(
        demo["supermercados"],
        cnpj="55566677000183",
        provider_name="X",
        units=[str(Unit.objects.get(code="AG01").pk)],
    )
    response = admin_a.post(ADD, data)
    assert list(errors(response)) == ["units"]
    # ... and chooses which client the contract is for.
    form = admin_a.get(ADD).context["adminform"].form
    assert set(form.fields["client"].queryset) == {demo["supermercados"], demo["banco"]}


def test_it_changes_the_covered_units_and_dates(demo, admin_a):
    contract = Contract.objects.get(client=demo["supermercados"], provider=demo["clima"])
    people = set(contract.members.values_list("user__email", "role", "active"))
    data = form_data(admin_a.get(change_url(contract)))
    lj03 = Unit.objects.get(code="LJ03")
    data.update(units=[str(lj03.pk)], start_date="2026-02-01", end_date="2026-01-01")

    response = admin_a.post(change_url(contract), data)
    assert list(errors(response)) == ["end_date"]

    data["end_date"] = "2027-01-31"
    assert admin_a.post(change_url(contract), data).status_code == 302
    contract.refresh_from_db()
    assert list(contract.units.all()) == [lj03] and str(contract.end_date) == "2027-01-31"
    # The read-only people inline posted nothing and changed nothing.
    assert set(contract.members.values_list("user__email", "role", "active")) == people


def test_deactivating_a_contract_takes_the_gestors_reach_away_on_the_next_request(demo, admin_a):
    contract = Contract.objects.get(client=demo["supermercados"], provider=demo["clima"])
    gestor = demo["gestor"]
    assert contract.pk in reach_for(type(gestor).objects.get(pk=gestor.pk)).gestor_contract_ids
    data = form_data(admin_a.get(change_url(contract)))

    data.pop("active")
    assert admin_a.post(change_url(contract), data).status_code == 302
    assert contract.pk not in reach_for(type(gestor).objects.get(pk=gestor.pk)).gestor_contract_ids
    assert not contract.gestor_group.user_set.exists()

    data["active"] = "on"
    admin_a.post(change_url(contract), data)
    assert contract.pk in reach_for(type(gestor).objects.get(pk=gestor.pk)).gestor_contract_ids


def test_nobody_deletes_a_contract(demo, admin_a, login_client):
    contract = Contract.objects.get(client=demo["supermercados"], provider=demo["clima"])
    delete = reverse("admin:providers_contract_delete", args=[contract.pk])
    assert admin_a.post(delete, {"post": "yes"}).status_code == 403
    assert login_client(demo["root"]).post(delete, {"post": "yes"}).status_code == 403
    assert Contract.objects.filter(pk=contract.pk).exists()
