"""Capped pagination (tickets/paging.py), on whichever database the run uses (CI:
PostgreSQL, where the keys come from one array; SQLite: from a list)."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from tickets import paging
from tickets.models import Ticket


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)


def ordered(world):
    return Ticket.objects.order_by("-created_at", "-id")


def test_each_page_holds_its_slice_of_the_ordered_rows(world, small_cap):
    everything = list(ordered(world).values_list("pk", flat=True))
    assert len(everything) == 6
    seen = []
    for number in (1, 2, 3):
        page = paging.paginate(ordered(world), str(number), 2)
        assert [t.pk for t in page.object_list] == everything[(number - 1) * 2 : number * 2]
        assert page.number == number and page.has_next == (number < 3)
        seen += page.object_list
    assert len({t.pk for t in seen}) == 6


def test_it_counts_only_up_to_the_cap_and_says_so(world, small_cap):
    first = paging.paginate(ordered(world), "1", 2)
    # cap = max(3, 0 + 2) + 1 = 4 rows counted: "3+"
    assert (first.count, first.count_capped) == (3, True)
    last = paging.paginate(ordered(world), "3", 2)
    # cap = max(3, 4 + 2) + 1 = 7 > 6 rows: exact
    assert (last.count, last.count_capped) == (6, False)
    assert (last.start_index, last.end_index) == (5, 6)


def test_a_page_past_the_end_shows_the_last_page(world, small_cap):
    page = paging.paginate(ordered(world), "9", 2)
    assert page.number == 3 and not page.has_next
    assert [t.pk for t in page.object_list] == list(ordered(world).values_list("pk", flat=True))[4:]


def test_it_pages_only_what_the_queryset_reaches(world):
    reach = ordered(world).filter(client=world["t1"].client).exclude(pk=world["t3"].pk)
    page = paging.paginate(reach, "1", 25)
    assert {t.pk for t in page.object_list} == set(reach.values_list("pk", flat=True))
    assert world["t3"].pk not in {t.pk for t in page.object_list} and world["b1"].pk not in {
        t.pk for t in page.object_list
    }
    assert (page.count, page.count_capped, page.has_next) == (4, False, False)


@pytest.mark.parametrize("raw", ["", "0", "-3", "abc", None])
def test_a_bad_page_number_opens_the_first_page(world, raw):
    page = paging.paginate(ordered(world), raw, 2)
    assert page.number == 1 and len(page.object_list) == 2


def test_nothing_to_show_is_an_empty_first_page(world):
    page = paging.paginate(ordered(world).filter(number=10**10), "4", 2)
    assert (page.number, page.object_list, page.count, page.has_next) == (1, [], 0, False)
    # A filter Django knows matches nothing compiles to no SQL at all.
    page = paging.paginate(ordered(world).filter(pk__in=[]), "1", 2)
    assert (page.object_list, page.count) == ([], 0)


def test_rows_shape_the_fetch_but_not_the_keys(world):
    page = paging.paginate(
        ordered(world), "1", 25, rows=lambda qs: qs.select_related("unit").with_tag_names()
    )
    assert len(page.object_list) == 6
    assert all(t.tag_names == [] for t in page.object_list)


def test_rows_are_fetched_within_the_reach_given(world):
    hidden = world["t2"]
    page = paging.paginate(ordered(world), "1", 25, within=Ticket.objects.exclude(pk=hidden.pk))
    assert hidden.pk not in {t.pk for t in page.object_list} and len(page.object_list) == 5


@pytest.mark.parametrize("kept", [0, 10000])
def test_a_ticket_taken_away_between_the_keys_and_the_rows_is_not_drawn(
    world, client, monkeypatch, settings, django_capture_on_commit_callbacks, kept
):
    """The page is two statements: a grant revoked in between must not leak the row.
    With rows kept (tickets/row_cache.py, PostgreSQL) the keys statement reads the
    stamps too; a row not kept is still fetched within the reach."""
    from tickets import services

    settings.ROW_CACHE_SIZE = kept
    t1, tecnico1 = world["t1"], world["tecnico1"]
    originals = {name: getattr(paging, name) for name in ("keys_and_count", "keys_count_and_stamps")}

    def then_reallocate(name):
        def page_keys(*args, **kwargs):
            keys, *rest = originals[name](*args, **kwargs)
            assert t1.pk in keys
            with django_capture_on_commit_callbacks(execute=True):
                services.ticket_allocate(ticket=t1, executante=world["tecnico2"], by=world["gestor"])
            return keys, *rest

        return page_keys

    for name in originals:
        monkeypatch.setattr(paging, name, then_reallocate(name))
    client.force_login(tecnico1)
    html = client.get("/meus-tickets/").content.decode()
    assert f'id="card-{t1.pk}"' not in html


# ---- merging one date-ordered scan per contract (paging.merged_keys) ------------------


def spread(world):
    """The tickets under three contracts, and merging on those contracts."""
    contracts = [world["clima_sm"], world["eletrica_sm"], world["clima_banco"]]
    return Ticket.objects.filter(contract__in=contracts), ("contract_id", sorted(c.pk for c in contracts))


@pytest.mark.parametrize("status", [None, "aberto"])
@pytest.mark.parametrize(
    "order",
    [
        ("-created_at", "-id"),
        ("created_at", "id"),
        ("-priority", "-created_at", "-id"),
        ("deadline", "-created_at", "-id"),
        ("-number", "-id"),
        ("-updated_at", "-id"),
    ],
)
def test_merging_per_contract_gives_the_same_pages_and_counts(world, small_cap, order, status):
    tickets, merge_on = spread(world)
    # Priorities and deadlines that differ, ties among them, and a ticket with no deadline.
    today = timezone.localdate()
    for name, priority, deadline in (("t1", 4, 5), ("t2", 1, 1), ("t3", 4, None), ("b1", 3, 1)):
        days = None if deadline is None else today + timedelta(days=deadline)
        Ticket.objects.filter(pk=world[name].pk).update(priority=priority, deadline=days)
    if status:
        world["t2"].status = "em_execucao"
        world["t2"].save(update_fields=["status"])
        tickets = tickets.filter(status=status)
    tickets = tickets.order_by(*order)
    assert tickets.count() == (4 if status else 5)
    for number in ("1", "2", "3", "9"):
        plain = paging.paginate(tickets, number, 2)
        merged = paging.paginate(tickets, number, 2, merge_on=merge_on)
        assert [t.pk for t in merged.object_list] == [t.pk for t in plain.object_list]
        assert (merged.number, merged.count, merged.count_capped, merged.has_next) == (
            plain.number,
            plain.count,
            plain.count_capped,
            plain.has_next,
        )


@pytest.mark.parametrize("word", ["refletor", "o", "REFLETOR", "xyzw"])
def test_a_search_merged_per_contract_gives_the_same_pages_and_counts(world, small_cap, word):
    tickets, merge_on = spread(world)
    found = tickets.filter(Q(title__icontains=word) | Q(description__icontains=word))
    found = found.order_by("-created_at", "-id")
    for number in ("1", "2", "3"):
        plain = paging.paginate(found, number, 2)
        merged = paging.paginate(found, number, 2, merge_on=merge_on)
        assert [t.pk for t in merged.object_list] == [t.pk for t in plain.object_list]
        assert (merged.number, merged.count, merged.has_next) == (plain.number, plain.count, plain.has_next)
    assert found.exists() == (word != "xyzw")


def test_a_reach_of_more_contracts_than_merge_max_keeps_one_scan(world, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tickets, merge_on = spread(world)
    tickets = tickets.order_by("-created_at", "-id")
    expected = [t.pk for t in paging.paginate(tickets, "1", 25, merge_on=merge_on).object_list]
    monkeypatch.setattr(paging, "MERGE_MAX", 2)
    with CaptureQueriesContext(connection) as captured:
        page = paging.paginate(tickets, "1", 25, merge_on=merge_on)
    assert [t.pk for t in page.object_list] == expected and len(expected) == 5
    assert not any("UNION ALL" in q["sql"] for q in captured.captured_queries)


def test_merging_never_reaches_past_the_queryset(world):
    _, merge_on = spread(world)
    # Merged on three contracts, a queryset of one contract less a ticket holds only that.
    narrowed = Ticket.objects.filter(contract=world["clima_sm"]).exclude(pk=world["t2"].pk)
    page = paging.paginate(narrowed.order_by("-created_at", "-id"), "1", 25, merge_on=merge_on)
    assert [t.pk for t in page.object_list] == [world["t3"].pk, world["t1"].pk]
    assert (page.count, page.has_next) == (2, False)


@pytest.mark.parametrize(
    ("query", "merged"),
    [
        ({}, True),
        ({"page": "1", "sort": "oldest"}, True),
        ({"status": "aberto"}, True),
        ({"sort": "priority"}, True),  # the history in the other sorts (HISTORY_SORTS)
        ({"sort": "deadline", "page": "1"}, True),
        ({"sort": "deadline", "status": "vistoriado"}, True),  # a closed status
        ({"sort": "priority", "status": "aberto"}, False),  # open work: its status index
        ({"sort": "deadline", "status": ["vistoriado", "arquivado"]}, False),
        ({"sort": "number"}, True),
        ({"sort": "updated"}, True),
        ({"q": "refletor"}, True),  # one word: each contract's newest tickets, tested
        ({"q": "refletor", "sort": "oldest", "page": "1"}, True),
        ({"q": "refletor", "status": "aberto"}, False),  # the open tickets' trigram indexes
        ({"q": "refletor", "sort": "priority"}, False),
        ({"q": "refletor quebrado"}, False),  # a phrase: the trigram index per contract
        ({"q": "ab"}, False),  # too short for the trigram indexes
        ({"q": "#42"}, False),  # a ticket number: its own index
        ({"q": "refletor", "unallocated": "on"}, False),
        ({"status": ["aberto", "em_execucao"]}, False),
        ({"unallocated": "on"}, False),
    ],
)
def test_the_queue_of_several_contracts_merges_only_in_an_index_order_without_filters(
    world, client, django_capture_on_commit_callbacks, query, merged
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from providers import services as provider_services
    from providers.models import ProviderMember

    gestor = world["gestor"]
    with django_capture_on_commit_callbacks(execute=True):
        provider_services.member_register(
            contract=world["clima_banco"],
            email=gestor.email,
            full_name=gestor.full_name,
            role=ProviderMember.Role.GESTOR,
            by=world["other_client_admin"],
            invite=False,
        )
    client.force_login(gestor)
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/fila/", query).content.decode()
    keys = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("WITH page AS")]
    # On PostgreSQL the keys are one statement; SQLite reads them as a plain list.
    assert len(keys) == (1 if connection.vendor == "postgresql" else 0)
    assert all(("UNION ALL" in sql) == merged for sql in keys)
    if query.get("status") in (None, "aberto") and not ({"q", "unallocated"} & set(query)):
        # Both contracts' tickets, under one reach: Supermercados' and the bank's.
        assert all(f'id="row-{world[name].pk}"' in html for name in ("t1", "t2", "t3", "b1"))


def test_merged_branches_drop_the_reach_condition_they_imply(world):
    tickets, merge_on = spread(world)
    sql, _ = paging.merged_keys(tickets.order_by("-created_at", "-id"), merge_on, 11)
    # Each branch is "contract_id = value" alone: with the reach's IN beside it,
    # PostgreSQL expected half the rows and sorted instead of reading the index.
    assert sql.count('"contract_id" = ') == 3
    assert '"contract_id" IN (' not in sql


def test_a_condition_narrower_than_the_merge_stays(world):
    _, merge_on = spread(world)  # three contracts
    two = Ticket.objects.filter(contract__in=[world["clima_sm"], world["clima_banco"]])
    sql, _ = paging.merged_keys(two.order_by("-created_at", "-id"), merge_on, 11)
    assert sql.count('"contract_id" IN (') == 3
    page = paging.paginate(two.order_by("-created_at", "-id"), "1", 25, merge_on=merge_on)
    expected = {world[name].pk for name in ("t1", "t2", "t3", "b1")}
    assert {t.pk for t in page.object_list} == expected and page.count == 4


def test_a_lower_count_cap_counts_less_far_but_never_short_of_the_page(world, small_cap):
    everything = list(ordered(world).values_list("pk", flat=True))
    first = paging.paginate(ordered(world), "1", 2, count_cap=1)
    # cap = max(1, 0 + 2) + 1 = 3 rows counted: "2+"
    assert (first.count, first.count_capped, first.has_next) == (2, True, True)
    assert [t.pk for t in first.object_list] == everything[:2]
    second = paging.paginate(ordered(world), "2", 2, count_cap=1)
    # cap = max(1, 2 + 2) + 1 = 5: the page still knows there is a next one
    assert (second.count, second.count_capped, second.has_next) == (4, True, True)
    assert [t.pk for t in second.object_list] == everything[2:4]
