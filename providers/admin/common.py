from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteMixin


class OwnSuccessMessage:
    """Let save_model()/delete_model() word the success message themselves.

    Django's pt-BR sentence is masculine only ("O pessoa da prestadora … foi
    adicionado") and cannot say what the service did (invitation sent, provider
    linked rather than created).
    """

    def say(self, request, message) -> None:
        request._admin_success_message = message

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        own = getattr(request, "_admin_success_message", None)
        if level == messages.SUCCESS and own is not None:
            message = own
        return super().message_user(request, message, level, *args, **kwargs)


class WideAutocomplete:
    """Autocomplete boxes wide enough for "Provider → Client" labels.

    select2 takes the width from a data attribute and sets it through the CSSOM,
    which the CSP allows (a style attribute would be blocked).
    """

    autocomplete_width = "36em"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = field.widget if field else None
        widget = getattr(widget, "widget", widget)  # the admin wraps it with the +/edit links
        if isinstance(widget, AutocompleteMixin):
            widget.attrs["data-width"] = self.autocomplete_width
        return field
