"""What a list row prints of the rows its ticket points to, as columns of the ticket.

A list page fetches its 25 tickets with the names their rows print (the unit, the
area, the technician...) and their tag names. Joining the five tables cost PostgreSQL
about 1 ms of planning per page (it weighs every join order); a scalar subquery by
primary key per name costs it about 0.2 ms for all of them, and the page builds one
model instance per ticket instead of six. Written as fixed SQL because the ORM's
``Subquery(OuterRef(...))`` spent longer in Python building the six of them (about
1.5 ms a page) than PostgreSQL spent planning the joins (bench/README.md).

Each subquery reads one row by primary key (or a ticket's tags), from tables named by
the models' own metadata; none takes a parameter, so nothing from a request reaches
this SQL.
"""

from functools import cache, cached_property

from django.apps import apps
from django.db import models

# Tag names can't hold it: services.ticket_set_tags splits names on whitespace, which
# includes the ASCII unit separator.
TAG_SEPARATOR = "\x1f"


class FixedSQL(models.Expression):
    """A selected column of fixed SQL text, with a SQLite spelling where it differs."""

    def __init__(self, sql, sqlite=None):
        super().__init__(output_field=models.TextField())
        self.sql = sql
        self.sqlite = sqlite or sql

    @cached_property
    def identity(self):
        # What Expression.identity computes (the class and the constructor's
        # arguments) without binding the constructor's signature for each instance:
        # a page builds eight of these and the compiler hashes them.
        return (FixedSQL, self.sql, self.sqlite)

    def as_sql(self, compiler, connection):
        return self.sql, ()

    def as_sqlite(self, compiler, connection):
        return self.sqlite, ()


def _table(label):
    return f'"{apps.get_model(label)._meta.db_table}"'


# No parameters and no input: table and column names from the models' metadata.
# ruff: noqa: S608
@cache
def _sql():
    ticket = _table("tickets.Ticket")

    def by_key(label, column, key):
        return f'(SELECT {column} FROM {_table(label)} WHERE "id" = {ticket}."{key}")'

    # str() of an Area or a Category: its path, else its name; of a User: the full
    # name, else the e-mail.
    path_or_name = """COALESCE(NULLIF("path", ''), "name")"""
    name_or_email = """COALESCE(NULLIF("full_name", ''), "email")"""
    city_state = (
        """CASE WHEN "city" <> '' AND "state" <> '' THEN "city" || ' / ' || "state" """
        """ELSE "city" || "state" END"""
    )
    address_line = (
        f"""CASE WHEN "address" <> '' AND ({city_state}) <> '' THEN "address" || ', ' || {city_state}"""
        f""" ELSE "address" || {city_state} END"""
    )
    tags = apps.get_model("tickets.Ticket").tags.through._meta.db_table
    tag_names = (
        f'(SELECT {{}}(g."name", {{}}(31)) FROM {_table("tickets.Tag")} g JOIN "{tags}" tt'
        f' ON tt."tag_id" = g."id" WHERE tt."ticket_id" = {ticket}."id")'
    )
    return {
        "client_name": by_key("accounts.ClientCompany", '"name"', "client_id"),
        "unit_name": by_key("accounts.Unit", '"name"', "unit_id"),
        # Unit.full_address, "Rua X, 10, Campinas / SP", the parts not given left out:
        # one subquery for the card's address line instead of three.
        "unit_address_line": by_key("accounts.Unit", address_line, "unit_id"),
        "area_label": by_key("accounts.Area", path_or_name, "area_id"),
        "category_label": by_key("tickets.Category", path_or_name, "category_id"),
        "executante_label": by_key("accounts.User", name_or_email, "executante_id"),
        "provider_name": (
            f'(SELECT p."name" FROM {_table("providers.Contract")} k'
            f' JOIN {_table("providers.ProviderCompany")} p ON p."id" = k."provider_id"'
            f' WHERE k."id" = {ticket}."contract_id")'
        ),
        # chr(31) / char(31): TAG_SEPARATOR.
        "tag_names_joined": (tag_names.format("STRING_AGG", "chr"), tag_names.format("GROUP_CONCAT", "char")),
    }


def row_name(name):
    """The column ``name`` (``unit_name``, ``executante_label``, ``tag_names_joined``...:
    the keys above) as an expression to annotate tickets with."""
    sql = _sql()[name]
    return FixedSQL(*sql) if isinstance(sql, tuple) else FixedSQL(sql)
