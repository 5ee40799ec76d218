"""The technician select's options, drawn in Python (ticket_tags.executante_options):
the same HTML the template loop drew, in both languages, every value escaped."""

from datetime import date

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from tickets.list_options import Option
from tickets.models import Ticket
from tickets.templatetags.ticket_tags import executante_options

pytestmark = pytest.mark.django_db

# tickets/_executante_options.html before it called the tag.
TEMPLATE_LOOP = (
    '{% load i18n %}<option value="">{{ blank }}</option>{% for c in choices %}\n'
    '<option value="{{ c.user.pk }}"{% if c.user.pk == selected %} selected{% endif %}>{{ c.user }} · '
    "{% blocktranslate count n=c.open_count %}{{ n }} open{% plural %}{{ n }} open{% endblocktranslate %}"
    '{% if c.next_deadline %} · {% blocktranslate with day=c.next_deadline|date:"d/m" %}'
    "next deadline {{ day }}{% endblocktranslate %}{% endif %}</option>{% endfor %}"
)


def choices():
    people = [
        User(pk=7, email="ana@x.demo", full_name="Ana <b>Souza</b> & Cia"),
        User(pk=8, email="sem.nome@x.demo", full_name=""),
        Option(9, 'Bruno "B" Lima'),  # what the queue's bulk allocation passes
    ]
    loads = [(0, None), (1, date(2026, 12, 20)), (1234, date(2027, 1, 3))]
    return [
        {"user": person, "open_count": count, "next_deadline": day}
        for person, (count, day) in zip(people, loads, strict=True)
    ]


@pytest.mark.parametrize("language", ["pt-br", "en"])
@pytest.mark.parametrize("selected", [None, 7, 9, ""])
def test_the_options_are_the_template_loops_html(language, selected):
    with translation.override(language):
        context = {"choices": choices(), "blank": "— <ninguém> —", "selected": selected}
        before = engines["django"].from_string(TEMPLATE_LOOP).render(context)
        after = executante_options(context["choices"], context["blank"], selected)
    assert after == before
    assert after.count(" selected") == (1 if selected in (7, 9) else 0)
    assert "<b>" not in after and "&lt;b&gt;Souza&lt;/b&gt; &amp; Cia" in after


def test_the_ticket_page_and_the_bulk_choices_draw_them(world, client):
    client.force_login(world["gestor"])
    ticket = world["t1"]
    Ticket.objects.filter(pk=ticket.pk).update(deadline=date(2026, 12, 20))
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    select = page.split(f'id="executante-{ticket.pk}"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{ticket.executante_id}" selected>' in select
    assert "1 aberto · próximo prazo 20/12</option>" in select
    bulk = client.get(reverse("tickets:queue"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="bulk-executante")
    blank = '<option value="">Alocar selecionados para…</option>'
    assert bulk.content.decode().startswith(blank + "\n<option value=")
