"""List rows drawn once and kept, for as long as nothing they print has changed.

Drawing a page's 25 rows is most of a list request: the rows statement (five names
and the tag names per ticket), 25 model instances, and the HTML. A Gestor's queue
shows the same rows request after request, to him and to his colleagues. So each
process keeps the rows it drew (``ROW_CACHE_SIZE`` of them, least recently used out)
under a stamp of everything they were drawn from:

- the ticket's ``version`` and ``updated_at``: every change to a ticket goes through
  ``tickets.services``, which moves both, and the admin's ``save()`` moves
  ``updated_at``;
- the row generation, a PostgreSQL sequence moved on by any change or deletion of
  what a row prints the name of (clients, units, areas, categories, people,
  contracts, providers, tags; the receivers below), once it commits; a change of a
  ticket's tags moves that ticket's ``updated_at`` instead, however it is made;
- the list (queue, client, mine), the language, the day (a deadline reads "overdue"
  from the day after) and the URL prefix the row's links are drawn under.

Nothing about who is asking is in a row, so a row is shared by everyone allowed to
see it, and the cache decides nothing about who that is: which tickets a page shows
is worked out for each request by the access helpers, in the statement that reads
their stamps (``paging.keys_count_and_stamps``). A row is only ever found in the
cache by a key that statement returned. Meus tickets' cards carry the person's CSRF
token: they are kept with a placeholder, replaced on every page.

A row drawn from data newer than its stamp (a change committed between the two
statements) is harmless: no later page asks for that stamp.
"""

import threading
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation

# Fixed SQL below: no value from a request reaches it (the keys are the statement's own).
# ruff: noqa: S608
SEQUENCE = "tickets_row_generation"
# The generation: a new sequence's last_value stays 1 through its first nextval, and
# is_called turns true; from then on last_value moves.
GENERATION_SQL = f"(SELECT last_value + is_called::int FROM {SEQUENCE})"
# A stamp per key of the page, read with the keys: (key, version, updated_at in µs).
STAMPS_SQL = (
    'ARRAY(SELECT ARRAY[t."id", t."version", FLOOR(EXTRACT(EPOCH FROM t."updated_at") * 1000000)::bigint] '
    'FROM "tickets_ticket" t WHERE t."id" = ANY({keys})), '
    f"{GENERATION_SQL}"
)
# What a kept card holds in place of the CSRF token of whoever drew it.
CSRF_PLACEHOLDER = "csrf-token-of-this-page"
# What a list row prints of the rows its ticket points to (``tickets.row_names``), by
# model: a save naming other fields alone (a ticket's number taken from its client, a
# login's last_login) leaves every row as it was.
PRINTED = {
    "accounts.ClientCompany": {"name"},
    "accounts.Unit": {"name", "address", "city", "state"},
    "accounts.Area": {"name", "path", "parent"},
    "accounts.User": {"full_name", "email"},
    "providers.Contract": {"provider"},
    "providers.ProviderCompany": {"name"},
    "tickets.Category": {"name", "path", "parent"},
    "tickets.Tag": {"name"},
}

_rows: OrderedDict = OrderedDict()
_lock = threading.Lock()


def enabled(database="default") -> bool:
    """Whether list rows are kept: on PostgreSQL, unless ``ROW_CACHE_SIZE`` is 0."""
    return settings.ROW_CACHE_SIZE > 0 and connections[database].vendor == "postgresql"


class PageRows:
    """The kept rows of one list page: ``scope``'s rows, in this request's language,
    day and URL prefix, for the stamps its keys statement read."""

    def __init__(self, scope: str, stamps: list, generation: int):
        context = (
            scope,
            translation.get_language(),
            timezone.localdate(),
            get_script_prefix(),
            get_urlconf(),
            generation,
        )
        self.keys = {pk: (*context, pk, version, updated) for pk, version, updated in stamps}

    def found(self) -> dict:
        """{ticket key: its row's HTML} for the rows kept."""
        found = {}
        with _lock:
            for pk, key in self.keys.items():
                row = _rows.get(key)
                if row is not None:
                    _rows.move_to_end(key)
                    found[pk] = row
        return found

    def key_of(self, pk):
        return self.keys.get(pk)


def keep(key, row) -> None:
    """Keep ``row`` (HTML) under ``key`` (``PageRows.key_of``), the least recently used
    row out when there are ``ROW_CACHE_SIZE``."""
    if key is None:
        return
    with _lock:
        _rows[key] = row
        _rows.move_to_end(key)
        while len(_rows) > settings.ROW_CACHE_SIZE:
            _rows.popitem(last=False)


def forget_all() -> None:
    """Drop every kept row of this process (tests start from none)."""
    with _lock:
        _rows.clear()


def kept_count() -> int:
    return len(_rows)


def _move_on(using):
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])


def next_generation(using="default") -> None:
    """Move the row generation on once the current transaction commits (at once
    outside one): every kept row is then drawn afresh."""
    if connections[using].vendor != "postgresql":
        return
    transaction.on_commit(lambda: _move_on(using), using=using)


def _saved(sender, instance, using, created=False, update_fields=None, **kwargs):
    # A new unit, person, tag... is printed by no row kept before it existed: a ticket
    # that comes to point to it moves its own stamp.
    if created or (update_fields is not None and PRINTED[sender._meta.label].isdisjoint(update_fields)):
        return
    next_generation(using)


def _deleted(sender, instance, using, **kwargs):
    next_generation(using)


def _tags_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    """Tags added to or taken from tickets move those tickets' stamps (``updated_at``),
    whichever way they were changed (``services.ticket_set_tags`` relies on it), so
    that every other kept row stays kept; a tag cleared of all its tickets, which
    the signal does not name, moves the generation."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        tickets = [instance.pk]
    elif pk_set:
        tickets = list(pk_set)
    else:
        next_generation(using)
        return
    ticket_model = apps.get_model("tickets.Ticket")
    ticket_model.objects.using(using).filter(pk__in=tickets).update(updated_at=timezone.now())


def connect_receivers():
    """Move the generation on when anything a row prints the name of changes."""
    for label in PRINTED:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"row_cache.saved.{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"row_cache.deleted.{label}")
    tags = apps.get_model("tickets.Ticket").tags.through
    m2m_changed.connect(_tags_changed, sender=tags, dispatch_uid="row_cache.tags")
