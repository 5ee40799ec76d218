"""The Executante never sees a quotation, cost or invoice — on any page he can
reach, on any URL filled with his ids, in any e-mail he received."""

import re

import pytest
from django.core import mail

from .crawl import crawl, fill_patterns

pytestmark = pytest.mark.django_db

LEAK = re.compile(
    r"CANARY|987[.,]?654[.,]32|876[.,]?543[.,]21|765[.,]?432[.,]19|654[.,]?321[.,]98|12[.,]?345[.,]67"
    r"|1[.,]?753[.,]?086[.,]42"  # q2 total, 2 × 876.543,21
)


def reach_everything(client, world, finance):
    ids = {
        world["t2"].pk,
        world["t1"].pk,
        finance["q1"].pk,
        finance["q2"].pk,
        finance["cost"].pk,
        finance["invoice"].pk,
        1,
        2,
    }
    extra = list(fill_patterns(sorted(ids), slugs=["iniciar", "finalizar", "vistoriar"]))
    return crawl(client, ["/", "/meus-tickets/", "/fila/", "/tickets/"], extra=extra)


def test_the_executante_finds_no_financial_data_anywhere(world, finance, client):
    client.force_login(world["tecnico2"])
    pages = reach_everything(client, world, finance)
    assert len(pages) > 20  # the crawl really went places
    assert f"/tickets/{world['t2'].pk}/" in pages
    leaks = {path: LEAK.findall(body)[:3] for path, body in pages.items() if LEAK.search(body)}
    assert leaks == {}
    mails = [m for m in mail.outbox if "tecnico2@prestadora.demo" in m.to]
    assert not [m.subject for m in mails if LEAK.search(m.subject + m.body)]


def test_the_same_crawl_as_the_gestor_finds_the_financial_data(world, finance, client):
    client.force_login(world["gestor"])
    pages = reach_everything(client, world, finance)
    found = "\n".join(body for body in pages.values() if LEAK.search(body))
    for marker in ("CANARY-ITEM-1", "CANARY-REFUSAL", "CANARY-COST", "CANARY77", "987.654,32"):
        assert marker in found


def test_the_gestor_reaches_finance_by_following_links_from_the_ticket(world, finance, client):
    client.force_login(world["gestor"])
    pages = crawl(client, [f"/tickets/{world['t2'].pk}/"])
    assert any("CANARY-ITEM-2" in body for body in pages.values())


def test_every_finance_url_answers_the_executante_404(world, finance, client):
    client.force_login(world["tecnico2"])
    t2 = world["t2"].pk
    paths = [p for p in fill_patterns([t2, finance["q1"].pk, finance["invoice"].pk]) if "/financeiro/" in p]
    assert paths
    for path in paths:
        assert client.get(path).status_code == 404, path
        assert (
            client.post(path, {"decision": "approve", "amount": "1", "kind": "materiais"}).status_code == 404
        )
