import logging

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_people
from quotations.demo import seed_finance
from tickets.demo import seed_tickets

DUMMY_MAILER = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = "Create the demo world (idempotent: running it again duplicates nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options):
        # Demo data is made up: nobody is told about it by e-mail, and its grants are
        # not permission changes worth a line in the security log.
        security_log = logging.getLogger("trilogo.security")
        security_log.disabled = True
        try:
            with override_settings(MAILERS={"default": {"BACKEND": DUMMY_MAILER}}):
                seed_people()
                seed_tickets()
                seed_finance()
        finally:
            security_log.disabled = False
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if not options["quiet_logins"]:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for email, _name, what in DEMO_LOGINS:
                self.stdout.write(f"  {email:<28} {what}")
