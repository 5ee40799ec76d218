"""The one door to tickets. No view queries Ticket.objects directly.

Reach comes from three grants, all read here:
- client staff: an active ClientMembership → every ticket of that client;
- Gestor: the contract's gestor group holds guardian's ``providers.manage_tickets``
  on the Contract → every ticket sent under that contract;
- Executante: per-ticket guardian rows (TicketUserObjectPermission), handed out on
  allocation → only the tickets allocated to him.

Lists are built as index-friendly filters (contract ids, client ids, a semi-join on
the direct-FK permission table), never guardian's OR of hashed subplans over tickets.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.db.models import BigIntegerField, BooleanField, Expression, F, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from accounts.models import ClientCompany, ClientMembership, User
from providers.models import Contract, ContractGroupObjectPermission, ProviderMember
from trilogo.prepared import PreparedStatement, reuse_plans

from .grants import view_perm_id
from .models import Ticket, TicketUserObjectPermission

# Refused access is logged (who, which ticket, what) for the operators; never shown.
security_log = logging.getLogger("trilogo.security")

# Which roles may do what on a ticket they can see. One table, read by every view.
ACTIONS: dict[str, frozenset[str]] = {
    "view": frozenset({"client", "gestor", "executante", "platform"}),
    "comment": frozenset({"client", "gestor", "executante"}),
    "tag": frozenset({"client", "gestor", "executante"}),
    "set_deadline": frozenset({"client", "gestor", "executante"}),
    "attach": frozenset({"client", "gestor", "executante"}),
    "execute": frozenset({"gestor", "executante"}),
    "allocate": frozenset({"gestor"}),
    "duplicate": frozenset({"client", "gestor"}),
    "relate": frozenset({"client", "gestor"}),
    "pdf": frozenset({"client", "gestor", "platform"}),
    "send": frozenset({"client"}),
    "inspect": frozenset({"client"}),
    "reopen": frozenset({"client"}),
    "archive": frozenset({"client"}),
    "edit": frozenset({"client"}),
}


@dataclass(frozen=True)
class Reach:
    """What a person can reach, computed once per request from small tables."""

    client_ids: frozenset[int] = frozenset()
    admin_client_ids: frozenset[int] = frozenset()
    gestor_contract_ids: frozenset[int] = frozenset()
    # The clients of those contracts (the Gestor's filter options), from the same query.
    gestor_client_ids: frozenset[int] = frozenset()
    financial_contract_ids: frozenset[int] = frozenset()
    executante_contract_ids: frozenset[int] = frozenset()
    is_platform: bool = False

    @property
    def is_gestor(self):
        return bool(self.gestor_contract_ids)

    @property
    def is_client_staff(self):
        return bool(self.client_ids)

    @property
    def is_executante(self):
        return bool(self.executante_contract_ids)


@cache
def _reach_statement():
    """The reach query: one UNION ALL over the three small grant tables, rows of
    (kind, object id, detail, client id).

    Written as SQL because every request runs it: the same query through the ORM
    spent twice as long being built and compiled in Python as in the database
    (about 2 ms of 3, bench/README.md). Table names come from the models.
    """
    table = {
        "membership": ClientMembership._meta.db_table,
        "client": ClientCompany._meta.db_table,
        "grant": ContractGroupObjectPermission._meta.db_table,
        "contract": Contract._meta.db_table,
        "user_groups": User.groups.through._meta.db_table,
        "permission": Permission._meta.db_table,
        "content_type": ContentType._meta.db_table,
        "member": ProviderMember._meta.db_table,
    }
    # Guardian's direct-FK rows for the gestor groups the person belongs to.
    sql = """
        SELECT 'client', m.client_id, m.role, m.client_id
          FROM {membership} m JOIN {client} c ON c.id = m.client_id
         WHERE m.user_id = %(user)s AND m.active AND c.active
        UNION ALL
        SELECT 'grant', g.content_object_id, p.codename, k.client_id
          FROM {grant} g
          JOIN {contract} k ON k.id = g.content_object_id
          JOIN {user_groups} ug ON ug.group_id = g.group_id
          JOIN {permission} p ON p.id = g.permission_id
          JOIN {content_type} ct ON ct.id = p.content_type_id
         WHERE ug.user_id = %(user)s AND k.active AND ct.app_label = 'providers'
           AND p.codename IN ('manage_tickets', 'view_financials')
        UNION ALL
        SELECT 'executes', pm.contract_id, pm.role, k.client_id
          FROM {member} pm JOIN {contract} k ON k.id = pm.contract_id
         WHERE pm.user_id = %(user)s AND pm.active AND k.active AND pm.role = %(executante)s
    """.format(**{k: connection.ops.quote_name(v) for k, v in table.items()})  # noqa: S608 - model table names
    return PreparedStatement("trilogo_reach", sql, {"user": "bigint", "executante": "text"})


def _reach_rows(user):
    with connection.cursor() as cursor:
        params = {"user": user.pk, "executante": ProviderMember.Role.EXECUTANTE.value}
        _reach_statement().execute(cursor, params)
        return cursor.fetchall()


def reach_for(user) -> Reach:
    """The person's reach, cached on the user object for the rest of the request.

    Nothing is cached across requests, so a reclassification or deactivation
    takes effect on the person's very next request.
    """
    if not user.is_authenticated or not user.is_active:
        return Reach()
    cached = getattr(user, "_trilogo_reach", None)
    if cached is not None:
        return cached
    found = defaultdict(set)
    gestor_clients = set()
    for kind, object_id, detail, client_id in _reach_rows(user):
        found[(kind, detail)].add(object_id)
        if (kind, detail) == ("grant", "manage_tickets"):
            gestor_clients.add(client_id)
    reach = Reach(
        client_ids=frozenset(found[("client", "admin")] | found[("client", "staff")]),
        admin_client_ids=frozenset(found[("client", "admin")]),
        gestor_contract_ids=frozenset(found[("grant", "manage_tickets")]),
        gestor_client_ids=frozenset(gestor_clients),
        financial_contract_ids=frozenset(found[("grant", "view_financials")]),
        executante_contract_ids=frozenset(found[("executes", "executante")]),
        is_platform=user.is_superuser,
    )
    user._trilogo_reach = reach
    return reach


def allocated_to(pk) -> Q:
    """Tickets whose Responsável Executante is ``pk``, the key typed as the column
    (bigint). The text search's trigram indexes lead with ``executante_id`` through
    btree_gin (migration 0008), whose operator classes hold no cross-type operators:
    compared with the integer literal the driver writes for a Python int, the column
    is left to a recheck, and a technician's search gathers every ticket with the word
    (bench/README.md). B-tree indexes serve the typed comparison as before."""
    # Fixed SQL (valid on SQLite too) rather than Cast(Value(pk), ...): Django compiling
    # a Cast added 0.6 M instructions to a Meus tickets page, this 0.25 M.
    return Q(executante_id=RawSQL("CAST(%s AS bigint)", [pk], output_field=BigIntegerField()))


@lru_cache(maxsize=1024)
def _executante_base(pk: int, perm_id: int, probe_grants: bool) -> QuerySet:
    """The Meus tickets queryset of person ``pk``, built once per process and never
    evaluated itself: ``executante_tickets`` hands out a clone (``.all()``) of it, as
    Django's class-based views do with their ``queryset`` attribute. Its SQL depends on
    nothing but these arguments (the view permission's id is one: a flush recreates
    it), and it runs anew for every clone, so nothing about his tickets or grants is
    remembered between requests. Building it took a tenth of a Meus tickets page:
    29.5 → 26.8 M instructions per page for executante_big at 1M, 22.4 → 19.8 M for
    the sparse technician (bench/README.md)."""
    if probe_grants:
        return Ticket.objects.filter(GrantProbe(pk, perm_id), allocated_to(pk))
    # Both the allocation and its grant rows: the indexed executante column bounds
    # the scan to the person's own tickets (an ordered index range), and the grant
    # rows stay the authority (a semi-join probed once per row). The two always
    # move together (tickets.grants, tickets.services); requiring both can only
    # ever narrow.
    grant_ids = TicketUserObjectPermission.objects.filter(user_id=pk, permission_id=perm_id)
    return Ticket.objects.filter(allocated_to(pk), id__in=grant_ids.values("content_object_id"))


def visible_tickets(user) -> QuerySet:
    """Every ticket the person may see, as one QuerySet (no Python loops, no has_perm),
    for finding a few tickets that something else narrows by an index: one ticket by
    its key, a ticket's related tickets, a ticket number within a client. Never a
    list: each list is one of the single-branch builders below, whose condition an
    index can walk.

    Each candidate ticket is checked on its own row: under a contract the person
    manages, of a client whose staff he is, or allocated to him with his grant row,
    probed by index (``GrantProbe``: one probe, never a hash of all his grants).
    Until session 11 the reaches were combined as ``id IN (<branch> UNION ALL
    <branch> ...)``: looking a ticket up by its key pushed the key into each branch,
    but any other narrowing made PostgreSQL hash every ticket the person can see. At
    1M tickets, for the Gestor of half of them, the related tickets of a ticket with
    one took 281 ms of SQL, and finding a ticket by number to relate 373 ms
    (bench/README.md).

    Built once per user object, like the reach it comes from, and handed out as a
    fresh copy each time (a caller that reads it fills only its own copy's rows).
    """
    reach = reach_for(user)
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if reach.is_platform:
        return Ticket.objects.all()
    built = getattr(user, "_trilogo_visible", None)
    if built is None or built[0] is not reach:
        condition = Q(executante_id=user.pk) & GrantProbe(user.pk, view_perm_id())
        if reach.gestor_contract_ids:
            condition |= Q(contract_id__in=sorted(reach.gestor_contract_ids))
        if reach.client_ids:
            condition |= Q(client_id__in=sorted(reach.client_ids))
        built = (reach, Ticket.objects.filter(condition))
        user._trilogo_visible = built
    return built[1].all()


class GrantProbe(Expression):
    """``EXISTS`` one grant row of the person's for this ticket, probed once per
    candidate ticket: the same rows as the grant semi-join of ``executante_tickets``, planned
    differently.

    For the semi-join PostgreSQL reads every one of the person's grant rows into a
    hash (10,000 for a technician with 10,000 tickets: 1.2 ms), however few of his
    tickets the list's other conditions leave. ``OFFSET 0`` keeps the subquery from
    being pulled up into that join, so each candidate ticket costs one index probe
    on (user, permission, ticket) instead. Which form is cheaper depends on how many
    candidates there are: see ``executante_tickets``.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, user_id: int, permission_id: int, ticket=None):
        super().__init__()
        self.user_id = user_id
        self.permission_id = permission_id
        self.ticket = ticket if ticket is not None else F("pk")

    def get_source_expressions(self):
        return [self.ticket]

    def set_source_expressions(self, exprs):
        (self.ticket,) = exprs

    def _sql(self, compiler, tail):
        ticket, params = compiler.compile(self.ticket)
        table = compiler.quote_name(TicketUserObjectPermission._meta.db_table)
        # Table and column names from the models' metadata; the values are parameters.
        sql = (
            f'EXISTS (SELECT 1 FROM {table} WHERE "user_id" = %s AND "permission_id" = %s'  # noqa: S608
            f' AND "content_object_id" = {ticket}{tail})'
        )
        return sql, (self.user_id, self.permission_id, *params)

    def as_sql(self, compiler, connection):
        return self._sql(compiler, " OFFSET 0")

    def as_sqlite(self, compiler, connection):
        # SQLite has no OFFSET without a LIMIT, and probes a correlated EXISTS anyway.
        return self._sql(compiler, "")


def executante_tickets(user, *, probe_grants=False) -> QuerySet:
    """Only the tickets allocated to the person ("Meus tickets"): allocated to him,
    and with his view grant row.

    ``probe_grants``: check each candidate ticket's grant by index probe
    (``GrantProbe``) rather than as a semi-join over all his grants. The list asks for
    it when the candidates are few (``views.lists._bounded``: tickets not yet closed,
    no text search, a page within the count's cap): PostgreSQL then probes a few
    hundred grants where the semi-join hashed all of them (the default page's keys
    for a technician with 10,000 tickets: 1.6 → 0.5 ms, bench/README.md). A text
    search, closed statuses or a deep page keep the semi-join: probed, they were up
    to 40 times slower. The same rows either way.
    """
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    return _executante_base(user.pk, view_perm_id(), probe_grants).all()


def gestor_tickets(user) -> QuerySet:
    """The Gestor's queue: every ticket under the contracts he manages."""
    reach = reach_for(user)
    return Ticket.objects.filter(contract_id__in=sorted(reach.gestor_contract_ids))


def client_tickets(user) -> QuerySet:
    reach = reach_for(user)
    return Ticket.objects.filter(client_id__in=sorted(reach.client_ids))


@dataclass(frozen=True)
class TicketAccess:
    """The person's roles on one ticket, and what they allow."""

    ticket: Ticket
    roles: frozenset[str]
    financials: bool

    def can(self, action: str) -> bool:
        if action == "view_financials":
            return self.financials
        return bool(self.roles & ACTIONS[action])

    def __getattr__(self, name):
        # Templates read access.can_allocate, access.can_comment, ...
        if name.startswith("can_"):
            return self.can(name[4:])
        raise AttributeError(name)


def ticket_access(user, ticket: Ticket) -> TicketAccess:
    reach = reach_for(user)
    roles = set()
    if reach.is_platform:
        roles.add("platform")
    if ticket.client_id in reach.client_ids:
        roles.add("client")
    if ticket.contract_id and ticket.contract_id in reach.gestor_contract_ids:
        roles.add("gestor")
    if (
        ticket.executante_id == user.pk
        and TicketUserObjectPermission.objects.filter(
            user_id=user.pk, content_object_id=ticket.pk, permission_id=view_perm_id()
        ).exists()
    ):
        roles.add("executante")
    financials = (
        reach.is_platform
        or ticket.client_id in reach.client_ids
        or (ticket.contract_id is not None and ticket.contract_id in reach.financial_contract_ids)
    )
    return TicketAccess(ticket=ticket, roles=frozenset(roles), financials=financials)


def get_ticket_for_user(user, pk, action: str = "view", *, for_update=False):
    """The ticket and the person's access to it.

    404 when the person cannot see it — exactly the same answer as a ticket that
    does not exist; 403 only when they see it but may not do ``action``.
    """
    qs = visible_tickets(user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        # Looked up by its key: PostgreSQL plans it once per connection (reuse_plans).
        with connections[qs.db].execute_wrapper(reuse_plans):
            ticket = (
                qs.select_related("client", "unit", "area", "executante")
                .prefetch_related(
                    "category", Prefetch("contract", Contract.objects.select_related("provider"))
                )
                .get(pk=pk)
            )
    except (Ticket.DoesNotExist, ValueError, TypeError, OverflowError):
        security_log.info("refused: user=%s ticket=%s action=%s (not visible)", user.pk, pk, action)
        raise Http404 from None
    access = ticket_access(user, ticket)
    if not access.can(action):
        security_log.info(
            "refused: user=%s ticket=%s action=%s roles=%s", user.pk, pk, action, sorted(access.roles)
        )
        raise PermissionDenied
    return ticket, access


def can_see_financials(user, ticket: Ticket) -> bool:
    """Quotations, costs, invoices and any money value: Gestor of the ticket's
    contract (guardian ``view_financials`` on the contract) or the client's staff."""
    return ticket_access(user, ticket).financials


def financial_tickets(user) -> QuerySet:
    """Tickets whose financial data the person may see (for quotation/cost querysets)."""
    reach = reach_for(user)
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if reach.is_platform:
        return Ticket.objects.all()
    return Ticket.objects.filter(
        Q(contract_id__in=sorted(reach.financial_contract_ids)) | Q(client_id__in=sorted(reach.client_ids))
    )
