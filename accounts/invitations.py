"""Invitation e-mails: a set-password link built on Django's password-reset tokens."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _


def set_password_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def send_invitation(*, user, member) -> None:
    """Tell a newly registered provider person where to log in.

    People who never chose a password get a set-password link; people who already
    use Trílogo (another client, another contract) are told about the new access.
    """
    context = {
        "user": user,
        "member": member,
        "client": member.contract.client,
        "provider": member.contract.provider,
        "role": member.get_role_display(),
        "needs_password": not user.has_usable_password(),
        "set_password_url": set_password_url(user) if not user.has_usable_password() else "",
        "login_url": f"{settings.SITE_URL}{reverse('login')}",
    }
    body = render_to_string("accounts/email/invitation.txt", context)
    subject = _("Trílogo: you were registered by %(client)s") % {"client": context["client"]}
    send_mail(subject, body, None, [user.email])
