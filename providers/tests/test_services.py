"""The provider services the admin calls: CNPJ spelling, contract terms, contract (de)activation."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Unit
from providers import services
from providers.models import Contract, ProviderCompany, ProviderMember
from tickets import grants
from tickets.access import executante_tickets, reach_for
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("55566677000183", "55.566.677/0001-83"),
        ("55.566.677/0001-83", "55.566.677/0001-83"),
        ("55566677/0001-83", "55.566.677/0001-83"),
        ("12abc34501de35", "12.ABC.345/01DE-35"),  # the alphanumeric CNPJ of July 2026
    ],
)
def test_a_cnpj_has_one_spelling(typed, stored):
    assert services.normalize_cnpj(typed) == stored


def test_a_provider_is_found_whichever_way_its_cnpj_is_typed(demo):
    provider, created = services.provider_get_or_create(cnpj="77888999000181", name="Outro nome")
    assert (provider, created) == (demo["clima"], False)
    assert ProviderCompany.objects.filter(name="Outro nome").count() == 0


def test_contract_register_links_or_creates_and_checks_first(demo):
    contract, created = services.contract_register(client=demo["banco"], cnpj="12.131.415/0001-83")
    assert (contract.provider, created) == (demo["eletrica"], False)
    with pytest.raises(ValidationError) as error:
        services.contract_register(client=demo["banco"], cnpj="12131415000183")
    assert "cnpj" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.contract_register(client=demo["banco"], cnpj="55566677000183")
    assert "name" in error.value.error_dict


def test_a_contract_covers_only_its_clients_units(demo):
    foreign = Unit.objects.filter(code="LJ01")
    with pytest.raises(ValidationError) as error:
        services.contract_register(client=demo["banco"], cnpj="55566677000183", name="X", units=foreign)
    assert "units" in error.value.error_dict
    assert not ProviderCompany.objects.filter(name="X").exists()


def test_deactivating_a_contract_revokes_every_grant_under_it(demo):
    clima = Contract.objects.get(client=demo["supermercados"], provider=demo["clima"])
    ticket = Ticket.objects.create(
        client=demo["supermercados"],
        number=1,
        title="Refletor",
        unit=Unit.objects.get(code="LJ01"),
        requester=demo["client_staff"],
        contract=clima,
        executante=demo["tecnico2"],
    )
    grants.grant_executante(ticket=ticket, user=demo["tecnico2"])

    services.contract_update(contract=clima, units=[], active=False, by=demo["client_admin"])

    assert not clima.gestor_group.user_set.exists()
    assert not executante_tickets(type(demo["tecnico2"]).objects.get(pk=demo["tecnico2"].pk)).exists()

    services.contract_update(contract=clima, units=[], active=True, by=demo["client_admin"])
    assert list(clima.gestor_group.user_set.all()) == [demo["gestor"]]
    assert clima.pk in reach_for(type(demo["gestor"]).objects.get(pk=demo["gestor"].pk)).gestor_contract_ids


def test_member_update_records_each_change(demo):
    member = ProviderMember.objects.get(client=demo["supermercados"], user=demo["gestor"])
    services.member_update(member=member, role="executante", active=False, by=demo["client_admin"])
    actions = list(member.events.values_list("action", flat=True))
    assert actions[:2] == ["deactivated", "reclassified"]
