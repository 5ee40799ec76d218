"""The builtin ``{% url %}`` (trilogo/templatetags/url_cache.py) gives what Django's
own tag gives, for fixed names it remembers and for everything it passes on."""

import pytest
from django.template import Context, Engine, engines
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, path, set_script_prefix

from trilogo.templatetags.url_cache import FixedURLNode

SOURCES = [
    "{% url 'tickets:queue' %}",
    "{% url 'admin:index' %}",
    "{% url 'logout' %}",
    "{% url 'tickets:detail' 7 %}",
    "{% url 'tickets:transition' 7 'iniciar' %}",
    "{% url 'tickets:queue' as there %}[{{ there }}]",
    "{% with name='tickets:mine' %}{% url name %}{% endwith %}",
]


def _django(source, context):
    """The same template under Django's engine alone, without the builtin."""
    return Engine(libraries={}, builtins=[]).from_string(source).render(Context(context))


def _ours(source, context):
    return engines["django"].from_string(source).template.render(Context(context))


@pytest.mark.parametrize("source", SOURCES)
def test_the_url_tag_gives_what_djangos_gives(source):
    assert "url_cache" in str(engines["django"].engine.builtins)
    for prefix in ("/", "/trilogo/"):  # the second, as under a sub-path
        set_script_prefix(prefix)
        try:
            ours = _ours(source, {})
            assert ours == _django(source, {})
            assert ours.startswith(("/trilogo/", "[/trilogo/")) == (prefix == "/trilogo/")
        finally:
            set_script_prefix("/")


def test_only_names_without_arguments_are_remembered():
    template = (
        engines["django"]
        .from_string("{% url 'tickets:queue' %}{% url 'tickets:detail' 7 %}{% url 'tickets:queue' as x %}")
        .template
    )
    kinds = [type(node).__name__ for node in template.nodelist]
    assert kinds == ["FixedURLNode", "URLNode", "URLNode"]


def test_an_admin_url_follows_the_current_app():
    request = RequestFactory().get("/")
    request.current_app = "admin"
    source = "{% url 'admin:index' %}"
    assert _ours(source, {}) == "/admin/"
    context = Context({})
    context.request = request
    assert engines["django"].from_string(source).template.render(context) == "/admin/"


def test_an_unknown_name_still_raises():
    with pytest.raises(NoReverseMatch):
        _ours("{% url 'tickets:nowhere' %}", {})


urlpatterns = [path("elsewhere/", lambda request: None, name="queue")]


def test_another_url_conf_is_not_answered_from_memory():
    source = "{% url 'queue' %}"
    with override_settings(ROOT_URLCONF=__name__):
        assert _ours(source, {}) == "/elsewhere/"
    with pytest.raises(NoReverseMatch):  # not in the project's URL conf
        _ours(source, {})
    assert isinstance(engines["django"].from_string(source).template.nodelist[0], FixedURLNode)
