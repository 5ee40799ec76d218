"""Who sees which ticket: the access module and the pages built on it."""

import pytest
from django.urls import reverse

from accounts.models import User
from providers import services as provider_services
from providers.models import ProviderMember
from tickets import access, services

pytestmark = pytest.mark.django_db

EXPECTED = {
    "gestor": {"t1", "t2", "t3"},
    "tecnico1": {"t1", "b1"},
    "tecnico2": {"t2"},
    "other_gestor": {"t4"},
    "other_tecnico": {"t4"},
    "client_admin": {"t1", "t2", "t3", "t4", "t5"},
    "client_staff": {"t1", "t2", "t3", "t4", "t5"},
    "other_client_admin": {"b1"},
    "root": {"t1", "t2", "t3", "t4", "t5", "b1"},
}
ALL = ("t1", "t2", "t3", "t4", "t5", "b1")


def names(world, queryset):
    ids = set(queryset.values_list("id", flat=True))
    return {name for name in ALL if world[name].pk in ids}


def fresh(user):
    # A new request loads a new user object: nothing cached from before.
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_visible_tickets_match_each_personas_reach(world, persona):
    assert names(world, access.visible_tickets(fresh(world[persona]))) == EXPECTED[persona]


def test_visible_tickets_is_built_once_per_request_and_each_caller_gets_its_own_copy(world):
    tecnico = fresh(world["tecnico2"])
    first = access.visible_tickets(tecnico)
    assert names(world, first) == EXPECTED["tecnico2"]
    second = access.visible_tickets(tecnico)
    # A copy: reading the first filled only its own rows, and the SQL is the same.
    assert second is not first and second._result_cache is None
    assert str(second.query) == str(first.query)
    # The per-ticket grants are read when the SQL runs: a ticket allocated to him in
    # the same request shows up in the copy built before.
    services.ticket_allocate(ticket=world["t3"], executante=tecnico, by=world["gestor"])
    assert names(world, second.all()) == {"t2", "t3"}
    # The outsider, in the same request, has a reach and a list of his own.
    assert names(world, access.visible_tickets(fresh(world["other_tecnico"]))) == EXPECTED["other_tecnico"]
    # Made Gestor of the contract: his reach, computed again, brings the whole queue,
    # and the list is built again from it.
    member = ProviderMember.objects.get(contract=world["clima_sm"], user=tecnico)
    provider_services.member_reclassify(member=member, role="gestor", by=world["client_admin"])
    assert names(world, access.visible_tickets(tecnico)) == {"t2", "t3"}  # this request's reach
    tecnico._trilogo_reach = None
    assert names(world, access.visible_tickets(tecnico)) == {"t1", "t2", "t3"}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_detail_page_answers_200_for_visible_and_404_for_the_rest(world, client, persona):
    client.force_login(world[persona])
    for name in ALL:
        status = client.get(reverse("tickets:detail", args=[world[name].pk])).status_code
        assert status == (200 if name in EXPECTED[persona] else 404), (persona, name)


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("tickets:detail", args=[world["t1"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_invisible_ticket_answers_exactly_like_a_nonexistent_one(world, client):
    client.force_login(world["gestor"])
    invisible = client.get(reverse("tickets:detail", args=[world["t4"].pk]))
    missing = client.get(reverse("tickets:detail", args=[999_999]))
    assert invisible.status_code == missing.status_code == 404
    assert invisible.content == missing.content


def test_gestor_queue_has_every_clima_ticket_of_supermercados_and_none_of_eletrica(world):
    queue = names(world, access.gestor_tickets(fresh(world["gestor"])))
    assert queue == {"t1", "t2", "t3"}


def test_tecnico1_sees_his_tickets_and_as_gestor_the_banco_tickets(world):
    tecnico1 = fresh(world["tecnico1"])
    assert names(world, access.executante_tickets(tecnico1)) == {"t1"}
    assert names(world, access.gestor_tickets(tecnico1)) == {"b1"}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_meus_tickets_probed_or_joined_holds_the_same_tickets(world, persona):
    # Outsiders included: a Gestor, client staff, another provider's technician.
    user = fresh(world[persona])
    joined = names(world, access.executante_tickets(user))
    assert names(world, access.executante_tickets(user, probe_grants=True)) == joined
    assert joined == {"tecnico1": {"t1"}, "tecnico2": {"t2"}, "other_tecnico": {"t4"}}.get(persona, set())


@pytest.mark.parametrize("probe_grants", [False, True])
def test_meus_tickets_needs_both_the_allocation_and_the_view_grant(world, probe_grants):
    from tickets.grants import view_perm_id
    from tickets.models import Ticket, TicketUserObjectPermission

    tecnico1, tecnico2, t1, t2 = fresh(world["tecnico1"]), world["tecnico2"], world["t1"], world["t2"]

    def mine():
        return names(world, access.executante_tickets(tecnico1, probe_grants=probe_grants))

    # Asked once before anything moves: the queryset is built once per process
    # (access._executante_base), and what follows must still show each change.
    assert mine() == {"t1"}
    grants = TicketUserObjectPermission.objects
    assert grants.filter(user=tecnico1, content_object=t1).exclude(permission_id=view_perm_id()).exists()
    # His view grant on t1 handed to someone else (by hand: the services move the
    # allocation and the grants together); his other grants on t1 and the allocation
    # stay. Not his to see any more.
    grants.filter(user=tecnico1, content_object=t1, permission_id=view_perm_id()).update(user=tecnico2)
    assert mine() == set()
    # A view grant without the allocation (t2 is tecnico2's) shows nothing either...
    grants.filter(user=tecnico2, content_object=t2, permission_id=view_perm_id()).update(user=tecnico1)
    assert mine() == set()
    # ...and with it, it shows.
    Ticket.objects.filter(pk=t2.pk).update(executante=tecnico1)
    assert mine() == {"t2"}


@pytest.mark.parametrize("probe_grants", [False, True])
def test_meus_tickets_hands_each_caller_a_clone_of_a_queryset_never_run_itself(world, probe_grants):
    from tickets.grants import view_perm_id

    def mine():
        return access.executante_tickets(fresh(world["tecnico1"]), probe_grants=probe_grants)

    first, second = mine(), mine()
    assert first is not second and first.query is not second.query
    assert str(first.query) == str(second.query)
    # Narrowing or running one copy leaves the next untouched.
    assert list(first.filter(status="arquivado")) == []
    assert list(first) == [world["t1"]]
    assert second._result_cache is None
    assert str(mine().query) == str(second.query)
    base = access._executante_base(world["tecnico1"].pk, view_perm_id(), probe_grants)
    assert base._result_cache is None and base is not first and base is not second
    # Another person gets his own.
    theirs = access.executante_tickets(fresh(world["tecnico2"]), probe_grants=probe_grants)
    assert list(theirs) == [world["t2"]]


def test_reallocation_moves_visibility_on_the_next_request(world, client):
    t1 = world["t1"]
    services.ticket_allocate(ticket=t1, executante=world["tecnico2"], by=world["gestor"])
    assert "t1" not in names(world, access.visible_tickets(fresh(world["tecnico1"])))
    assert "t1" in names(world, access.visible_tickets(fresh(world["tecnico2"])))
    client.force_login(world["tecnico1"])
    assert client.get(reverse("tickets:detail", args=[t1.pk])).status_code == 404


def test_reclassifying_a_gestor_as_executante_takes_effect_on_the_next_request(world):
    member = ProviderMember.objects.get(contract=world["clima_sm"], user=world["gestor"])
    provider_services.member_reclassify(member=member, role="executante", by=world["client_admin"])
    assert names(world, access.visible_tickets(fresh(world["gestor"]))) == set()


def test_deactivating_an_executante_returns_his_tickets_to_the_queue(world):
    member = ProviderMember.objects.get(contract=world["clima_sm"], user=world["tecnico2"])
    provider_services.member_set_active(member=member, active=False, by=world["client_admin"])
    world["t2"].refresh_from_db()
    assert world["t2"].executante is None
    assert names(world, access.visible_tickets(fresh(world["tecnico2"]))) == set()


def test_a_deactivated_user_sees_nothing(world):
    User.objects.filter(pk=world["gestor"].pk).update(is_active=False)
    assert names(world, access.visible_tickets(fresh(world["gestor"]))) == set()


@pytest.mark.parametrize(
    ("persona", "ticket", "action", "allowed"),
    [
        ("gestor", "t1", "allocate", True),
        ("gestor", "t1", "inspect", False),
        ("tecnico1", "t1", "execute", True),
        ("tecnico1", "t1", "allocate", False),
        ("tecnico1", "b1", "allocate", True),
        ("client_staff", "t1", "inspect", True),
        ("client_staff", "t1", "execute", False),
        ("root", "t1", "view", True),
        ("root", "t1", "allocate", False),
    ],
)
def test_roles_allow_only_their_actions(world, persona, ticket, action, allowed):
    ticket_access = access.ticket_access(fresh(world[persona]), world[ticket])
    assert ticket_access.can(action) is allowed


def test_financial_access_is_for_the_gestor_and_the_client_not_the_executante(world):
    t1 = world["t1"]
    assert access.can_see_financials(fresh(world["gestor"]), t1)
    assert access.can_see_financials(fresh(world["client_staff"]), t1)
    assert not access.can_see_financials(fresh(world["tecnico1"]), t1)
    assert not access.can_see_financials(fresh(world["other_gestor"]), t1)
    assert names(world, access.financial_tickets(fresh(world["tecnico1"]))) == {"b1"}


def test_onboarding_a_gestor_writes_no_per_ticket_rows(world):
    from tickets.models import TicketUserObjectPermission

    before = TicketUserObjectPermission.objects.count()
    provider_services.member_register(
        contract=world["clima_sm"],
        email="novo.gestor@prestadora.demo",
        full_name="Novo",
        role="gestor",
        by=world["client_admin"],
        invite=False,
    )
    assert TicketUserObjectPermission.objects.count() == before
    new = User.objects.get(email="novo.gestor@prestadora.demo")
    assert names(world, access.visible_tickets(new)) == {"t1", "t2", "t3"}


def test_visible_tickets_needs_both_the_allocation_and_the_view_grant(world):
    from tickets.grants import view_perm_id
    from tickets.models import Ticket, TicketUserObjectPermission

    tecnico1, tecnico2, t2 = world["tecnico1"], world["tecnico2"], world["t2"]
    view = TicketUserObjectPermission.objects.filter(content_object=t2, permission_id=view_perm_id())
    assert names(world, access.visible_tickets(fresh(tecnico2))) == {"t2"}
    # His view grant handed to tecnico1 (by hand): the allocation alone shows nothing...
    view.filter(user=tecnico2).update(user=tecnico1)
    assert names(world, access.visible_tickets(fresh(tecnico2))) == set()
    # ...nor does the grant without the allocation (tecnico1 keeps what else he sees)...
    assert names(world, access.visible_tickets(fresh(tecnico1))) == {"t1", "b1"}
    # ...and both together show it.
    Ticket.objects.filter(pk=t2.pk).update(executante=tecnico1)
    assert names(world, access.visible_tickets(fresh(tecnico1))) == {"t1", "t2", "b1"}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_visible_tickets_narrowed_by_other_conditions_keeps_to_the_reach(world, persona):
    # The ticket page's related tickets and "relate by number" narrow it by something
    # other than a key: each candidate is still checked against the person's reach.
    from tickets.models import Ticket

    user = fresh(world[persona])
    for name in ALL:
        ticket = world[name]
        by_number = access.visible_tickets(user).filter(client_id=ticket.client_id, number=ticket.number)
        assert by_number.exists() == (name in EXPECTED[persona]), name
    everyone = Ticket.objects.filter(title__isnull=False)
    assert names(world, access.visible_tickets(user) & everyone) == EXPECTED[persona]
