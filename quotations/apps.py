from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotationsConfig(AppConfig):
    name = "quotations"
    verbose_name = _("Quotations, costs and invoices")
