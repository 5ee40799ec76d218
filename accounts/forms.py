from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("E-mail"),
        # An e-mail is at most 254 characters; longer input never reaches authenticate()
        # (nor django-axes' attempt log).
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("E-mail or password incorrect. Check both and try again."),
    }


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass
