"""Quotations, costs and invoices per persona; forged posts change nothing."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quotations.models import Cost, Invoice, Quotation
from quotations.templatetags.money import brl
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db


def overview(ticket):
    return reverse("quotations:overview", args=[ticket.pk])


ITEMS = {
    "items-TOTAL_FORMS": "3",
    "items-INITIAL_FORMS": "0",
    "items-MIN_NUM_FORMS": "0",
    "items-MAX_NUM_FORMS": "50",
    "items-0-description": "Troca de reator",
    "items-0-quantity": "2",
    "items-0-unit_price": "1.234,50",
    "freight": "10,00",
    "notes": "Garantia de 90 dias",
}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("gestor", 200),
        ("client_staff", 200),
        ("client_admin", 200),
        ("root", 200),
        ("tecnico1", 404),
        ("other_gestor", 404),
        ("other_client_admin", 404),
    ],
)
def test_the_finance_page_is_for_the_gestor_and_the_client(world, client, persona, status):
    client.force_login(world[persona])
    assert client.get(overview(world["t1"])).status_code == status


def test_brl_formats_brazilian_money():
    assert brl(Decimal("1234.5")) == "R$\u00a01.234,50"
    assert brl(Decimal("987654.32")) == "R$\u00a0987.654,32"
    assert brl(Decimal("0")) == "R$\u00a00,00"
    assert brl("x") == ""


def test_the_gestor_sends_a_quotation_and_the_client_is_told(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world["gestor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("quotations:quotation_new", args=[world["t1"].pk]), {**ITEMS, "send": "1"}
        )
    assert response.status_code == 302
    quotation = Quotation.objects.get(ticket=world["t1"])
    assert quotation.status == "enviada" and quotation.total == Decimal("2479.00")
    assert [m.to for m in mail.outbox] == [[world["t1"].requester.email]]
    assert "R$\u00a02.479,00" in mail.outbox[0].body
    page = client.get(overview(world["t1"])).content.decode()
    assert "R$\u00a02.479,00" in page and "Troca de reator" in page


def test_a_quotation_without_items_is_refused_and_keeps_the_text(world, client):
    client.force_login(world["gestor"])
    data = {**ITEMS, "items-0-description": "", "items-0-quantity": "", "items-0-unit_price": ""}
    response = client.post(reverse("quotations:quotation_new", args=[world["t1"].pk]), data)
    assert response.status_code == 400
    assert "Garantia de 90 dias" in response.content.decode()
    assert not Quotation.objects.exists()


def test_bad_money_gets_a_form_error_not_a_500(world, client):
    client.force_login(world["gestor"])
    data = {**ITEMS, "items-0-unit_price": "muito caro", "freight": "-3"}
    response = client.post(reverse("quotations:quotation_new", args=[world["t1"].pk]), data)
    assert response.status_code == 400
    assert not Quotation.objects.exists()


def sent_quotation(world):
    from quotations import services

    q = services.quotation_save(
        ticket=world["t1"],
        by=world["gestor"],
        items=[{"description": "Reator", "quantity": Decimal("1"), "unit_price": Decimal("300")}],
    )
    return services.quotation_send(quotation=q, by=world["gestor"])


def test_the_client_approves_and_the_cost_appears(world, client, django_capture_on_commit_callbacks):
    q = sent_quotation(world)
    client.force_login(world["client_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("quotations:quotation_decide", args=[world["t1"].pk, q.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    cost = Cost.objects.get(ticket=world["t1"])
    assert cost.quotation == q and cost.total == Decimal("300.00")
    assert [m.to for m in mail.outbox][-1] == ["gestor@prestadora.demo"]


def test_refusing_needs_a_reason_and_a_new_version_can_follow(world, client):
    q = sent_quotation(world)
    client.force_login(world["client_staff"])
    url = reverse("quotations:quotation_decide", args=[world["t1"].pk, q.pk])
    assert client.post(url, {"decision": "refuse", "reason": ""}).status_code == 400
    assert client.post(url, {"decision": "refuse", "reason": "Caro demais"}).status_code == 302
    q.refresh_from_db()
    assert q.status == "recusada" and q.refusal_reason == "Caro demais"
    client.force_login(world["gestor"])
    client.post(reverse("quotations:quotation_new", args=[world["t1"].pk]), ITEMS)
    assert Quotation.objects.get(version=2).previous == q


@pytest.mark.parametrize("persona", ["tecnico1", "other_gestor", "other_client_admin"])
def test_forged_finance_posts_by_outsiders_change_nothing(world, client, persona):
    q = sent_quotation(world)
    client.force_login(world[persona])
    t = world["t1"].pk
    posts = [
        (reverse("quotations:quotation_new", args=[t]), {**ITEMS, "send": "1"}),
        (reverse("quotations:quotation_decide", args=[t, q.pk]), {"decision": "approve"}),
        (reverse("quotations:quotation_send", args=[t, q.pk]), {}),
        (reverse("quotations:cost_new", args=[t]), {"kind": "materiais", "amount": "10"}),
        (
            reverse("quotations:invoice_new", args=[t]),
            {"number": "1", "issue_date": "2026-01-01", "amount": "1", "issuer_cnpj": "77.888.999/0001-81"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert Quotation.objects.count() == 1 and not Cost.objects.exists() and not Invoice.objects.exists()
    q.refresh_from_db()
    assert q.status == "enviada"


def test_the_gestor_cannot_approve_his_own_quotation(world, client):
    q = sent_quotation(world)
    client.force_login(world["gestor"])
    url = reverse("quotations:quotation_decide", args=[world["t1"].pk, q.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    q.refresh_from_db()
    assert q.status == "enviada"


def test_material_costs_from_aberto_labour_only_once_executed(world, client):
    client.force_login(world["gestor"])
    url = reverse("quotations:cost_new", args=[world["t1"].pk])
    assert client.post(url, {"kind": "materiais", "amount": "150,00"}).status_code == 302
    response = client.post(url, {"kind": "mao_de_obra", "amount": "300,00", "document_number": "OS-9"})
    assert response.status_code == 400
    assert "executado" in response.content.decode() and "OS-9" in response.content.decode()
    ticket_services.ticket_start(ticket=world["t1"], by=world["tecnico1"])
    ticket_services.ticket_finish(ticket=world["t1"], by=world["tecnico1"])
    assert client.post(url, {"kind": "mao_de_obra", "amount": "300,00"}).status_code == 302
    assert sorted(Cost.objects.values_list("kind", flat=True)) == ["mao_de_obra", "materiais"]


def test_invoices_with_a_pdf_link_their_costs(world, client):
    from quotations import services

    ticket_services.ticket_start(ticket=world["t1"], by=world["tecnico1"])
    ticket_services.ticket_finish(ticket=world["t1"], by=world["tecnico1"])
    cost = services.cost_add(
        ticket=world["t1"], by=world["gestor"], kind="mao_de_obra", amount=Decimal("300")
    )
    client.force_login(world["gestor"])
    pdf = SimpleUploadedFile("nf.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf")
    response = client.post(
        reverse("quotations:invoice_new", args=[world["t1"].pk]),
        {
            "number": "4521",
            "series": "1",
            "issue_date": "2026-12-01",
            "amount": "300,00",
            "issuer_cnpj": "77.888.999/0001-81",
            "costs": [cost.pk],
            "file": pdf,
        },
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    cost.refresh_from_db()
    assert cost.invoice == invoice
    download = reverse("quotations:invoice_file", args=[world["t1"].pk, invoice.pk])
    assert client.get(download).status_code == 200
    client.force_login(world["tecnico1"])
    assert client.get(download).status_code == 404


def test_an_invalid_cnpj_on_an_invoice_is_a_clear_error(world, client):
    ticket_services.ticket_start(ticket=world["t1"], by=world["tecnico1"])
    ticket_services.ticket_finish(ticket=world["t1"], by=world["tecnico1"])
    client.force_login(world["gestor"])
    response = client.post(
        reverse("quotations:invoice_new", args=[world["t1"].pk]),
        {"number": "77", "issue_date": "2026-12-01", "amount": "10", "issuer_cnpj": "11.111.111/1111-11"},
    )
    assert response.status_code == 400
    assert "CNPJ" in response.content.decode()
    assert not Invoice.objects.exists()


def test_financial_timeline_rows_are_hidden_from_the_executante(world, client):
    sent_quotation(world)
    client.force_login(world["gestor"])
    assert (
        "Cotação v1 enviada" in client.get(reverse("tickets:detail", args=[world["t1"].pk])).content.decode()
    )
    client.force_login(world["tecnico1"])
    html = client.get(reverse("tickets:detail", args=[world["t1"].pk])).content.decode()
    assert "Cotação" not in html and "R$" not in html
