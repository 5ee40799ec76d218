from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# The filters shown in the first row of a list's filter form; the rest sit behind "More filters".
PRIMARY_FILTERS = ("q", "sort", "status", "unit", "unallocated")


@register.inclusion_tag("tickets/_chips.html")
def status_chips(ticket):
    return {"t": ticket}


@register.filter
def days_left(deadline):
    if not deadline:
        return None
    return (deadline - timezone.localdate()).days


@register.filter
def deadline_hint(ticket):
    """'due today', 'in 3 days', '2 days late': what a deadline means for work still to do."""
    if not ticket.deadline or ticket.status not in ("aberto", "em_execucao"):
        return ""
    days = (ticket.deadline - timezone.localdate()).days
    if days == 0:
        return _("due today")
    if days == 1:
        return _("due tomorrow")
    if days > 1:
        return ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}
    return ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}


@register.filter
def with_class(field, css):
    """Render a bound form field's widget with a CSS class (filter forms built elsewhere)."""
    return field.as_widget(attrs={"class": css})


@register.filter
def is_primary_filter(field):
    return field.name in PRIMARY_FILTERS


@register.simple_tag
def secondary_filters_active(filterset):
    """How many filters behind "More filters" are set (opens the panel when > 0)."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return 0
    return sum(
        1
        for name, value in filterset.form.cleaned_data.items()
        if name not in PRIMARY_FILTERS and value not in (None, "", [], False)
    )


@register.filter
def blank_label(field, label):
    """Name the empty choice of a filter select ("All units") instead of "---------"."""
    form_field = field.field
    if hasattr(form_field, "empty_label"):  # read when the choices are iterated
        form_field.empty_label = label
        # The widget may hold an iterator bound to the class-level field: rebind it.
        form_field.widget.choices = form_field.choices
    elif hasattr(form_field, "choices"):
        form_field.choices = [("", label), *[c for c in form_field.choices if c[0] not in ("", None)]]
    return field
