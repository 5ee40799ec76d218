from decimal import Decimal

from django import template
from django.db.models import Sum

register = template.Library()


@register.inclusion_tag("quotations/_ticket_finance_card.html")
def finance_card(ticket, access):
    """The ticket page's finance summary. Renders nothing without finance access."""
    if not access.financials:
        return {"show": False}
    costs = ticket.costs.all()
    return {
        "show": True,
        "ticket": ticket,
        "costs_total": sum((c.total for c in costs), Decimal("0")),
        "costs_count": len(costs),
        "pending": ticket.quotations.filter(status="enviada").count(),
        "invoiced": ticket.invoices.aggregate(s=Sum("amount"))["s"] or Decimal("0"),
    }
