from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from localflavor.br.models import BRCNPJField

from accounts.models import ClientCompany, Unit


class ProviderCompany(models.Model):
    """An outsourced company (empresa prestadora); may serve several clients."""

    name = models.CharField(_("name"), max_length=150)
    cnpj = BRCNPJField(_("CNPJ"), unique=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("provider company")
        verbose_name_plural = _("provider companies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contract(models.Model):
    """A client's contract with a provider: the unit of a Gestor's reach.

    Its gestor group holds the contract-level object permissions; membership of
    the group is kept in sync with the active Gestores by providers.services.
    """

    client = models.ForeignKey(
        ClientCompany, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("client")
    )
    provider = models.ForeignKey(
        ProviderCompany,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("provider company"),
    )
    active = models.BooleanField(_("active"), default=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="contracts",
        verbose_name=_("covered units"),
        help_text=_("Leave empty to cover every unit of the client."),
    )
    gestor_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="gestor_of_contract", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["client__name", "provider__name"]
        constraints = [models.UniqueConstraint(fields=["client", "provider"], name="contract_unique")]
        permissions = [
            ("manage_tickets", _("Manage every ticket sent under the contract (Gestor)")),
            ("view_financials", _("See quotations, costs and invoices under the contract")),
        ]

    def __str__(self):
        return f"{self.provider} → {self.client}"


class ContractGroupObjectPermission(GroupObjectPermissionBase):
    """Direct-FK guardian rows for contracts (the gestor group's grants)."""

    content_object = models.ForeignKey(Contract, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class ContractUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Contract, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class ProviderMember(models.Model):
    """A provider person under one contract, classified as Gestor or Executante."""

    class Role(models.TextChoices):
        GESTOR = "gestor", _("Gestor")
        EXECUTANTE = "executante", _("Executante")

    # Denormalised tenant id: admin scoping and, later, sharding by client.
    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="members", verbose_name=_("contract")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("profile"), max_length=12, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("provider person")
        verbose_name_plural = _("provider people")
        ordering = ["contract", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["contract", "user"], name="providermember_unique")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.contract.provider}"

    @property
    def is_gestor(self):
        return self.role == self.Role.GESTOR

    @property
    def is_executante(self):
        return self.role == self.Role.EXECUTANTE


class MemberEvent(models.Model):
    """History of a provider person: registered, reclassified, (de)activated, removed."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        RECLASSIFIED = "reclassified", _("Reclassified")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")
        REMOVED = "removed", _("Removed")

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="member_events", verbose_name=_("contract")
    )
    # Kept when the membership row is removed, so the history outlives it.
    member = models.ForeignKey(
        ProviderMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    old_value = models.CharField(_("from"), max_length=50, blank=True)
    new_value = models.CharField(_("to"), max_length=50, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("provider person history entry")
        verbose_name_plural = _("provider people history")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.person}"
