"""Demo finance: a sent quotation, an approved one with its cost, and an invoice."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from providers.models import ProviderMember
from tickets.models import Ticket

from . import services
from .models import Quotation


@transaction.atomic
def seed_finance() -> int:
    if Quotation.objects.exists():
        return 0
    made = 0
    tickets = Ticket.objects.filter(contract__isnull=False, client__name="Supermercados Exemplo").order_by(
        "number"
    )
    for ticket in tickets.filter(status__in=["aberto", "executado"])[:3]:
        gestor = ProviderMember.objects.filter(contract_id=ticket.contract_id, role="gestor").first()
        if gestor is None:
            continue
        items = [
            {
                "description": "Mão de obra (2 técnicos, 4 h)",
                "quantity": Decimal("8"),
                "unit_price": Decimal("95.00"),
            },
            {
                "description": "Reator eletrônico 2x32W",
                "quantity": Decimal("3"),
                "unit_price": Decimal("48.90"),
            },
        ]
        quotation = services.quotation_save(
            ticket=ticket,
            by=gestor.user,
            items=items,
            freight=Decimal("35.00"),
            valid_until=timezone.localdate() + timedelta(days=15),
            notes="Prazo de execução: 2 dias úteis após aprovação.",
        )
        services.quotation_send(quotation=quotation, by=gestor.user)
        made += 1
        if ticket.status == "executado":
            services.quotation_decide(quotation=quotation, by=ticket.requester, approve=True)
            services.invoice_add(
                ticket=ticket,
                by=gestor.user,
                number=f"{1000 + ticket.number}",
                series="1",
                issue_date=timezone.localdate(),
                amount=quotation.total,
                issuer_cnpj="77.888.999/0001-81",
                costs=list(ticket.costs.all()),
            )
    return made
