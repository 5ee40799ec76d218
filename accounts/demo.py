"""The demo world (README lists the logins). Idempotent: running it twice adds nothing."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from providers import services as provider_services
from providers.models import Contract, ProviderMember

from .models import Area, ClientCompany, ClientMembership, Unit, User

DEMO_PASSWORD = "trilogo-demo"

# (email, name, what they are) — printed by `make run` and listed in README.md.
DEMO_LOGINS = [
    ("admin@cliente.demo", "Ana Admin", "Client admin · Supermercados Exemplo"),
    ("interno@cliente.demo", "Igor Interno", "Client staff · Supermercados Exemplo"),
    ("gestor@prestadora.demo", "Gustavo Gestor", "Gestor · Clima Manutenção"),
    ("tecnico1@prestadora.demo", "Tiago Técnico", "Executante · Clima Manutenção; Gestor for Banco Modelo"),
    ("tecnico2@prestadora.demo", "Talita Técnica", "Executante · Clima Manutenção"),
    ("gestor@outra.demo", "Olga Gestora", "Gestor · Elétrica Rápida"),
    ("tecnico@outra.demo", "Otto Técnico", "Executante · Elétrica Rápida"),
    ("admin@outrocliente.demo", "Bruno Banco", "Client admin · Banco Modelo"),
    ("root@plataforma.demo", "Root Plataforma", "Platform operator (superuser)"),
]

CLIENT_ADMIN_GROUP = "Client admins"


def _user(email, *, superuser=False):
    name = next(n for e, n, _ in DEMO_LOGINS if e == email)
    user = User.objects.filter(email=email).first()
    if user is None:
        factory = User.objects.create_superuser if superuser else User.objects.create_user
        user = factory(email=email, password=DEMO_PASSWORD, full_name=name)
    return user


def client_admin_group() -> Group:
    """Model permissions a client admin needs in the Django admin (rows stay scoped there)."""
    from .admin_permissions import CLIENT_ADMIN_PERMISSIONS

    group, _ = Group.objects.get_or_create(name=CLIENT_ADMIN_GROUP)
    perms = []
    for label in CLIENT_ADMIN_PERMISSIONS:
        app_label, codename = label.split(".")
        perms.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    group.permissions.set(perms)
    return group


def _client(name, cnpj, admin_email, units):
    client, _ = ClientCompany.objects.get_or_create(cnpj=cnpj, defaults={"name": name})
    admin = _user(admin_email)
    if not admin.is_staff:
        admin.is_staff = True
        admin.save(update_fields=["is_staff"])
    admin.groups.add(client_admin_group())
    ClientMembership.objects.get_or_create(
        client=client, user=admin, defaults={"role": ClientMembership.Role.ADMIN}
    )
    for code, unit_name, address, city, state, areas in units:
        unit, _ = Unit.objects.get_or_create(
            client=client,
            code=code,
            defaults={"name": unit_name, "address": address, "city": city, "state": state},
        )
        for path in areas:
            parent = None
            for part in path.split(" > "):
                parent = Area.objects.filter(
                    unit=unit, parent=parent, name=part
                ).first() or Area.objects.create(unit=unit, parent=parent, name=part)
    return client, admin


def _provider(name, cnpj):
    provider, _ = provider_services.provider_get_or_create(cnpj=cnpj, name=name)
    return provider


def _contract(client, provider):
    contract = Contract.objects.filter(client=client, provider=provider).first()
    return contract or provider_services.contract_create(client=client, provider=provider)


def _member(contract, email, role, by):
    user = _user(email)
    member = ProviderMember.objects.filter(contract=contract, user=user).first()
    if member is None:
        member = provider_services.member_register(
            contract=contract, email=email, full_name=user.full_name, role=role, by=by, invite=False
        )
    return member


@transaction.atomic
def seed_people():
    supermercados, super_admin = _client(
        "Supermercados Exemplo",
        "11.222.333/0001-81",
        "admin@cliente.demo",
        [
            (
                "LJ01",
                "Loja Centro",
                "Rua Direita, 100",
                "São Paulo",
                "SP",
                ["Térreo > Açougue", "Térreo > Padaria", "Estacionamento"],
            ),
            (
                "LJ02",
                "Loja Moema",
                "Av. Ibirapuera, 2000",
                "São Paulo",
                "SP",
                ["Térreo > Hortifruti", "Depósito"],
            ),
            ("LJ03", "Loja Campinas", "Av. Norte-Sul, 500", "Campinas", "SP", ["Térreo > Frios", "Doca"]),
        ],
    )
    staff = _user("interno@cliente.demo")
    ClientMembership.objects.get_or_create(
        client=supermercados, user=staff, defaults={"role": ClientMembership.Role.STAFF}
    )
    banco, banco_admin = _client(
        "Banco Modelo",
        "44.555.666/0001-81",
        "admin@outrocliente.demo",
        [("AG01", "Agência Paulista", "Av. Paulista, 1000", "São Paulo", "SP", ["Térreo > Autoatendimento"])],
    )
    clima = _provider("Clima Manutenção", "77.888.999/0001-81")
    eletrica = _provider("Elétrica Rápida", "12.131.415/0001-83")

    clima_super = _contract(supermercados, clima)
    _member(clima_super, "gestor@prestadora.demo", ProviderMember.Role.GESTOR, super_admin)
    _member(clima_super, "tecnico1@prestadora.demo", ProviderMember.Role.EXECUTANTE, super_admin)
    _member(clima_super, "tecnico2@prestadora.demo", ProviderMember.Role.EXECUTANTE, super_admin)

    eletrica_super = _contract(supermercados, eletrica)
    _member(eletrica_super, "gestor@outra.demo", ProviderMember.Role.GESTOR, super_admin)
    _member(eletrica_super, "tecnico@outra.demo", ProviderMember.Role.EXECUTANTE, super_admin)

    clima_banco = _contract(banco, clima)
    _member(clima_banco, "tecnico1@prestadora.demo", ProviderMember.Role.GESTOR, banco_admin)

    _user("root@plataforma.demo", superuser=True)
    return {"supermercados": supermercados, "banco": banco, "clima": clima, "eletrica": eletrica}
