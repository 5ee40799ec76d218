"""A large, skewed ticket world for benchmarks (``manage.py seed_bulk``).

The shape, fixed so that every run and every scale has the same personas:

- five clients of decreasing size, plus a tiny one ("Condomínio Pequeno") that
  never holds more than ``SPARSE`` tickets;
- one big provider, Mega Manutenção, with a contract with each of the five clients
  and half of all the tickets; eight small providers with two or three contracts
  each; a micro provider serving only the tiny client;
- ``technicians`` Executantes per provider (50 by default), registered under every
  contract of their provider; Mega's last technician is a newcomer who holds only
  ``SPARSE`` tickets;
- a Gestor per provider, Gestor under all of its contracts (the Gestor of Mega sees
  half of the tickets); ``hibrido@mega.bench`` is Gestor of Mega for Cliente Dois and
  Executante of Mega for Cliente Um, like the demo's tecnico1;
- an admin and a staff member per client; about 3 comments and 3 timeline rows per
  ticket; a tag on about half of them.

Grants are written exactly as the services write them: Gestores get the contract's
gestor group (contract_create, member_register) and no per-ticket rows; each
allocated ticket gives its Executante the per-ticket guardian rows
(TicketUserObjectPermission, with client_id).

Tickets are added in batches: COPY on PostgreSQL (psycopg2 ``copy_expert``), plain
``executemany`` elsewhere. Running it again adds N more tickets to the same world.
"""

import io
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Area, ClientCompany, ClientMembership, Unit, User
from providers import services as provider_services
from providers.models import Contract, MemberEvent, ProviderCompany, ProviderMember
from tickets.grants import EXECUTANTE_PERMS
from tickets.models import Category, Comment, Tag, Ticket, TicketEvent, TicketUserObjectPermission

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

SUBJECTS = [
    "Ar-condicionado", "Refletor", "Lâmpada", "Tomada", "Disjuntor", "Porta automática",
    "Câmara fria", "Elevador", "Bomba d'água", "Portão", "Interfone", "Torneira", "Descarga",
    "Piso", "Telhado", "Gerador", "Nobreak", "Exaustor", "Balcão refrigerado", "Catraca",
]  # fmt: skip
PROBLEMS = [
    "não liga", "com vazamento", "fazendo barulho", "desarmando", "quebrado", "travando",
    "sem energia", "pingando", "com mau cheiro", "com infiltração", "com ferrugem", "oscilando",
]  # fmt: skip
PLACES = [
    "no estacionamento", "na padaria", "no açougue", "no depósito", "na recepção",
    "no corredor 3", "na doca", "no caixa 2", "no banheiro feminino", "na cozinha",
]  # fmt: skip
SENTENCES = [
    "Cliente informou que o problema piora à tarde.",
    "Equipe da loja isolou a área por segurança.",
    "Já aconteceu na semana passada e voltou.",
    "O equipamento está na garantia do fabricante.",
    "Precisa de escada grande para o acesso.",
    "Acesso liberado somente após as 22h.",
    "Gerente pediu prioridade por causa do movimento.",
    "Há risco de perda de mercadoria refrigerada.",
    "Foi feito um reparo provisório com fita.",
    "O disjuntor geral desarma quando liga junto com o forno.",
    "Há água acumulada no piso perto do ralo.",
    "Barulho metálico constante durante o dia.",
    "Cheiro de queimado perto do quadro elétrico.",
    "Os clientes reclamaram do calor no salão.",
]
COMMENTS = [
    "Peça encomendada, chega amanhã.",
    "Verificado no local, precisa de troca do componente.",
    "Acesso liberado pela gerência da loja.",
    "Aguardando orçamento aprovado.",
    "Serviço iniciado, previsão de término hoje.",
    "Cliente confirmou que o problema voltou.",
    "Fotos anexadas no relatório.",
    "Reagendado a pedido da loja.",
]
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
STATUS_BY_AGE = [
    (7, {"aberto": 45, "em_execucao": 30, "executado": 15, "vistoriado": 10}),
    (30, {"aberto": 15, "em_execucao": 15, "executado": 25, "vistoriado": 30, "arquivado": 15}),
    (90, {"aberto": 3, "em_execucao": 2, "executado": 10, "vistoriado": 35, "arquivado": 50}),
    (10**6, {"aberto": 1, "executado": 2, "vistoriado": 20, "arquivado": 77}),
]
SLA_HOURS = {4: 4, 3: 24, 2: 72, 1: 168}
HISTORY_DAYS = 730


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


# ---- Ticket rows --------------------------------------------------------------------------------


@dataclass
class Batch:
    tickets: list[dict] = field(default_factory=list)
    ticket_tags: list[tuple] = field(default_factory=list)
    comments: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    perms: list[tuple] = field(default_factory=list)


class Generator:
    def __init__(self, world: World, seed: int):
        self.world = world
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not security
        self.now = timezone.now()
        # The same rows tickets.grants.grant_executante writes on allocation.
        self.perm_ids = list(
            Permission.objects.filter(
                content_type=ContentType.objects.get_for_model(Ticket), codename__in=EXECUTANTE_PERMS
            ).values_list("id", flat=True)
        )
        self.numbers = {
            cw.client.pk: ClientCompany.objects.get(pk=cw.client.pk).last_ticket_number
            for cw in [*world.clients, world.tiny]
        }
        shares = [cw.share for cw in world.clients]
        self.client_cum = [sum(shares[: i + 1]) for i in range(len(shares))]
        self.status_tables = [
            (limit, list(weights), list(weights.values())) for limit, weights in STATUS_BY_AGE
        ]

    def _status(self, age_days: float) -> str:
        for limit, names, weights in self.status_tables:
            if age_days < limit:
                return self.rng.choices(names, weights)[0]
        raise AssertionError

    def _pick_client(self) -> ClientWorld:
        x = self.rng.random() * self.client_cum[-1]
        for cw, edge in zip(self.world.clients, self.client_cum, strict=True):
            if x < edge:
                return cw
        return self.world.clients[-1]

    def ticket(self, ticket_id: int, batch: Batch, cw: ClientWorld | None = None, force=None) -> None:
        """One ticket and its children. ``force``: ("tiny",) or ("newcomer",)."""
        rng = self.rng
        force = force or ()
        if cw is None:
            cw = self._pick_client()
        if "tiny" in force:
            contract = cw.tiny_contract
        elif "newcomer" in force:
            contract = cw.big_contract
        else:
            r = rng.random()
            if r < UNSENT_SHARE:
                contract = None
            elif r < UNSENT_SHARE + BIG_SHARE or not cw.small_contracts:
                contract = cw.big_contract
            else:
                contract = rng.choice(cw.small_contracts)
        age = rng.random() * HISTORY_DAYS
        created = self.now - timedelta(days=age)
        status = self._status(age)
        if contract is None and status not in ("aberto", "arquivado"):
            status = "aberto" if age < 30 else "arquivado"
        executante = None
        if contract is not None:
            provider_name, gestor, executantes = self.world.contracts[contract.pk]
            if "newcomer" in force:
                executante = self.world.newcomer
            elif "tiny" in force:
                executante = self.world.tiny_technician
            elif status != "aberto" or rng.random() < 0.6:
                executante = rng.choice(executantes)
        else:
            provider_name, gestor = "", None
        if executante is None and status in ("em_execucao", "executado", "vistoriado"):
            status = "aberto"
        self.numbers[cw.client.pk] += 1
        unit, areas = rng.choice(cw.units)
        priority = rng.choices((1, 2, 3, 4), (20, 50, 22, 8))[0]
        title = f"{rng.choice(SUBJECTS)} {rng.choice(PROBLEMS)} {rng.choice(PLACES)}"
        description = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
        description += f" Patrimônio {rng.randint(10000, 99999)}."
        requester = rng.choice(cw.requesters)
        executed = inspected = None
        if status in ("executado", "vistoriado", "arquivado") and executante:
            executed = min(created + timedelta(days=rng.random() * 10), self.now)
            if status != "executado":
                inspected = min(executed + timedelta(days=rng.random() * 5), self.now)
        open_ = status in ("aberto", "em_execucao")
        blocked = open_ and contract is not None and rng.random() < 0.05
        sent = created + timedelta(minutes=5) if contract else None
        updated = max(d for d in (created, sent, executed, inspected) if d is not None)
        batch.tickets.append(
            {
                "id": ticket_id,
                "client_id": cw.client.pk,
                "number": self.numbers[cw.client.pk],
                "title": title,
                "description": description,
                "unit_id": unit,
                "area_id": rng.choice(areas) if areas and rng.random() < 0.8 else None,
                "category_id": rng.choice(cw.categories),
                "priority": priority,
                "status": status,
                "paused": status == "em_execucao" and rng.random() < 0.1,
                "blocked": blocked,
                "blocked_reason": "Loja fechada para inventário" if blocked else "",
                "blocked_at": created + timedelta(hours=2) if blocked else None,
                "requester_id": requester,
                "internal_responsible_id": None,
                "contract_id": contract.pk if contract else None,
                "executante_id": executante,
                "deadline": (created + timedelta(days=rng.randint(2, 30))).date(),
                "sla_due": created + timedelta(hours=SLA_HOURS[priority]),
                "duplicated_from_id": None,
                "created_at": created,
                "updated_at": updated,
                "sent_at": sent,
                "executed_at": executed,
                "inspected_at": inspected,
                "version": 1,
            }
        )
        client_id = cw.client.pk
        r = rng.random()
        if r < 0.5:
            tags = rng.sample(cw.tags, 2 if r < 0.1 else 1)
            batch.ticket_tags.extend((ticket_id, t) for t in tags)
        authors = [requester] + [p for p in (executante, gestor) if p]
        for k in range(rng.randint(0, 6)):
            when = min(created + timedelta(hours=1 + k * rng.random() * 24), self.now)
            batch.comments.append((client_id, ticket_id, rng.choice(authors), rng.choice(COMMENTS), when))
        batch.events.append((client_id, ticket_id, requester, "created", {}, False, created))
        if contract is not None:
            batch.events.append(
                (client_id, ticket_id, requester, "sent", {"provider": provider_name, "old": ""}, False, sent)
            )
        if executante is not None:
            who = {"old": "", "new": self.world.names.get(executante, "")}
            batch.events.append(
                (client_id, ticket_id, gestor, "executante", who, False, sent + timedelta(minutes=30))
            )
            batch.perms.extend((pid, executante, ticket_id, client_id) for pid in self.perm_ids)


# ---- Writers: COPY on PostgreSQL, executemany elsewhere ------------------------------------------


def _escape(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        value = value.replace("\r", "\\r")
    return value


# COPY's text format, by Python type (a dict lookup is much cheaper than isinstance chains).
_COPY_TEXT = {
    type(None): lambda v: r"\N",
    bool: lambda v: "t" if v else "f",
    int: str,
    str: _escape,
    datetime: datetime.isoformat,
    date: date.isoformat,
    dict: lambda v: _escape(json.dumps(v, ensure_ascii=False)),
}


def _write(table: str, columns: list[str], rows: list[tuple], fields=None) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        cols = ", ".join(f'"{c}"' for c in columns)
        if connection.vendor == "postgresql":
            conv = _COPY_TEXT
            buffer = io.StringIO()
            buffer.writelines("\t".join([conv[type(v)](v) for v in row]) + "\n" for row in rows)
            buffer.seek(0)
            cursor.cursor.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', buffer)
        else:
            # Let each field adapt its value for the backend (dates, JSON, booleans).
            if fields:
                rows = [
                    tuple(f.get_db_prep_value(v, connection) for f, v in zip(fields, row, strict=True))
                    for row in rows
                ]
            marks = ", ".join(["%s"] * len(columns))
            # Table and column names come from the models, values are parameters.
            cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)  # noqa: S608


def _model_columns(model, names: list[str]):
    fields = [model._meta.get_field(n) for n in names]
    return [f.column for f in fields], fields


def _reserve_ticket_ids(count: int) -> int:
    """The first of ``count`` consecutive ticket ids nobody else will take."""
    table = Ticket._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            seq = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [seq])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
            return first
    return (Ticket.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def write_batch(batch: Batch) -> None:
    ticket_fields = [f for f in Ticket._meta.concrete_fields]
    rows = []
    for t in batch.tickets:
        rows.append(tuple(t[f.attname] if f.attname in t else f.get_default() for f in ticket_fields))
    _write(Ticket._meta.db_table, [f.column for f in ticket_fields], rows, ticket_fields)

    through = Ticket.tags.through
    cols, fields = _model_columns(through, ["ticket", "tag"])
    _write(through._meta.db_table, cols, batch.ticket_tags, fields)
    cols, fields = _model_columns(Comment, ["client", "ticket", "author", "body", "created_at"])
    _write(Comment._meta.db_table, cols, batch.comments, fields)
    cols, fields = _model_columns(
        TicketEvent, ["client", "ticket", "actor", "kind", "data", "financial", "created_at"]
    )
    _write(TicketEvent._meta.db_table, cols, batch.events, fields)
    perm_names = ["permission", "user", "content_object", "client"]
    cols, fields = _model_columns(TicketUserObjectPermission, perm_names)
    _write(TicketUserObjectPermission._meta.db_table, cols, batch.perms, fields)


def _sparse_missing(world: World) -> tuple[int, int]:
    tiny = Ticket.objects.filter(client=world.tiny.client).count()
    newcomer = Ticket.objects.filter(executante_id=world.newcomer).count()
    return max(0, SPARSE - tiny), max(0, SPARSE - newcomer)


BULK_TABLES = (Ticket, Ticket.tags.through, Comment, TicketEvent, TicketUserObjectPermission)


def _secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the bulk tables' indexes that back no constraint."""
    tables = [m._meta.db_table for m in BULK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            JOIN pg_class c ON c.relname = i.indexname AND c.relkind = 'i'
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            ORDER BY i.indexname
            """,
            [tables],
        )
        return cursor.fetchall()


def add_tickets(
    world: World,
    count: int,
    *,
    batch_size: int = 20_000,
    seed: int = 42,
    rebuild_indexes: bool | None = None,
    progress=None,
) -> int:
    """Add ``count`` tickets in batches; returns how many were added.

    On PostgreSQL a large load (at least as many new tickets as there are already)
    drops the secondary indexes and builds them again at the end, in the same
    transaction: building a GIN trigram index once is far cheaper than updating it
    row by row. Smaller loads commit batch by batch.
    """
    postgres = connection.vendor == "postgresql"
    if rebuild_indexes is None:
        rebuild_indexes = postgres and count >= max(50_000, Ticket.objects.count())
    rebuild_indexes = rebuild_indexes and postgres
    gen = Generator(world, seed + Ticket.objects.count())
    tiny_missing, newcomer_missing = _sparse_missing(world)
    done = 0

    def one_batch(size):
        nonlocal tiny_missing, newcomer_missing
        batch = Batch()
        first = _reserve_ticket_ids(size)
        for offset in range(size):
            if tiny_missing:
                tiny_missing -= 1
                gen.ticket(first + offset, batch, world.tiny, force=("tiny",))
            elif newcomer_missing:
                newcomer_missing -= 1
                gen.ticket(first + offset, batch, gen._pick_client(), force=("newcomer",))
            else:
                gen.ticket(first + offset, batch)
        write_batch(batch)
        for client_id, number in gen.numbers.items():
            ClientCompany.objects.filter(pk=client_id, last_ticket_number__lt=number).update(
                last_ticket_number=number
            )
        return batch

    def tune(cursor):
        if postgres:
            # Made-up data: no need to wait for the WAL flush at every commit.
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Every id written here was just read from its table: skip the millions of
            # foreign-key trigger checks (minutes at 1M) where the role may do so.
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError:
                pass

    if rebuild_indexes:
        with transaction.atomic(), connection.cursor() as cursor:
            tune(cursor)
            indexes = _secondary_indexes()
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            while done < count:
                size = min(batch_size, count - done)
                batch = one_batch(size)
                done += size
                if progress:
                    progress(done, batch)
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: check them now,
            # an index cannot be built over rows with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name, sql in indexes:
                if progress:
                    progress(done, None, f"index {name}")
                cursor.execute(sql)
        return done
    while done < count:
        size = min(batch_size, count - done)
        with transaction.atomic(), connection.cursor() as cursor:
            tune(cursor)
            batch = one_batch(size)
        done += size
        if progress:
            progress(done, batch)
    return done


def finish() -> None:
    """Fresh statistics and visibility maps, so the planner and index-only scans see the new rows."""
    if connection.vendor != "postgresql":
        return
    tables = [
        Ticket._meta.db_table,
        Ticket.tags.through._meta.db_table,
        Comment._meta.db_table,
        TicketEvent._meta.db_table,
        TicketUserObjectPermission._meta.db_table,
        ProviderMember._meta.db_table,
        Group._meta.db_table,
    ]
    # VACUUM cannot run inside a transaction (a test, a caller's atomic block).
    vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'{vacuum} "{table}"')
        cursor.execute("ANALYZE")  # the small tables too (people, units, contracts...)
