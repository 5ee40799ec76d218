"""Small helpers for admin tests: post back what a page rendered, read its errors and messages."""

from django.utils import translation


def form_data(response) -> dict:
    """What a browser would post back from an admin add/change page, as rendered."""
    data = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    return data


def _add_form(data, form):
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, (list, tuple)):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)


def errors(response) -> dict:
    """The admin form's errors, field name → list of messages."""
    return {name: list(msgs) for name, msgs in response.context["adminform"].form.errors.items()}


def messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def pt(text) -> str:
    """A (lazy) msgid as a Brazilian user reads it."""
    with translation.override("pt-br"):
        return str(text)
