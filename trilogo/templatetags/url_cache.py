"""``{% url %}`` that remembers the URLs of names reversed without arguments.

Loaded as a template builtin (settings.TEMPLATES), so it stands in for Django's own
tag in every template. A list page reverses about a dozen fixed names (the menu, the
footer's forms, its buttons) and each reversal walked the URL resolver again: about
4 % of the page's CPU (bench/README.md). A name with arguments, or reversed ``as`` a
variable, goes through Django's tag unchanged.

What is remembered depends on no one: the name, the current application namespace,
the script prefix and the URL conf, which are all part of the key.
"""

from functools import lru_cache

from django.conf import settings
from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = Library()


@lru_cache(maxsize=256)
def _reverse(view_name, current_app, prefix, urlconf):
    return reverse(view_name, urlconf=urlconf, current_app=current_app)


class FixedURLNode(URLNode):
    def render(self, context):
        view_name = self.view_name.resolve(context)
        try:  # as Django's tag finds it
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = _reverse(view_name, current_app, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's ``{% url %}``; a name without arguments is reversed once per process."""
    node = django_url(parser, token)
    if node.args or node.kwargs or node.asvar:
        return node
    return FixedURLNode(node.view_name, [], {}, None)
