import pytest
from django.core.management import call_command

from accounts.models import ClientCompany, ClientMembership, Unit, User
from providers.models import Contract, ProviderCompany, ProviderMember

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count()
        for m in (User, ClientCompany, ClientMembership, Unit, ProviderCompany, Contract, ProviderMember)
    ]


def test_it_creates_the_demo_world_and_running_it_twice_duplicates_nothing(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    out = capsys.readouterr().out
    assert "admin@cliente.demo" in out and "trilogo-demo" in out


def test_demo_logins_work_with_the_demo_password():
    call_command("seed_demo", "--quiet-logins")
    for email in ("admin@cliente.demo", "tecnico1@prestadora.demo", "root@plataforma.demo"):
        assert User.objects.get(email=email).check_password("trilogo-demo")
    assert User.objects.get(email="root@plataforma.demo").is_superuser


def test_tecnico1_is_executante_in_one_client_and_gestor_in_another():
    call_command("seed_demo", "--quiet-logins")
    roles = set(
        ProviderMember.objects.filter(user__email="tecnico1@prestadora.demo").values_list(
            "contract__client__name", "role"
        )
    )
    assert roles == {("Supermercados Exemplo", "executante"), ("Banco Modelo", "gestor")}
