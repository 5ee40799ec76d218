"""The selection PDF (up to MAX_TICKETS work orders) as a background job.

Laying out 200 work orders takes WeasyPrint tens of seconds, longer than a web
request should run (gunicorn's default worker timeout is 30 s). So the request only
records a job — the ticket ids of the person's filtered list, in its order — and
returns at once; a thread started when the transaction commits renders it and
updates ``done`` after every work order, which the job page polls with htmx.

If the thread dies with its worker (a deploy, a restart), ``manage.py
run_pdf_jobs`` picks the job up again; run it from cron (or as a loop with
``--loop``) where web workers are recycled often. It also deletes old jobs and
their files. Setting PDF_JOBS_IN_THREAD = False leaves all jobs to that command.

The job stores which tickets were rendered with their finance section; the file
is handed out only to its owner, and only while the owner still reaches each of
those tickets the same way (tickets.access decides), so a reclassification or
deactivation takes effect before the download, not after.
"""

import logging
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connections, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access as access_module

logger = logging.getLogger(__name__)

MAX_TICKETS = 200
# A running job whose thread has not reported for this long is considered dead.
STALE_AFTER = timedelta(minutes=10)
KEEP_FOR = timedelta(hours=24)


def job_path(instance, filename):
    return f"pdf-jobs/{instance.owner_id}/{uuid.uuid4().hex}.pdf"


class PdfJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting")
        RUNNING = "running", gettext_lazy("In progress")
        DONE = "done", gettext_lazy("Ready")
        FAILED = "failed", gettext_lazy("Failed")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10)  # "queue" or "client": which access queryset
    query = models.CharField(max_length=2000, blank=True)  # the list's filters, to link back
    ticket_ids = models.JSONField(default=list)
    financial_ids = models.JSONField(default=list)
    language = models.CharField(max_length=10, default="pt-br")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=job_path, blank=True, max_length=300)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "tickets"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="pdfjob_owner_recent"),
            models.Index(fields=["status", "created_at"], name="pdfjob_status"),
        ]

    def __str__(self):
        return f"PDF job {self.pk} ({self.status})"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        return int(100 * self.done / self.total) if self.total else 100


# ---- Selection ----------------------------------------------------------------------------


def scope_queryset(user, scope):
    """The access queryset a selection is drawn from, or None when the person has no such list."""
    reach = access_module.reach_for(user)
    if scope == "queue" and reach.is_gestor:
        return access_module.gestor_tickets(user)
    if scope == "client" and reach.is_client_staff:
        return access_module.client_tickets(user)
    return None


def job_tickets(job):
    """The job's tickets, fetched again through tickets.access, in the list's order."""
    base = scope_queryset(job.owner, job.scope)
    if base is None or not job.owner.is_active:
        return []
    from .pdf import TICKET_RELATED

    found = {t.pk: t for t in base.filter(pk__in=job.ticket_ids).select_related(*TICKET_RELATED)}
    return [found[pk] for pk in job.ticket_ids if pk in found]


# ---- Creating and running -----------------------------------------------------------------


def job_create(*, owner, scope, ticket_ids, query="") -> PdfJob:
    job = PdfJob.objects.create(
        owner=owner,
        scope=scope,
        query=query[:2000],
        ticket_ids=list(ticket_ids)[:MAX_TICKETS],
        total=min(len(ticket_ids), MAX_TICKETS),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    if getattr(settings, "PDF_JOBS_IN_THREAD", True):
        transaction.on_commit(lambda: spawn(job.pk))
    return job


def spawn(job_id):
    thread = threading.Thread(target=_run_in_thread, args=(job_id,), name=f"pdf-job-{job_id}", daemon=True)
    thread.start()
    return thread


# One selection PDF at a time per process: laying out 200 work orders holds ~300 MB
# and a CPU for half a minute; a second job waits (still pending, so run_pdf_jobs on
# another machine may take it meanwhile).
_one_at_a_time = threading.Semaphore(1)


def _run_in_thread(job_id):
    try:
        with _one_at_a_time:
            run_job(job_id)
    finally:
        # The thread's own database connections; the request's are untouched.
        connections.close_all()


def run_job(job_id) -> bool:
    """Render one pending job. Returns False when someone else already took it."""
    now = timezone.now()
    claimed = PdfJob.objects.filter(pk=job_id, status=PdfJob.Status.PENDING).update(
        status=PdfJob.Status.RUNNING, started_at=now, heartbeat_at=now, done=0
    )
    if not claimed:
        return False
    from . import pdf  # WeasyPrint is heavy: loaded by whoever renders, not by migrations

    job = PdfJob.objects.select_related("owner").get(pk=job_id)
    try:
        with translation.override(job.language):
            orders = pdf.load_work_orders(job.owner, job_tickets(job))

            def progress(done, total):
                PdfJob.objects.filter(pk=job_id).update(done=done, total=total, heartbeat_at=timezone.now())

            data = pdf.render_pdf(orders, job.owner, _("Work orders"), progress=progress)
        job.file.save("selecao.pdf", ContentFile(data), save=False)
        job.financial_ids = [o.ticket.pk for o in orders if o.access.financials]
        job.ticket_ids = [o.ticket.pk for o in orders]
        job.total = job.done = len(orders)
        job.status = PdfJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(
            update_fields=["file", "financial_ids", "ticket_ids", "total", "done", "status", "finished_at"]
        )
    except Exception:
        logger.exception("PDF job %s failed", job_id)
        PdfJob.objects.filter(pk=job_id).update(
            status=PdfJob.Status.FAILED,
            error="render failed",
            finished_at=timezone.now(),
        )
    return True


def requeue_stale(now=None) -> int:
    """Jobs whose thread died (no progress for STALE_AFTER) go back to the queue."""
    now = now or timezone.now()
    return PdfJob.objects.filter(status=PdfJob.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER).update(
        status=PdfJob.Status.PENDING
    )


def run_pending(limit=None) -> int:
    """Run every pending job (oldest first); what the management command does."""
    ran = 0
    ids = PdfJob.objects.filter(status=PdfJob.Status.PENDING).order_by("created_at", "id")
    for job_id in list(ids.values_list("pk", flat=True)[:limit]):
        ran += run_job(job_id)
    return ran


def purge_old(now=None) -> int:
    """Delete jobs older than KEEP_FOR, and their files."""
    now = now or timezone.now()
    old = list(PdfJob.objects.filter(created_at__lt=now - KEEP_FOR))
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(old)


# ---- Handing the file out -----------------------------------------------------------------


def get_job_for_user(user, job_id):
    """The person's own job, or None (the view answers 404, as for anything not theirs)."""
    if not user.is_authenticated:
        return None
    return PdfJob.objects.filter(pk=job_id, owner=user).first()


def still_allowed(job, user) -> bool:
    """Would the person get the same PDF now? Every ticket still printable through the
    access module, and finance still visible on every ticket printed with it."""
    if scope_queryset(user, job.scope) is None:
        return False
    tickets = job_tickets(job)
    if len(tickets) != len(job.ticket_ids):
        return False
    financial = set(job.financial_ids)
    for ticket in tickets:
        ticket_access = access_module.ticket_access(user, ticket)
        if not ticket_access.can("pdf") or (ticket.pk in financial and not ticket_access.financials):
            return False
    return True
