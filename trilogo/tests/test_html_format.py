"""trilogo.html.html_format escapes exactly as Django's format_html does."""

import pytest
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from trilogo.html import flat_attributes, html_format

TEMPLATE = '<a href="{}" title="{}">{}</a>{}'
VALUES = [
    '<script>alert("x")</script>',
    "O'Brien & Filhos <Ltda>",
    '" onmouseover="alert(1)',
    "&amp; already escaped",
    mark_safe("<strong>safe</strong>"),
    gettext_lazy("Open"),
    123,
    -7,
    True,
    2.5,
    None,
    SafeString("<em>já seguro</em>"),
    type("Texto", (str,), {})("<b>uma subclasse de str</b>"),
    "",
    "Ação — São Paulo / SP",
]


@pytest.mark.parametrize("value", VALUES)
def test_it_escapes_each_value_as_format_html_does(value):
    with override("pt-br"):
        ours = html_format(TEMPLATE, value, value, value, value)
        django = format_html(TEMPLATE, value, value, value, value)
    assert ours == django
    assert isinstance(ours, SafeString)


def test_it_never_lets_markup_through_unescaped():
    out = html_format("<td>{}</td>", "<img src=x onerror=alert(1)>")
    assert out == "<td>&lt;img src=x onerror=alert(1)&gt;</td>"


def test_a_lazy_string_is_translated_when_drawn():
    with override("pt-br"):
        assert html_format("{}", gettext_lazy("Open")) == "Aberto"
    with override("en"):
        assert html_format("{}", gettext_lazy("Open")) == "Open"


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"class": "form-select", "id": "id_unit"},
        {"id": "x", "class": "a b", "required": True, "disabled": False, "data-x": None, "aria": VALUES[0]},
        {"title": VALUES[1], "placeholder": gettext_lazy("Open"), "data-safe": mark_safe("<b>"), "size": 10},
        {"multiple": True, "autofocus": True, "value": 0, "data-y": ""},
    ],
)
def test_flat_attributes_are_what_flatatt_gives(attrs):
    with override("pt-br"):
        assert flat_attributes(attrs) == flatatt(attrs)
    assert isinstance(flat_attributes(attrs), SafeString)


@pytest.mark.parametrize(
    "template",
    [
        '<div style="width: 50%">{}</div>{}',  # a literal %
        "{} %s %(n)s {}",  # printf's own markers stay text
        "{{ literal braces }} {} {}",
        "{0} then {1}",  # numbered fields: str.format's way
        "{}{}",
    ],
)
def test_any_template_formats_as_format_html_does(template):
    values = ('<b>"x"</b> 100%', mark_safe("<i>%s</i>"))
    assert html_format(template, *values) == format_html(template, *values)
