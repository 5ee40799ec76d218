"""form_fields / form_field draw the ticket page's forms as crispy-forms draws them."""

import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from tickets import forms
from tickets.templatetags.form_fields import form_field, form_fields

pytestmark = pytest.mark.django_db


def normalized(html):
    """Whitespace aside: between tags, inside tags and around text."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def crispy(template, **context):
    return engines["django"].from_string("{% load crispy_forms_tags %}" + template).render(context)


def page_forms(ticket):
    v = {"version": ticket.version}
    return {
        "comment": forms.CommentForm(),
        "deadline": forms.DeadlineForm(initial={**v, "deadline": ticket.deadline}),
        "tags": forms.TagsForm(initial={"tags": "elétrica, <urgente>"}),
        "block": forms.ReasonForm(initial=v, prefix="block"),
        "pause": forms.ReasonForm(initial=v, prefix="pause"),
        "finish": forms.FinishForm(initial=v, prefix="finish"),
        "send": forms.SendForm(initial={**v, "contract": ticket.contract_id}, ticket=ticket),
    }


def bound_with_errors(ticket):
    """The same forms as the person submitted them wrong."""
    long = "x" * 6000
    return {
        "comment": forms.CommentForm({"body": long}),
        "deadline": forms.DeadlineForm({"version": "1", "deadline": "31/02/2026"}),
        "tags": forms.TagsForm({"tags": "a" * 501}),
        "block": forms.ReasonForm({"block-version": "x", "block-reason": "<b>" + long}, prefix="block"),
        "pause": forms.ReasonForm({"pause-version": "1", "pause-reason": long}, prefix="pause"),
        "finish": forms.FinishForm({"finish-version": "1", "finish-comment": long}, prefix="finish"),
        "send": forms.SendForm({"version": "1", "contract": "999999"}, ticket=ticket),
    }


@pytest.mark.parametrize("language", ["pt-br", "en"])
@pytest.mark.parametrize("state", ["blank", "errors"])
def test_each_form_of_the_ticket_page_is_crispys_html(world, language, state):
    ticket = world["t1"]
    with translation.override(language):
        built = page_forms(ticket) if state == "blank" else bound_with_errors(ticket)
        for name, form in built.items():
            if state == "errors":
                assert not form.is_valid(), name
                form.add_error(None, "Someone changed this ticket <first>.")  # as the views do
            assert normalized(form_fields(form)) == normalized(crispy("{{ form|crispy }}", form=form)), name
            for field in form:
                expected = crispy("{{ field|as_crispy_field }}", field=field)
                assert normalized(form_field(field)) == normalized(expected), (name, field.name)


def test_a_field_with_errors_says_so_escaped(world):
    form = forms.ReasonForm({"block-version": "1", "block-reason": "x" * 600}, prefix="block")
    html = str(form_field(form["reason"]))
    assert 'class="textarea form-control is-invalid"' in html
    assert 'class="invalid-feedback"' in html and "500" in html


def test_the_ticket_page_draws_its_forms_with_them(world, client):
    client.force_login(world["tecnico1"])
    page = client.get(reverse("tickets:detail", args=[world["t1"].pk])).content.decode()
    for field_id in ("id_body", "id_pause-reason", "id_block-reason", "id_finish-comment"):
        assert f'id="div_{field_id}" class="mb-3"' in page, field_id
