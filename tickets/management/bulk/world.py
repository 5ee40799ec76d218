"""The benchmark world: clients, units, providers, contracts and people (build_world)."""

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import Area, ClientCompany, ClientMembership, Unit, User
from providers import services as provider_services
from providers.models import Contract, MemberEvent, ProviderCompany, ProviderMember
from tickets.models import Category, Tag

SPARSE = 20  # tickets seen by the sparse personas, whatever N is
DOMAIN = "bench"

# (name, share of the tickets). The tiny client is outside the shares.
CLIENTS = [
    ("Cliente Um", 0.30),
    ("Cliente Dois", 0.25),
    ("Cliente Três", 0.20),
    ("Cliente Quatro", 0.15),
    ("Cliente Cinco", 0.10),
]
TINY_CLIENT = "Condomínio Pequeno"
BIG_PROVIDER = "Mega Manutenção"
SMALL_PROVIDERS = [f"Pequena {i}" for i in range(1, 9)]
MICRO_PROVIDER = "Micro Reparos"
BIG_SHARE = 0.50  # of all tickets
UNSENT_SHARE = 0.05

# The people the benchmark logs in as.
PERSONAS = {
    "gestor_big": "gestor@mega.bench",
    "gestor_small": "gestor@pequena1.bench",
    "executante_big": "tecnico01@mega.bench",
    "executante_sparse": "novato@mega.bench",
    "client_staff": "staff@cliente1.bench",
    "gestor_executante": "hibrido@mega.bench",
    "gestor_sparse": "gestor@micro.bench",
    "client_sparse": "staff@pequeno.bench",
}

CATEGORY_TREE = {
    "Iluminação": ["Refletores", "Lâmpadas", "Luminárias"],
    "Climatização": ["Ar-condicionado", "Câmara fria", "Exaustão"],
    "Elétrica": ["Tomadas", "Quadros", "Geradores"],
    "Hidráulica": ["Vazamentos", "Bombas", "Louças"],
    "Civil": ["Piso", "Telhado", "Portas"],
    "Segurança": ["Portões", "Catracas", "Interfones"],
}
TAGS = ["preventiva", "corretiva", "urgente-loja", "aguardando-peça", "garantia", "reincidente"]


# status weights by ticket age in days: (max age, {status: weight})
def cnpj(seed: int) -> str:
    """A valid CNPJ (check digits computed), formatted, from a small number."""
    base = [int(d) for d in f"{seed:08d}0001"]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        rest = sum(d * w for d, w in zip(base, weights, strict=True)) % 11
        base.append(0 if rest < 2 else 11 - rest)
    s = "".join(map(str, base))
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def slug(name: str) -> str:
    table = str.maketrans("áâãàéêíóôõúç", "aaaaeeiooouc")
    return name.lower().translate(table).replace(" ", "")


# ---- The world: clients, providers, contracts, people (small; built with the services) ---------


@dataclass
class ClientWorld:
    client: ClientCompany
    share: float
    requesters: list[int]
    units: list[tuple[int, list[int]]]  # (unit id, area ids)
    categories: list[int]  # leaves
    tags: list[int]
    big_contract: Contract | None = None
    small_contracts: list[Contract] = field(default_factory=list)
    tiny_contract: Contract | None = None


@dataclass
class World:
    clients: list[ClientWorld]
    tiny: ClientWorld
    # contract id -> (provider name, gestor user id, executante user ids)
    contracts: dict[int, tuple[str, int, list[int]]]
    names: dict[int, str]  # user id -> str(user), for timeline rows
    newcomer: int
    tiny_technician: int


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email=email, full_name=name)


def _bulk_users(specs: list[tuple[str, str]]) -> dict[str, User]:
    """Get or create many users at once (unusable passwords: the benchmark uses sessions)."""
    emails = [e for e, _n in specs]
    found = {u.email: u for u in User.objects.filter(email__in=emails)}
    new = []
    for email, name in specs:
        if email not in found:
            user = User(email=email, full_name=name)
            user.set_unusable_password()
            new.append(user)
    User.objects.bulk_create(new, batch_size=500)
    return {u.email: u for u in User.objects.filter(email__in=emails)}


def _client_world(index: int, name: str, share: float, n_units: int) -> ClientWorld:
    key = "pequeno" if name == TINY_CLIENT else f"cliente{index}"
    client, _ = ClientCompany.objects.get_or_create(cnpj=cnpj(10_000 + index), defaults={"name": name})
    people = []
    for role, email, full in (
        (ClientMembership.Role.ADMIN, f"admin@{key}.{DOMAIN}", f"Admin {name}"),
        (ClientMembership.Role.STAFF, f"staff@{key}.{DOMAIN}", f"Equipe {name}"),
    ):
        user = _user(email, full)
        ClientMembership.objects.get_or_create(client=client, user=user, defaults={"role": role})
        people.append(user.pk)
    if not Unit.objects.filter(client=client).exists():
        Unit.objects.bulk_create(
            Unit(
                client=client,
                code=f"U{u:03d}",
                name=f"Unidade {u:03d}",
                address=f"Rua {u}, {100 + u}",
                city="São Paulo",
                state="SP",
            )
            for u in range(1, n_units + 1)
        )
        for unit in Unit.objects.filter(client=client):
            for area in ("Térreo", "Depósito", "Estacionamento"):
                Area(unit=unit, name=area).save()  # save() fills client and path
    units = []
    areas = {}
    for area_id, unit_id in Area.objects.filter(client=client).values_list("id", "unit_id"):
        areas.setdefault(unit_id, []).append(area_id)
    for unit_id in Unit.objects.filter(client=client).values_list("id", flat=True).order_by("id"):
        units.append((unit_id, areas.get(unit_id, [])))
    if not Category.objects.filter(client=client).exists():
        for root, children in CATEGORY_TREE.items():
            parent = Category.objects.create(client=client, name=root)
            for child in children:
                Category.objects.create(client=client, parent=parent, name=child)
    leaves = Category.objects.filter(client=client, parent__isnull=False).order_by("id")
    leaves = list(leaves.values_list("id", flat=True))
    for tag in TAGS:
        Tag.objects.get_or_create(client=client, name=tag)
    tags = list(Tag.objects.filter(client=client).order_by("id").values_list("id", flat=True))
    return ClientWorld(client, share, people, units, leaves, tags)


def _provider(index: int, name: str) -> ProviderCompany:
    provider, _ = provider_services.provider_get_or_create(cnpj=cnpj(20_000 + index), name=name)
    return provider


def _contract(client: ClientCompany, provider: ProviderCompany) -> Contract:
    contract = Contract.objects.filter(client=client, provider=provider).first()
    return contract or provider_services.contract_create(client=client, provider=provider)


def _register_gestor(contract: Contract, user: User, by: User) -> None:
    if not ProviderMember.objects.filter(contract=contract, user=user).exists():
        provider_services.member_register(
            contract=contract,
            email=user.email,
            full_name=user.full_name,
            role=ProviderMember.Role.GESTOR,
            by=by,
            invite=False,
        )


def _register_executantes(contract: Contract, users: list[User], by: User) -> None:
    """Executantes hold no contract-level grant, so plain rows are what the service writes
    for them (membership + history); done in bulk because there are hundreds."""
    existing = set(ProviderMember.objects.filter(contract=contract).values_list("user_id", flat=True))
    new = [
        ProviderMember(
            client_id=contract.client_id,
            contract=contract,
            user=u,
            role=ProviderMember.Role.EXECUTANTE,
            registered_by=by,
        )
        for u in users
        if u.pk not in existing
    ]
    ProviderMember.objects.bulk_create(new, batch_size=500)
    if new:
        members = ProviderMember.objects.filter(contract=contract, user__in=[m.user for m in new])
        MemberEvent.objects.bulk_create(
            [
                MemberEvent(
                    client_id=m.client_id,
                    contract_id=m.contract_id,
                    member=m,
                    person_id=m.user_id,
                    action=MemberEvent.Action.REGISTERED,
                    new_value="Executante",
                    by=by,
                )
                for m in members
            ],
            batch_size=500,
        )


@transaction.atomic
def build_world(technicians: int = 50, units: int = 30) -> World:
    """Create (or find) the benchmark world. Idempotent."""
    clients = [_client_world(i, name, share, units) for i, (name, share) in enumerate(CLIENTS, 1)]
    tiny = _client_world(0, TINY_CLIENT, 0.0, 2)
    big = _provider(0, BIG_PROVIDER)
    smalls = [_provider(i, name) for i, name in enumerate(SMALL_PROVIDERS, 1)]
    micro = _provider(99, MICRO_PROVIDER)

    def techs(key: str, count: int) -> list[tuple[str, str]]:
        return [(f"tecnico{i:02d}@{key}.{DOMAIN}", f"Técnico {i:02d} {key}") for i in range(1, count + 1)]

    specs = []
    for key in ["mega", *[slug(s) for s in SMALL_PROVIDERS], "micro"]:
        # Mega's last technician is the newcomer with a handful of tickets.
        n = technicians - 1 if key == "mega" else technicians
        specs += techs(key, n)
        specs.append((f"gestor@{key}.{DOMAIN}", f"Gestor {key}"))
    specs += [(PERSONAS["executante_sparse"], "Novato Mega"), (PERSONAS["gestor_executante"], "Híbrido Mega")]
    people = _bulk_users(specs)

    contracts: dict[int, tuple[str, int, list[int]]] = {}

    def staff(cw: ClientWorld, contract: Contract, key: str, provider_name: str, extra=()):
        admin = User.objects.get(pk=cw.requesters[0])
        gestor = people[f"gestor@{key}.{DOMAIN}"]
        _register_gestor(contract, gestor, admin)
        n = technicians - 1 if key == "mega" else technicians
        executantes = [people[e] for e, _n in techs(key, n)] + list(extra)
        _register_executantes(contract, executantes, admin)
        drawn = [u.pk for u in executantes if u.pk not in extra_ids]
        contracts[contract.pk] = (provider_name, gestor.pk, drawn)

    newcomer = people[PERSONAS["executante_sparse"]]
    hybrid = people[PERSONAS["gestor_executante"]]
    extra_ids = {newcomer.pk}  # allotted separately, never drawn at random
    for i, cw in enumerate(clients):
        cw.big_contract = _contract(cw.client, big)
        extra = [newcomer] + ([hybrid] if i == 0 else [])
        staff(cw, cw.big_contract, "mega", BIG_PROVIDER, extra)
        if i == 1:  # Gestor of Mega for Cliente Dois, Executante of Mega for Cliente Um
            _register_gestor(cw.big_contract, hybrid, User.objects.get(pk=cw.requesters[0]))
    for k, provider in enumerate(smalls):
        served = {k % 5, (k + 2) % 5} | ({(k + 4) % 5} if k < 3 else set())
        for ci in sorted(served):
            cw = clients[ci]
            contract = _contract(cw.client, provider)
            cw.small_contracts.append(contract)
            staff(cw, contract, slug(provider.name), provider.name)
    tiny.tiny_contract = _contract(tiny.client, micro)
    staff(tiny, tiny.tiny_contract, "micro", MICRO_PROVIDER)
    names = {u.pk: str(u) for u in User.objects.filter(provider_memberships__isnull=False).distinct()}
    return World(
        clients=clients,
        tiny=tiny,
        contracts=contracts,
        names=names,
        newcomer=newcomer.pk,
        tiny_technician=people[f"tecnico01@micro.{DOMAIN}"].pk,
    )
