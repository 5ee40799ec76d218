"""Made-up ticket rows, with their tags, comments, timeline and grants, a batch at a time."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import ClientCompany
from tickets.grants import EXECUTANTE_PERMS
from tickets.models import Ticket

from .world import BIG_SHARE, UNSENT_SHARE, ClientWorld, World

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

STATUS_BY_AGE = [
    (7, {"aberto": 45, "em_execucao": 30, "executado": 15, "vistoriado": 10}),
    (30, {"aberto": 15, "em_execucao": 15, "executado": 25, "vistoriado": 30, "arquivado": 15}),
    (90, {"aberto": 3, "em_execucao": 2, "executado": 10, "vistoriado": 35, "arquivado": 50}),
    (10**6, {"aberto": 1, "executado": 2, "vistoriado": 20, "arquivado": 77}),
]
SLA_HOURS = {4: 4, 3: 24, 2: 72, 1: 168}
HISTORY_DAYS = 730
# One ticket in this many is related to the one its client opened before it: the
# ticket page then lists it (through the person's reach), and so does the benchmark.
RELATED_EVERY = 20
# Mega's newcomer joined a month ago: his tickets are recent, so some are still open and
# his Meus tickets has work on it (spread over two years, all 20 came out closed).
NEWCOMER_DAYS = 30

# ---- Ticket rows --------------------------------------------------------------------------------


@dataclass
class Batch:
    tickets: list[dict] = field(default_factory=list)
    ticket_tags: list[tuple] = field(default_factory=list)
    related: list[tuple] = field(default_factory=list)  # (from, to), both ways as Django stores them
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
        self.last_ticket = {}  # client id -> (id, number) of the ticket made before, this run
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
        age = rng.random() * (NEWCOMER_DAYS if "newcomer" in force else HISTORY_DAYS)
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
        number = self.numbers[client_id]
        previous = self.last_ticket.get(client_id)
        if previous and number % RELATED_EVERY == 0:
            # Related to the client's ticket opened before it, as someone linking two
            # reports of one problem would (no draw from rng: the rest of the world
            # stays what it was before tickets were related).
            other_id, other_number = previous
            batch.related += [(ticket_id, other_id), (other_id, ticket_id)]
            batch.events.append(
                (client_id, ticket_id, requester, "related", {"number": other_number}, False, created)
            )
            batch.events.append(
                (client_id, other_id, requester, "related", {"number": number}, False, created)
            )
        self.last_ticket[client_id] = (ticket_id, number)
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
