import time

from django.core.management.base import BaseCommand

from tickets import pdf_jobs


class Command(BaseCommand):
    help = (
        "Render the selection PDFs still waiting (their web thread died, or "
        "PDF_JOBS_IN_THREAD is off), and delete jobs older than 24 hours with their files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, checking every few seconds.")
        parser.add_argument("--interval", type=float, default=3.0, help="Seconds between checks with --loop.")

    def handle(self, *args, **options):
        while True:
            purged = pdf_jobs.purge_old()
            requeued = pdf_jobs.requeue_stale()
            ran = pdf_jobs.run_pending()
            if ran or requeued or purged or not options["loop"]:
                self.stdout.write(f"{ran} job(s) rendered, {requeued} requeued, {purged} old job(s) deleted.")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
