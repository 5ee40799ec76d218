"""Form fields drawn as crispy-forms' Bootstrap 5 pack draws them, without its templates.

The ticket page draws up to eight small forms (comment, closing comment, pause and
block reasons, tags, deadline, provider) on every view, and crispy's ``field.html``,
a template of some 60 nodes rendered once per field, was about 30 % of a
technician's ticket page (bench/README.md). ``form_fields`` and ``form_field`` give the same HTML for
the widgets those forms use (text, textarea, date, select, hidden), whitespace
aside: tickets/tests/test_form_fields.py renders each of the page's forms both
ways, blank and with errors. Other widgets (checkboxes, radios, files) go to crispy.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.safestring import SafeString

from trilogo.html import html_format

register = template.Library()

# What crispy's bootstrap5 field.html draws itself; anything else is left to it.
DRAWN = (forms.TextInput, forms.Textarea, forms.DateInput, forms.Select)


def _widget(field, css):
    """``{% crispy_field field 'class' css %}``: the widget's own class, its type's
    name, then Bootstrap's classes (crispy writes them into the widget's attrs)."""
    widget = field.field.widget
    type_name = type(widget).__name__.lower()
    own = widget.attrs.get("class", "")
    classes = (own + (" " + type_name if type_name not in own else "")) if own else type_name
    for name in css.split():
        if name not in classes.split():
            classes += " " + name
    widget.attrs["class"] = classes
    return str(field)


@register.simple_tag
def form_field(field):
    """One bound field, as ``{{ field|as_crispy_field }}`` draws it."""
    widget = field.field.widget
    if field.is_hidden:
        return SafeString(str(field))
    if not isinstance(widget, DRAWN) or isinstance(widget, forms.SelectMultiple):
        return as_crispy_field(field)
    required = field.field.required
    parts = [html_format('<div id="div_{}" class="mb-3">', field.auto_id)]
    if field.label:
        parts.append(
            html_format(
                '<label {}class="form-label{}">{}{}</label>',
                html_format('for="{}" ', field.id_for_label) if field.id_for_label else "",
                " requiredField" if required else "",
                field.label,
                SafeString('<span class="asteriskField">*</span>') if required else "",
            )
        )
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    parts.append(_widget(field, f"{css} is-invalid" if field.errors else css))
    if field.errors:
        parts.append(html_format('<div id="{}_error" class="invalid-feedback">', field.errors.field_id))
        for number, error in enumerate(field.errors, 1):
            parts.append(
                html_format('<p id="error_{}_{}"><strong>{}</strong></p>', number, field.auto_id, error)
            )
        parts.append("</div>")
    if field.help_text:
        helptext = SafeString(field.help_text)
        if field.auto_id:
            parts.append(
                html_format('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, helptext)
            )
        else:
            parts.append(html_format('<div class="form-text">{}</div>', helptext))
    parts.append("</div>")
    return SafeString("".join(parts))


@register.simple_tag
def form_fields(form):
    """A whole form, as ``{{ form|crispy }}`` draws it: its errors, then each field."""
    parts = []
    errors = form.non_field_errors()
    if errors:
        items = "".join(html_format("<li>{}</li>", e) for e in errors)
        parts.append(f'<div class="alert alert-block alert-danger"><ul class="m-0">{items}</ul></div>')
    parts.extend(form_field(field) for field in form)
    return SafeString("".join(parts))
