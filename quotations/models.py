"""Quotations (cotações), costs and invoices (notas fiscais). Money is Decimal.

Every row carries the client's id (tenant) and the ticket; who may see them is
decided only by tickets.access (the contract's view_financials grant, or the
client's own staff) through quotations.access.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import DecimalField, F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from localflavor.br.models import BRCNPJField

from accounts.models import ClientCompany
from tickets.models import Ticket, private_upload_path

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


def finance_path(instance, filename):
    return private_upload_path("finance", instance, filename)


class Quotation(models.Model):
    class Status(models.TextChoices):
        RASCUNHO = "rascunho", _("Draft")
        ENVIADA = "enviada", _("Sent")
        APROVADA = "aprovada", _("Approved")
        RECUSADA = "recusada", _("Refused")

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="quotations")
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RASCUNHO)
    freight = models.DecimalField(_("freight"), default=ZERO, validators=[MinValueValidator(ZERO)], **MONEY)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    file = models.FileField(_("file"), upload_to=finance_path, blank=True, max_length=300)
    file_name = models.CharField(max_length=255, blank=True)
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_version"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["ticket", "version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "ticket", "version"], name="quotation_version_unique")
        ]

    def __str__(self):
        return f"#{self.ticket_id} v{self.version}"

    @property
    def items_total(self):
        return sum((item.total for item in self.items.all()), ZERO)

    @property
    def total(self):
        return self.items_total + self.freight

    @property
    def is_draft(self):
        return self.status == self.Status.RASCUNHO


class QuotationItem(models.Model):
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit_price = models.DecimalField(_("unit price"), validators=[MinValueValidator(ZERO)], **MONEY)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.description

    @property
    def total(self):
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


class Invoice(models.Model):
    """Nota fiscal: covers one or more of the ticket's costs."""

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("number"), max_length=30)
    series = models.CharField(_("series"), max_length=10, blank=True)
    issue_date = models.DateField(_("issue date"))
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(ZERO)], **MONEY)
    issuer_cnpj = BRCNPJField(_("issuer CNPJ"))
    file = models.FileField(_("file (PDF or XML)"), upload_to=finance_path, blank=True, max_length=300)
    file_name = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["issue_date", "id"]

    def __str__(self):
        return f"NF {self.number}"


class CostQuerySet(models.QuerySet):
    def totals(self):
        money = DecimalField(**MONEY)
        return self.aggregate(
            amount=Coalesce(Sum(F("amount") + F("freight"), output_field=money), ZERO, output_field=money),
            invoiced=Coalesce(
                Sum(F("amount") + F("freight"), filter=models.Q(invoice__isnull=False), output_field=money),
                ZERO,
                output_field=money,
            ),
        )


class Cost(models.Model):
    class Kind(models.TextChoices):
        MAO_DE_OBRA = "mao_de_obra", _("Labour")
        MATERIAIS = "materiais", _("Materials")
        AMBOS = "mao_de_obra_e_materiais", _("Labour and materials")

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(ZERO)], **MONEY)
    freight = models.DecimalField(_("freight"), default=ZERO, validators=[MinValueValidator(ZERO)], **MONEY)
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    quotation = models.OneToOneField(
        Quotation, on_delete=models.SET_NULL, null=True, blank=True, related_name="cost"
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="costs",
        verbose_name=_("invoice"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CostQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def total(self):
        return self.amount + self.freight

    @property
    def label(self):
        """What the cost is, in the reader's language (load ``quotation`` with it)."""
        if self.quotation_id and not self.description:
            return _("Approved quotation v%(version)s") % {"version": self.quotation.version}
        return self.description
