import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from accounts.models import Area, ClientCompany, Unit
from providers.models import Contract

from .row_names import TAG_SEPARATOR, row_name


class Category(models.Model):
    """A client's ticket type tree: Iluminação > Refletores > Não liga."""

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=100)
    path = models.CharField(_("category"), max_length=400, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self):
        return self.path or self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path} > {self.name}" if self.parent_id else self.name
        super().save(*args, **kwargs)


class Tag(models.Model):
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["client", "name"], name="tag_unique")]

    def __str__(self):
        return self.name


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=Ticket.CLOSED_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)

    def unallocated(self):
        return self.filter(executante__isnull=True)

    def with_tag_names(self):
        """Each ticket's tag names (``Ticket.tag_names``) in the same query: one
        correlated subquery per row instead of a second query for the page's tags."""
        return self.annotate(tag_names_joined=row_name("tag_names_joined"))

    def with_row_names(self, *names):
        """The names a list row prints (tickets/row_names.py: ``unit_name``,
        ``executante_label``...), each as an attribute of the ticket, from a scalar
        subquery by primary key instead of a join."""
        return self.annotate(**{name: row_name(name) for name in names})


class Ticket(models.Model):
    class Status(models.TextChoices):
        ABERTO = "aberto", _("Open")
        EM_EXECUCAO = "em_execucao", _("In progress")
        EXECUTADO = "executado", _("Executed")
        VISTORIADO = "vistoriado", _("Inspected")
        ARQUIVADO = "arquivado", _("Archived")

    class Priority(models.IntegerChoices):
        BAIXA = 1, _("Low")
        MEDIA = 2, _("Medium")
        ALTA = 3, _("High")
        URGENTE = 4, _("Urgent")

    CLOSED_STATUSES = (Status.VISTORIADO, Status.ARQUIVADO)
    # Django's generated get_FOO_display() rebuilds a dict of every choice on each call,
    # translating every label to hash it; a list page asks for 50 of them.
    STATUS_LABELS = dict(Status.choices)
    PRIORITY_LABELS = dict(Priority.choices)

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="tickets")
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("unit"))
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIA
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ABERTO)
    paused = models.BooleanField(_("paused"), default=False)
    blocked = models.BooleanField(_("blocked (impedido)"), default=False)
    blocked_reason = models.CharField(_("reason for the block"), max_length=500, blank=True)
    blocked_at = models.DateTimeField(null=True, blank=True)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requester"),
    )
    internal_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("internal responsible"),
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("provider company"),
    )
    executante = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Responsável Executante"),
    )
    deadline = models.DateField(_("deadline (prazo)"), null=True, blank=True)
    sla_due = models.DateTimeField(_("SLA due"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related tickets"))
    duplicated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent to provider"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected"), null=True, blank=True)
    # Optimistic concurrency: every write bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="ticket_number_per_client"),
        ]
        # One index per list shape (filter + ORDER BY), so each page is an ordered
        # index scan that stops after 26 rows; see bench/README.md for the plans.
        indexes = [
            # Client staff: their client's tickets, newest first, with or without a status.
            models.Index(fields=["client", "-created_at", "-id"], name="ticket_client_recent"),
            models.Index(fields=["client", "status", "-created_at", "-id"], name="ticket_client_status"),
            # Gestor of one contract: the queue, newest first, with or without a status.
            models.Index(fields=["contract", "-created_at", "-id"], name="ticket_contract_recent"),
            models.Index(fields=["contract", "status", "-created_at", "-id"], name="ticket_contract_status"),
            # Gestor of several contracts (or staff of several clients): one ordered scan,
            # the scope checked on the index entry itself (index-only), instead of
            # sorting every ticket of every contract. (created_at, id) is unique, so
            # the trailing columns never change the order.
            models.Index(
                fields=["-created_at", "-id", "contract", "client", "status"], name="ticket_recent_scoped"
            ),
            # The history in the other sorts a list offers, one contract or client at a
            # time (filters.HISTORY_SORTS): sorting a big provider's 500,000 tickets
            # for a page took 140-150 ms at 1M; walking these, merged per contract,
            # 9 ms. A client's tickets by number walk ticket_number_per_client.
            models.Index(
                fields=["contract", "-priority", "-created_at", "-id"], name="ticket_contract_priority"
            ),
            models.Index(
                fields=["contract", "deadline", "-created_at", "-id"], name="ticket_contract_deadline"
            ),
            models.Index(fields=["contract", "-number", "-id"], name="ticket_contract_number"),
            models.Index(fields=["contract", "-updated_at", "-id"], name="ticket_contract_updated"),
            models.Index(fields=["client", "-priority", "-created_at", "-id"], name="ticket_client_priority"),
            models.Index(fields=["client", "deadline", "-created_at", "-id"], name="ticket_client_deadline"),
            models.Index(fields=["client", "-updated_at", "-id"], name="ticket_client_updated"),
            # Executante ("Meus tickets"): his tickets, newest first; open work by deadline.
            models.Index(fields=["executante", "-created_at", "-id"], name="ticket_executante_recent"),
            models.Index(
                fields=["executante", "status", "deadline", "-created_at", "-id"],
                name="ticket_executante_deadline",
            ),
            # Open tickets per contract: overdue filter, and each technician's load
            # (open count, next deadline) read from the index alone.
            models.Index(
                fields=["contract", "deadline", "executante"],
                name="ticket_contract_open_load",
                condition=~Q(status__in=["vistoriado", "arquivado"]),
            ),
            # The reports' overdue list: open tickets by deadline, oldest first, with
            # the reach's columns in the entry. At 1M tickets the Gestor of half of them
            # read his 24,000 overdue tickets to keep 20 (150 ms); this walks from the
            # oldest deadline and stops at 20 (1 ms). Open tickets only: 3 MB at 1M.
            models.Index(
                fields=["deadline", "client", "number", "contract"],
                name="ticket_overdue",
                condition=~Q(status__in=["vistoriado", "arquivado"]) & Q(deadline__isnull=False),
            ),
        ]
        permissions = [
            ("change_status", _("Change the ticket's status")),
            ("comment", _("Comment on the ticket")),
        ]

    def __str__(self):
        return f"#{self.number} {self.title}"

    @property
    def tag_names(self):
        """The tag names ``with_tag_names()`` fetched with the ticket, else from its tags."""
        if hasattr(self, "tag_names_joined"):
            # Sorted here: SQLite can't order inside an aggregate.
            return sorted(self.tag_names_joined.split(TAG_SEPARATOR)) if self.tag_names_joined else []
        return [tag.name for tag in self.tags.all()]

    def get_status_display(self):
        return str(self.STATUS_LABELS.get(self.status, self.status))

    def get_priority_display(self):
        return str(self.PRIORITY_LABELS.get(self.priority, self.priority))

    @property
    def is_open(self):
        return self.status not in self.CLOSED_STATUSES

    @property
    def is_overdue(self):
        return self.overdue_on(timezone.localdate())

    def overdue_on(self, today):
        """Late work still to do on ``today`` (a list asks the clock once for its rows)."""
        return bool(self.deadline and self.is_open and self.deadline < today)

    @property
    def provider(self):
        return self.contract.provider if self.contract_id else None


class TicketUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian rows: an Executante's grants on the tickets allocated to him."""

    content_object = models.ForeignKey(Ticket, on_delete=models.CASCADE)
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class Comment(models.Model):
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket")]

    def __str__(self):
        return self.body[:50]


def private_upload_path(folder, instance, filename):
    """Private storage, never under a public URL: folder/client/ticket/random name."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"{folder}/{instance.client_id}/{instance.ticket_id}/{uuid.uuid4().hex}{suffix}"


def attachment_path(instance, filename):
    return private_upload_path("tickets", instance, filename)


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name


class TicketEvent(models.Model):
    """One timeline row per change: who, when, what. Text is rendered at display time."""

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    # Financial events (quotations, costs, invoices) are shown only to who may see finance.
    financial = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket")]

    def __str__(self):
        return f"{self.kind} #{self.ticket_id}"
