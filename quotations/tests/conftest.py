from decimal import Decimal

import pytest
from django.utils import timezone

from quotations import services
from tickets import services as ticket_services

MARKER = "CANARY"
AMOUNT = Decimal("987654.32")


@pytest.fixture
def finance(world, django_capture_on_commit_callbacks):
    """Finance on t2 (allocated to tecnico2, a pure Executante): every text field a
    unique marker, every amount unusual, so a leak anywhere is found."""
    t2, gestor = world["t2"], world["gestor"]
    with django_capture_on_commit_callbacks(execute=True):
        q1 = services.quotation_save(
            ticket=t2,
            by=gestor,
            items=[{"description": f"{MARKER}-ITEM-1", "quantity": Decimal("1"), "unit_price": AMOUNT}],
            freight=Decimal("12345.67"),
            notes=f"{MARKER}-NOTES-1",
        )
        services.quotation_send(quotation=q1, by=gestor)
        services.quotation_decide(
            quotation=q1, by=world["client_staff"], approve=False, reason=f"{MARKER}-REFUSAL"
        )
        q2 = services.quotation_save(
            ticket=t2,
            by=gestor,
            items=[
                {
                    "description": f"{MARKER}-ITEM-2",
                    "quantity": Decimal("2"),
                    "unit_price": Decimal("876543.21"),
                }
            ],
            freight=Decimal("0"),
            notes=f"{MARKER}-NOTES-2",
        )
        services.quotation_send(quotation=q2, by=gestor)
        services.quotation_decide(quotation=q2, by=world["client_staff"], approve=True)
        ticket_services.ticket_start(ticket=t2, by=world["tecnico2"])
        ticket_services.ticket_finish(ticket=t2, by=world["tecnico2"])
        cost = services.cost_add(
            ticket=t2,
            by=gestor,
            kind="mao_de_obra",
            amount=Decimal("765432.19"),
            document_number=f"{MARKER}-DOC",
            description=f"{MARKER}-COST",
        )
        invoice = services.invoice_add(
            ticket=t2,
            by=gestor,
            number="CANARY77",
            series="C9",
            issue_date=timezone.localdate(),
            amount=Decimal("654321.98"),
            issuer_cnpj="77.888.999/0001-81",
            costs=[cost],
        )
    return {"q1": q1, "q2": q2, "cost": cost, "invoice": invoice}
