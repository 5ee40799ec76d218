"""The Gestor sends a quotation, client staff approve it, the cost appears on the ticket."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quotations.models import Cost, Quotation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quotation_from_gestor_to_client_approval(world, live_server, desktop_page, login_as, screenshot):
    page, t1 = desktop_page, world["t1"]
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    login_as(page, "gestor@prestadora.demo")
    page.goto(live_server.url + reverse("tickets:detail", args=[t1.pk]))
    page.get_by_role("link", name="Abrir financeiro").click()
    page.get_by_role("link", name="Nova cotação").click()
    page.locator("#id_items-0-description").fill("Troca de reator 2x32W")
    page.locator("#id_items-0-quantity").fill("3")
    page.locator("#id_items-0-unit_price").fill("1.234,50")
    page.locator("#id_freight").fill("45,00")
    page.locator("#id_notes").fill("Execução em 2 dias úteis")
    screenshot(page, "finance-gestor-quotation-form")
    page.get_by_role("button", name="Salvar e enviar ao cliente").click()
    expect(page.get_by_text("Cotação enviada ao cliente.")).to_be_visible()
    expect(page.get_by_text("R$\u00a03.748,50").first).to_be_visible()
    screenshot(page, "finance-gestor-sent")
    assert Quotation.objects.get(ticket=t1).status == "enviada"

    page.context.clear_cookies()
    login_as(page, "interno@cliente.demo")
    page.goto(live_server.url + reverse("quotations:overview", args=[t1.pk]))
    page.get_by_role("button", name="Aprovar").click()
    expect(page.get_by_text("Cotação aprovada: o custo foi lançado.")).to_be_visible()
    screenshot(page, "finance-client-approved")
    cost = Cost.objects.get(ticket=t1)
    assert str(cost.total) == "3748.50"

    page.goto(live_server.url + reverse("tickets:detail", args=[t1.pk]))
    card = page.locator("#finance-card")
    expect(card.get_by_text("R$\u00a03.748,50")).to_be_visible()
    screenshot(page, "finance-ticket-card")
    assert errors == []
