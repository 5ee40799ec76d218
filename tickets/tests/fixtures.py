"""A small, explicit ticket world on top of the demo people.

Supermercados Exemplo (SM):
  t1  Clima, Loja LJ01, allocated to tecnico1
  t2  Clima, LJ02, allocated to tecnico2
  t3  Clima, LJ03, not allocated
  t4  Elétrica, LJ01, allocated to tecnico@outra
  t5  not sent to any provider
Banco Modelo:
  b1  Clima (tecnico1 is Gestor there), not allocated
"""

import pytest
from django.core import mail


def statements(captured) -> int:
    """The statements a CaptureQueriesContext saw, less a connection's one-off PREPARE
    of the reach query (trilogo/prepared.py): setting up a connection, not the cost
    of the request that happened to be its first."""
    return sum(1 for query in captured.captured_queries if not query["sql"].startswith("PREPARE "))


@pytest.fixture
def world(demo, django_capture_on_commit_callbacks):
    # Imported here: this module is a pytest plugin, loaded before Django is set up.
    from providers.models import Contract
    from tickets import services

    sm, banco = demo["supermercados"], demo["banco"]
    clima_sm = Contract.objects.get(client=sm, provider=demo["clima"])
    eletrica_sm = Contract.objects.get(client=sm, provider=demo["eletrica"])
    clima_banco = Contract.objects.get(client=banco, provider=demo["clima"])
    lj = {u.code: u for u in sm.units.all()}
    ag = banco.units.get(code="AG01")

    def make(client, unit, contract, executante=None, gestor=None, title="Refletor não liga"):
        requester = demo["client_admin"] if client == sm else demo["other_client_admin"]
        ticket = services.ticket_create(
            client=client, requester=requester, title=title, unit=unit, contract=contract
        )
        if executante:
            services.ticket_allocate(ticket=ticket, executante=executante, by=gestor)
        ticket.refresh_from_db()
        return ticket

    with django_capture_on_commit_callbacks(execute=True):
        tickets = {
            "t1": make(
                sm, lj["LJ01"], clima_sm, demo["tecnico1"], demo["gestor"], "Refletor do estacionamento"
            ),
            "t2": make(
                sm, lj["LJ02"], clima_sm, demo["tecnico2"], demo["gestor"], "Ar-condicionado pingando"
            ),
            "t3": make(sm, lj["LJ03"], clima_sm, title="Câmara fria quente"),
            "t4": make(
                sm, lj["LJ01"], eletrica_sm, demo["other_tecnico"], demo["other_gestor"], "Tomada sem energia"
            ),
            "t5": make(sm, lj["LJ02"], None, title="Porta travando"),
            "b1": make(banco, ag, clima_banco, title="Agência sem luz"),
        }
    mail.outbox.clear()
    return {**demo, **tickets, "clima_sm": clima_sm, "eletrica_sm": eletrica_sm, "clima_banco": clima_banco}


@pytest.fixture
def as_user(client):
    """Log the test client in as a persona: as_user(world["gestor"])."""

    def login(user):
        client.force_login(user)
        return client

    return login
