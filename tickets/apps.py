from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from trilogo.prepared import forget_prepared

        from . import pdf_jobs  # noqa: F401 - registers PdfJob (the selection PDF's jobs)
        from .grants import forget_perm_ids

        # Permission ids are cached per process; migrate and flush (tests) renumber them.
        post_migrate.connect(forget_perm_ids, dispatch_uid="tickets.forget_perm_ids")
        # The reach query is a prepared statement per connection (trilogo/prepared.py).
        connection_created.connect(forget_prepared, dispatch_uid="trilogo.forget_prepared")
        # Kept list rows are drawn afresh when anything they print the name of changes.
        from .row_cache import connect_receivers

        connect_receivers()
