"""TicketFilter copies its declared filters for each request by hand (cheaper than
django-filter's deep copy): one request's filters, choices and form fields must never
be another's, nor the class's."""

import copy
import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from tickets.filters import TicketFilter
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def build(data, client_ids, scope="client"):
    return TicketFilter(
        QueryDict(data),
        queryset=Ticket.objects.all(),
        scope=scope,
        client_ids=client_ids,
        contract_ids=set(),
    )


def test_each_request_has_its_own_filters_choices_and_fields(world):
    sm, banco = world["supermercados"], world["banco"]
    first, second = build("", {sm.pk}), build("", {banco.pk})
    for name in first.filters:
        assert first.filters[name] is not TicketFilter.base_filters[name], name
        assert first.filters[name] is not second.filters[name], name
        assert first.filters[name].extra is not TicketFilter.base_filters[name].extra, name
        assert first.form.fields[name] is not second.form.fields[name], name
        assert first.form.fields[name].widget is not second.form.fields[name].widget, name
    # The unit choices come from each request's own reach, and never reach the class.
    assert "choices" not in TicketFilter.base_filters["unit"].extra
    first_units = {label for _key, label in first.form.fields["unit"].choices if _key}
    second_units = {label for _key, label in second.form.fields["unit"].choices if _key}
    assert first_units and second_units and not first_units & second_units
    assert {u.code for u in banco.units.all()} <= {label.split(" ")[0] for label in second_units}
    # Changing one request's widget changes nothing in another's.
    first.form.fields["unit"].widget.choices = [("", "Só a primeira")]
    assert ("", "Só a primeira") not in list(second.form.fields["unit"].widget.choices)


def test_a_filter_method_runs_on_its_own_request(world):
    first, second = build("status=aberto", {world["supermercados"].pk}), build("", {world["banco"].pk})
    status = first.filters["status"]
    assert status.filter.f is status and status.parent is first
    assert second.filters["status"].filter.f is second.filters["status"]
    assert TicketFilter.base_filters["status"].filter.f is TicketFilter.base_filters["status"]
    assert set(first.qs.values_list("status", flat=True)) == {Ticket.Status.ABERTO}


@pytest.mark.parametrize("scope", ["client", "queue", "mine"])
def test_the_form_is_the_one_django_filter_would_build(world, scope):
    """Same fields, labels, widgets and static choices as FilterSet's deep copy."""
    ours = build("", {world["supermercados"].pk}, scope=scope)
    theirs = copy.deepcopy(TicketFilter.base_filters)
    hidden = set(ours.hidden_filters())
    assert list(ours.form.fields) == [name for name in theirs if name not in hidden]
    for name, field in ours.form.fields.items():
        expected = theirs[name].field
        assert type(field) is type(expected), name
        assert str(field.label) == str(expected.label), name
        assert field.required is expected.required is False, name
        assert type(field.widget) is type(expected.widget), name
        assert field.widget.attrs == expected.widget.attrs, name
        if name in {"status", "priority", "sort"}:
            assert list(field.choices) == list(expected.choices), name


def test_each_dropdown_names_its_empty_choice(world, client):
    """The unit filter reads "all units"; the panel's dropdowns "any"; never "---------"."""
    client.force_login(world["gestor"])
    page = client.get(reverse("tickets:queue")).content.decode()
    unit = re.search(r'<select name="unit"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert unit.startswith('<option value="" selected>Todas as unidades</option>')
    assert unit.count('value=""') == 1
    panel = client.get(
        reverse("tickets:queue"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="more-filters-body"
    ).content.decode()
    selects = dict(re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', panel, re.S))
    assert {"client", "executante", "priority", "category", "tag"} <= set(selects)
    for name, options in selects.items():
        assert options.startswith('<option value="" selected>Qualquer</option>'), name
        assert options.count('value=""') == 1, name
    assert "---------" not in page + panel


# What the list templates drew with Django's subwidgets before status_toggles.
SUBWIDGET_LOOP = (
    '{% for box in field %}\n<input type="checkbox" class="btn-check" name="status"'
    ' value="{{ box.data.value }}" id="{{ box.id_for_label }}" autocomplete="off"'
    "{% if box.data.selected %} checked{% endif %}>\n"
    '<label class="css" for="{{ box.id_for_label }}">{{ box.choice_label }}</label>{% endfor %}'
)


@pytest.mark.parametrize(
    "data", ["", "status=aberto", "status=aberto&status=arquivado", "status=nenhum&status=executado"]
)
@pytest.mark.parametrize("language", ["pt-br", "en"])
def test_the_status_toggles_are_the_subwidgets_html(world, data, language):
    from django.template import engines
    from django.utils import translation

    from tickets.templatetags.ticket_tags import status_toggles

    with translation.override(language):
        field = build(data, {world["supermercados"].pk}).form["status"]
        before = engines["django"].from_string(SUBWIDGET_LOOP).render({"field": field})
        after = status_toggles(field, "css", "id_status_{index}")
    assert " ".join(after.split()) == " ".join(before.split())
    assert after.count(" checked") == len(
        {"aberto", "arquivado", "executado"} & set(QueryDict(data).getlist("status"))
    )


@pytest.mark.parametrize(
    ("q", "searching"),
    [("vazamento", True), (" #a1 ", True), ("#42", False), ("42", False), ("  ", False), ("", False)],
)
def test_only_words_count_as_a_text_search(world, q, searching):
    # A text search counts its matches only to paging.SEARCH_COUNT_CAP; a ticket number
    # is a lookup, counted like any other list.
    assert build(f"q={q}", {world["supermercados"].pk}).text_search is searching


def test_the_remembered_select_follows_its_choices_the_chosen_one_and_the_language(world, client):
    """The selects are remembered by everything they are drawn from (filters._select):
    a unit added since, the unit chosen and the language each give the select anew."""
    from accounts.models import Unit

    client.force_login(world["gestor"])
    url = reverse("tickets:queue")

    def unit_select(params=None, **headers):
        page = client.get(url, params or {}, **headers).content.decode()
        return re.search(r'<select name="unit"[^>]*>(.*?)</select>', page, re.S).group(1)

    before = unit_select()
    assert unit_select() == before
    new = Unit.objects.create(client=world["supermercados"], code="LJ99", name="Loja <Nova>")
    after = unit_select()
    assert f'<option value="{new.pk}">LJ99 · Loja &lt;Nova&gt;</option>' in after
    chosen = unit_select({"unit": new.pk})
    assert f'<option value="{new.pk}" selected>' in chosen
    assert '<option value="" selected>' not in chosen
    client.cookies["django_language"] = "en"
    assert unit_select().startswith('<option value="" selected>All units</option>')
