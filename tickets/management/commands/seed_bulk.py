import argparse
import time

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from tickets.management import bulk

DUMMY_MAILER = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = (
        "Add N tickets to a large, skewed benchmark world (one provider with half of the "
        "tickets, small providers, 50 technicians each, ~3 comments per ticket, sparse "
        "personas with ~20 tickets). Running it again adds N more to the same world."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, required=True, help="How many tickets to add.")
        parser.add_argument("--technicians", type=int, default=50, help="Executantes per provider.")
        parser.add_argument("--units", type=int, default=30, help="Units per client.")
        parser.add_argument("--batch-size", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--no-vacuum", action="store_true", help="Skip VACUUM ANALYZE at the end.")
        parser.add_argument(
            "--rebuild-indexes",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="PostgreSQL: drop the secondary indexes and build them again after the load "
            "(default: when adding at least as many tickets as there are, and 50,000 or more).",
        )

    def handle(self, *args, **options):
        count = options["tickets"]
        if count < 0:
            raise CommandError("--tickets must be zero or more.")
        started = time.monotonic()
        # Made-up people: nobody is told anything by e-mail.
        with override_settings(MAILERS={"default": {"BACKEND": DUMMY_MAILER}}):
            world = bulk.build_world(technicians=options["technicians"], units=options["units"])
        self.stdout.write(f"World ready in {time.monotonic() - started:.1f}s.")

        def progress(done, batch, note=""):
            elapsed = time.monotonic() - started
            if note:
                self.stdout.write(f"  {note} ({elapsed:.0f}s)")
            else:
                self.stdout.write(f"  {done:>10,} tickets ({elapsed:.0f}s)")

        bulk.add_tickets(
            world,
            count,
            batch_size=options["batch_size"],
            seed=options["seed"],
            rebuild_indexes=options["rebuild_indexes"],
            progress=progress,
        )
        if not options["no_vacuum"]:
            bulk.finish()
        self.stdout.write(
            self.style.SUCCESS(f"Added {count:,} tickets in {time.monotonic() - started:.1f}s.")
        )
