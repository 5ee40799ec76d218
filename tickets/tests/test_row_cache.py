"""List rows kept between requests (tickets/row_cache.py): a page seen again skips
its rows statement, and shows at once whatever changed in what its rows print.

The cache never decides who sees what: a kept row is shown only for a key the
request's own keys statement found visible. Every test here that shows a kept row
has someone who must not see it.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Unit
from providers.models import Contract
from tickets import row_cache, services
from tickets.models import Category, Tag
from tickets.tests.fixtures import statements

pytestmark = pytest.mark.django_db
ON_POSTGRES = connection.vendor == "postgresql"
QUEUE = reverse("tickets:queue")
CLIENT_LIST = reverse("tickets:client_list")
MINE = reverse("tickets:mine")
HTMX_ROWS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "ticket-list"}


def _page(client, url, params=None, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {}, **headers)
    assert response.status_code == 200
    rows_statements = [q["sql"] for q in captured.captured_queries if "tag_names_joined" in q["sql"]]
    rows_statements += [q["sql"] for q in captured.captured_queries if "unit_address_line" in q["sql"]]
    return response.content.decode(), statements(captured), len(rows_statements)


def _without_tokens(html):
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1…", html)


def _generation():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {row_cache.GENERATION_SQL}")
        return cursor.fetchone()[0]


def test_a_page_seen_again_is_drawn_from_its_kept_rows(world, as_user):
    client = as_user(world["gestor"])
    first, first_count, first_rows = _page(client, QUEUE)
    again, again_count, again_rows = _page(client, QUEUE)

    assert _without_tokens(again) == _without_tokens(first)
    assert "Refletor do estacionamento" in again
    if not ON_POSTGRES:  # kept on PostgreSQL only
        assert row_cache.kept_count() == 0
        assert again_count == first_count
        return
    assert first_rows == 1 and again_rows == 0
    assert again_count == first_count - 1
    # Clima's three tickets for Supermercados (the Gestor's reach).
    assert row_cache.kept_count() == 3


def test_a_kept_row_is_shown_only_to_whoever_the_keys_statement_finds_it_visible_to(world, as_user):
    gestor_page, *_ = _page(as_user(world["gestor"]), QUEUE)
    assert "Refletor do estacionamento" in gestor_page

    # Another provider's Gestor, with the same client: only his own ticket.
    outsider_page, *_ = _page(as_user(world["other_gestor"]), QUEUE)
    assert "Tomada sem energia" in outsider_page
    for title in ("Refletor do estacionamento", "Ar-condicionado pingando", "Câmara fria quente"):
        assert title not in outsider_page
    # The other client's staff: none of them.
    other_client_page, *_ = _page(as_user(world["other_client_admin"]), CLIENT_LIST)
    assert "Agência sem luz" in other_client_page
    assert "Refletor do estacionamento" not in other_client_page


def test_a_card_taken_from_a_technician_leaves_his_page_though_it_is_kept(world, as_user):
    tecnico1 = as_user(world["tecnico1"])
    page, *_ = _page(tecnico1, MINE)
    assert "Refletor do estacionamento" in page

    services.ticket_allocate(ticket=world["t1"], executante=world["tecnico2"], by=world["gestor"])
    page, *_ = _page(tecnico1, MINE)
    assert "Refletor do estacionamento" not in page
    page, *_ = _page(as_user(world["tecnico2"]), MINE)
    assert "Refletor do estacionamento" in page


def test_a_change_to_the_ticket_shows_at_once(world, as_user):
    client = as_user(world["gestor"])
    _page(client, QUEUE)
    services.ticket_allocate(ticket=world["t3"], executante=world["tecnico2"], by=world["gestor"])
    services.ticket_set_tags(ticket=world["t1"], names=["urgente"], by=world["gestor"])

    page, _, rows = _page(client, QUEUE, **HTMX_ROWS)
    row = _row(page, world["t3"])
    assert str(world["tecnico2"]) in row
    assert "urgente" in _row(page, world["t1"])
    if ON_POSTGRES:
        assert rows == 1  # the two changed rows, fetched; the others kept


def _row(html, ticket):
    match = re.search(rf'<tr id="row-{ticket.pk}".*?</tr>', html, re.S)
    assert match, ticket
    return match.group(0)


def _nothing(world):
    pass


def _rename_unit(world):
    unit = Unit.objects.get(pk=world["t1"].unit_id)
    unit.name = "Loja Renomeada"
    unit.save()
    return unit.name


def _rename_person(world):
    person = world["tecnico1"]
    person.full_name = "Técnico Renomeado"
    person.save()
    return person.full_name


def _rename_client(world):
    client = world["supermercados"]
    client.name = "Cliente Renomeado"
    client.save()
    return client.name


def _categorise(world):
    category = Category.objects.create(client=world["supermercados"], name="Elétrica predial")
    type(world["t1"]).objects.filter(pk=world["t1"].pk).update(category=category)


def _rename_category(world):
    category = Category.objects.get(name="Elétrica predial")
    category.name = "Categoria Renomeada"
    category.save()
    return "Categoria Renomeada"


def _tag(world):
    services.ticket_set_tags(ticket=world["t1"], names=["antiga"], by=world["gestor"])


def _rename_tag(world):
    tag = Tag.objects.get(name="antiga")
    tag.name = "renomeada"
    tag.save()
    return tag.name


@pytest.mark.parametrize(
    ("prepare", "rename"),
    [
        (_nothing, _rename_unit),
        (_nothing, _rename_person),
        (_nothing, _rename_client),
        (_categorise, _rename_category),
        (_tag, _rename_tag),
    ],
)
def test_a_rename_of_what_a_row_prints_shows_at_once(
    world, as_user, django_capture_on_commit_callbacks, prepare, rename
):
    prepare(world)
    client = as_user(world["gestor"])
    _page(client, QUEUE)  # the rows kept with the old name
    with django_capture_on_commit_callbacks(execute=True):
        # The generation moves once the rename commits (a test's transaction never does).
        new_name = rename(world)
    assert new_name in _row(_page(client, QUEUE)[0], world["t1"])


def test_a_provider_renamed_shows_in_the_clients_list(world, as_user, django_capture_on_commit_callbacks):
    client = as_user(world["client_admin"])
    assert "Clima" in _page(client, CLIENT_LIST)[0]
    with django_capture_on_commit_callbacks(execute=True):
        provider = world["clima"]
        provider.name = "Prestadora Renomeada"
        provider.save()
    assert "Prestadora Renomeada" in _page(client, CLIENT_LIST)[0]


@pytest.mark.parametrize("way", ["the ticket's tags", "the tag's tickets"])
def test_tags_changed_any_way_show_at_once_and_keep_the_other_rows(world, as_user, way):
    client = as_user(world["gestor"])
    _page(client, QUEUE)
    tag = Tag.objects.create(client=world["supermercados"], name="sem-servico")
    if way == "the ticket's tags":
        world["t1"].tags.add(tag)
    else:
        tag.tickets.add(world["t1"])
    page, _, rows = _page(client, QUEUE, **HTMX_ROWS)
    assert "sem-servico" in _row(page, world["t1"])
    if ON_POSTGRES:
        assert rows == 1  # t1's row alone is drawn again
        assert row_cache.kept_count() == 4  # t1's old row, its new one, t2's and t3's


def test_saves_of_what_no_row_prints_keep_the_rows(world, django_capture_on_commit_callbacks):
    if not ON_POSTGRES:
        return
    before = _generation()
    with django_capture_on_commit_callbacks(execute=True):
        world["gestor"].save(update_fields=["last_login"])  # a login
        contract = Contract.objects.get(pk=world["clima_sm"].pk)
        contract.save(update_fields=["active"])
        services.ticket_create(  # takes the client's next ticket number
            client=world["supermercados"], requester=world["client_admin"], title="Nova",
            unit=Unit.objects.filter(client=world["supermercados"]).first(),
        )  # fmt: skip
        # New things are printed by no row kept before them.
        Tag.objects.create(client=world["supermercados"], name="nova")
        Unit.objects.create(client=world["supermercados"], code="LJ98", name="Loja Nova")
    assert _generation() == before
    with django_capture_on_commit_callbacks(execute=True):
        world["gestor"].save()
    assert _generation() == before + 1


def test_rows_are_kept_per_language(world, as_user):
    client = as_user(world["gestor"])
    assert "Alocar" in _row(_page(client, QUEUE)[0], world["t3"])
    client.cookies["django_language"] = "en"
    english = _row(_page(client, QUEUE, HTTP_ACCEPT_LANGUAGE="en")[0], world["t3"])
    assert "Allocate" in english
    assert "Alocar" not in english


def test_rows_are_kept_per_day(world, as_user, monkeypatch):
    t1 = world["t1"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.ticket_set_deadline(ticket=t1, deadline=tomorrow, by=world["gestor"])
    tecnico1 = as_user(world["tecnico1"])
    assert "is-overdue" not in _card(_page(tecnico1, MINE)[0], t1)

    later = timezone.localdate() + timedelta(days=3)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    assert "is-overdue" in _card(_page(tecnico1, MINE)[0], t1)


def _card(html, ticket):
    match = re.search(rf'<article class="([^"]*)" id="card-{ticket.pk}".*?</article>', html, re.S)
    assert match, ticket
    return match.group(0)


def test_each_person_gets_his_own_csrf_token_in_kept_cards(world):
    # Two sessions of the technician, each with its own CSRF cookie: the first page
    # draws and keeps the cards, the second is drawn from them.
    phones = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for phone in phones:
        phone.force_login(world["tecnico1"])
        page = _page(phone, MINE)[0]
        assert row_cache.CSRF_PLACEHOLDER not in page
        card = _card(page, world["t1"])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1)
        assert token == re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        tokens.append(token)
    assert tokens[0] != tokens[1]
    if ON_POSTGRES:
        assert row_cache.kept_count() == 1

    # The second phone's kept card starts the work: its token is its own.
    action = re.search(r'<form method="post" action="([^"]+)"', card).group(1)
    version = re.search(r'name="version" value="(\d+)"', card).group(1)
    response = phones[1].post(action, {"csrfmiddlewaretoken": tokens[1], "version": version})
    assert response.status_code == 302
    world["t1"].refresh_from_db()
    assert world["t1"].status == "em_execucao"
    # The first phone's token is its session's alone.
    assert phones[1].post(action, {"csrfmiddlewaretoken": tokens[0], "version": version}).status_code == 403


def test_no_more_rows_are_kept_than_the_setting_allows(world, as_user, settings):
    settings.ROW_CACHE_SIZE = 2
    _page(as_user(world["gestor"]), QUEUE)
    _page(as_user(world["client_admin"]), CLIENT_LIST)
    assert row_cache.kept_count() == (2 if ON_POSTGRES else 0)
    settings.ROW_CACHE_SIZE = 0
    row_cache.forget_all()
    _, _, rows = _page(as_user(world["gestor"]), QUEUE)
    _, _, rows_again = _page(as_user(world["gestor"]), QUEUE)
    assert row_cache.kept_count() == 0
    assert rows == rows_again == 1
