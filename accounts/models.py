from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from localflavor.br.models import BRCNPJField, BRStateField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        # Logins are case-insensitive: people type their address however they like.
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an e-mail address; what they see comes from memberships."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin access"),
        default=False,
        help_text=_("Can log in to the administration (client admins and platform operators)."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]


class ClientCompany(models.Model):
    """The tenant: a company that opens tickets and contracts providers."""

    name = models.CharField(_("name"), max_length=150)
    cnpj = BRCNPJField(_("CNPJ"), unique=True)
    active = models.BooleanField(_("active"), default=True)
    # Ticket numbers are sequential per client; this is the last one handed out.
    last_ticket_number = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("client company")
        verbose_name_plural = _("client companies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClientMembership(models.Model):
    """A client's own staff member (usuário interno)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        STAFF = "staff", _("Internal staff")

    client = models.ForeignKey(
        ClientCompany, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("client")
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="client_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("internal staff member")
        verbose_name_plural = _("internal staff")
        constraints = [models.UniqueConstraint(fields=["client", "user"], name="clientmembership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.client} ({self.get_role_display()})"

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN


class Unit(models.Model):
    """A client's site (unidade), e.g. a store or a branch."""

    client = models.ForeignKey(
        ClientCompany, on_delete=models.CASCADE, related_name="units", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=150)
    code = models.CharField(_("code"), max_length=30)
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = BRStateField(_("state (UF)"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["client", "code"], name="unit_code_unique")]

    def __str__(self):
        return f"{self.code} · {self.name}"

    @property
    def full_address(self):
        """'Rua X, 10, Campinas / SP', leaving out the parts not given (a list card
        reads the same line from SQL: tickets/row_names.py ``unit_address_line``)."""
        city = " / ".join(part for part in (self.city, self.state) if part)
        return ", ".join(part for part in (self.address, city) if part)


class Area(models.Model):
    """An area inside a unit (ambiente), nested: Térreo > Açougue."""

    client = models.ForeignKey(ClientCompany, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="areas", verbose_name=_("unit"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("inside"),
    )
    name = models.CharField(_("name"), max_length=100)
    # Denormalised "Térreo > Açougue", rebuilt on save, so lists never walk the tree.
    path = models.CharField(_("path"), max_length=500, editable=False)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]

    def __str__(self):
        return self.path or self.name

    def save(self, *args, **kwargs):
        self.client_id = self.unit.client_id
        self.path = f"{self.parent.path} > {self.name}" if self.parent_id else self.name
        super().save(*args, **kwargs)
