from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("tickets/_chips.html")
def status_chips(ticket):
    return {"t": ticket}


@register.filter
def days_left(deadline):
    if not deadline:
        return None
    return (deadline - timezone.localdate()).days
