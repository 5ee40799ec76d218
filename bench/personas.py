"""Who the benchmark logs in as, and what each one does.

Every persona comes from ``manage.py seed_bulk`` (tickets/management/bulk/).
"""

from dataclasses import dataclass, field

from django.db.models import Count

from accounts.models import User
from providers.models import ProviderMember
from tickets import access
from tickets.management.bulk import PERSONAS
from tickets.models import Ticket
from tickets.paging import MAX_PAGES, PAGE_SIZE

# (key, what it is, the list page it works from)
ROSTER = [
    ("gestor_big", "Gestor of the big provider (half of all tickets)", "/fila/"),
    ("gestor_small", "Gestor of a small provider", "/fila/"),
    ("executante_big", "Executante with ~10k tickets", "/meus-tickets/"),
    ("executante_sparse", "Executante with ~20 tickets", "/meus-tickets/"),
    ("client_staff", "Client staff of the biggest client", "/tickets/"),
    ("gestor_executante", "Gestor under one client, Executante under another (queue)", "/fila/"),
    ("gestor_executante_mine", "the same person, his Meus tickets", "/meus-tickets/"),
]
SEARCH = "vazamento"
# What a technician's phone sends when he searches: the form keeps its status chips
# (open work, by default) and its sort by deadline as hidden fields (session 14).
PHONE_SEARCH = f"status=aberto&status=em_execucao&sort=deadline&q={SEARCH}"


@dataclass
class Persona:
    key: str
    label: str
    user: User
    list_url: str
    sees: int = 0  # tickets in the list's scope (all statuses)
    deep_page: int = 1
    detail_ids: list[int] = field(default_factory=list)
    allocation: tuple | None = None  # (actor, ticket id, [target user ids])

    @property
    def scope(self):
        return {"/fila/": "queue", "/meus-tickets/": "mine", "/tickets/": "client"}[self.list_url]

    def base(self):
        return {
            "queue": access.gestor_tickets,
            "mine": access.executante_tickets,
            "client": access.client_tickets,
        }[self.scope](self.user)

    @property
    def scenarios(self):
        url = self.list_url
        scenarios = {
            "list": url,
            "filtered": f"{url}?status=aberto&q={SEARCH}",
            "search": f"{url}?q={SEARCH}",
            "deep": f"{url}?page={self.deep_page}",
            "sorted": f"{url}?sort=priority",
        }
        if self.scope == "mine":
            scenarios["phone_search"] = f"{url}?{PHONE_SEARCH}"
        return scenarios


def _allocation_for(persona: Persona):
    """A Gestor reallocating one open ticket in this persona's reach, back and forth
    between two people: the persona himself when he is a Gestor of it, his Gestor
    when he is its Executante or the client's staff."""
    user = persona.user
    base = persona.base().open().filter(contract__isnull=False)
    ticket = base.order_by("-created_at", "-id").first()
    if ticket is None:
        return None
    members = ProviderMember.objects.filter(contract_id=ticket.contract_id, active=True)
    reach = access.reach_for(User.objects.get(pk=user.pk))
    if ticket.contract_id in reach.gestor_contract_ids:
        actor = user
    else:
        actor = members.filter(role="gestor").order_by("id").first().user
    others = list(
        members.filter(role="executante")
        .exclude(user=user)
        .order_by("id")
        .values_list("user_id", flat=True)[:2]
    )
    targets = [user.pk, others[0]] if persona.scope == "mine" else others[:2]
    return actor, ticket.pk, targets


def load_personas() -> list[Persona]:
    people = []
    for key, label, url in ROSTER:
        email = PERSONAS[key.removesuffix("_mine")]
        user = User.objects.get(email=email)
        persona = Persona(key, label, user, url)
        base = persona.base()
        persona.sees = base.count()
        persona.deep_page = max(1, min(MAX_PAGES, -(-persona.sees // PAGE_SIZE)))
        persona.detail_ids = list(base.order_by("-created_at", "-id").values_list("id", flat=True)[:20])
        persona.allocation = _allocation_for(persona)
        people.append(persona)
    return people


def world_summary() -> dict:
    tickets = Ticket.objects.count()
    by_provider = Ticket.objects.values("contract__provider__name").annotate(n=Count("id")).order_by("-n")[:3]
    return {
        "tickets": tickets,
        "comments": Ticket.comments.rel.related_model.objects.count(),
        "top_providers": [(r["contract__provider__name"] or "(not sent)", r["n"]) for r in by_provider],
    }
