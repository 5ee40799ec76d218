"""Client admins register provider people, reclassify, (de)activate and remove them.

Every change must take effect on the person's very next request: reach is read
fresh from guardian's grants, so each test looks at a fresh user instance.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Unit, User
from accounts.tests.admin_helpers import errors, form_data, messages
from providers import services
from providers.models import Contract, MemberEvent, ProviderMember
from tickets import grants
from tickets.access import executante_tickets, reach_for
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

ADD = reverse("admin:providers_providermember_add")
CHANGELIST = reverse("admin:providers_providermember_changelist")


def change_url(member):
    return reverse("admin:providers_providermember_change", args=[member.pk])


def fresh(user):
    """The user as the next request loads him (nothing cached from this one)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def admin_a(demo, login_client):
    return login_client(demo["client_admin"])


@pytest.fixture
def clima(demo):
    return Contract.objects.get(client=demo["supermercados"], provider=demo["clima"])


@pytest.fixture
def gestor_member(demo, clima):
    return ProviderMember.objects.get(contract=clima, user=demo["gestor"])


def register(client, contract, **fields):
    data = {
        "contract": str(contract.pk),
        "full_name": "Nina Nova",
        "email": "nina@nova.demo",
        "role": "executante",
    }
    return client.post(ADD, {**data, **fields})


# Registration


def test_it_registers_a_new_person_with_an_invitation_whose_link_works(
    demo, clima, admin_a, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(admin_a, clima, email="Nina@Nova.demo")

    member = ProviderMember.objects.get(contract=clima, user__email="nina@nova.demo")
    assert response.status_code == 302
    assert member.role == "executante" and member.active and member.registered_by == demo["client_admin"]
    assert not member.user.has_usable_password()
    event = MemberEvent.objects.get(member=member)
    assert (event.action, event.new_value, event.by) == ("registered", "Executante", demo["client_admin"])

    [email] = mail.outbox
    assert email.to == ["nina@nova.demo"]
    path = re.search(r"https?://[^/\s]+(/conta/senha/definir/\S+)", email.body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Chuva-de-2026", "new_password2": "Chuva-de-2026"}
    )
    assert done.status_code == 302

    logged_in = client.post(reverse("login"), {"username": "nina@nova.demo", "password": "Chuva-de-2026"})
    assert logged_in.status_code == 302
    assert client.session["_auth_user_id"] == str(member.user.pk)


def test_the_invitation_link_works_only_once(
    demo, clima, admin_a, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(admin_a, clima)
    path = re.search(r"(/conta/senha/definir/\S+)", mail.outbox[0].body).group(1)
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": "Chuva-de-2026", "new_password2": "Chuva-de-2026"}
    )
    assert not client.get(path, follow=True).context["validlink"]


def test_it_reuses_the_account_of_a_person_already_on_trilogo(
    demo, admin_a, django_capture_on_commit_callbacks
):
    eletrica = Contract.objects.get(client=demo["supermercados"], provider=demo["eletrica"])
    users = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        register(admin_a, eletrica, email="TECNICO1@prestadora.demo", full_name="Outro Nome", role="gestor")

    tiago = demo["tecnico1"]
    assert User.objects.count() == users
    assert fresh(tiago).full_name == "Tiago Técnico" and fresh(tiago).check_password("trilogo-demo")
    assert ProviderMember.objects.filter(user=tiago).count() == 3
    [email] = mail.outbox
    assert "/conta/entrar/" in email.body and "/conta/senha/definir/" not in email.body
    assert eletrica.pk in reach_for(fresh(tiago)).gestor_contract_ids


def test_a_duplicate_email_in_the_contract_is_a_clear_error_that_keeps_what_was_typed(
    demo, clima, admin_a, django_capture_on_commit_callbacks
):
    events = MemberEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = register(admin_a, clima, email=" Tecnico2@Prestadora.demo ", full_name="Talita de Novo")

    assert response.status_code == 200
    assert list(errors(response)) == ["email"]
    assert "tecnico2@prestadora.demo" in errors(response)["email"][0]
    page = response.content.decode()
    assert 'value="Talita de Novo"' in page and "Tecnico2@Prestadora.demo" in page
    assert MemberEvent.objects.count() == events and not mail.outbox


def test_registering_a_gestor_gives_the_contract_on_the_next_request(demo, clima, admin_a):
    register(admin_a, clima, role="gestor")
    nina = User.objects.get(email="nina@nova.demo")
    assert reach_for(fresh(nina)).gestor_contract_ids == {clima.pk}


def test_it_offers_only_the_active_contracts_of_the_admins_client(demo, clima, admin_a):
    eletrica = Contract.objects.get(client=demo["supermercados"], provider=demo["eletrica"])
    Contract.objects.filter(pk=eletrica.pk).update(active=False)
    form = admin_a.get(ADD).context["adminform"].form
    assert list(form.fields["contract"].queryset) == [clima]
    params = {"app_label": "providers", "model_name": "providermember", "field_name": "contract", "term": ""}
    offered = admin_a.get(reverse("admin:autocomplete"), params).json()["results"]
    assert [r["id"] for r in offered] == [str(clima.pk)]


def test_a_forged_post_cannot_register_under_another_clients_contract(demo, admin_a):
    banco = Contract.objects.get(client=demo["banco"], provider=demo["clima"])
    response = register(admin_a, banco)
    assert list(errors(response)) == ["contract"]
    assert not User.objects.filter(email="nina@nova.demo").exists()
    assert not ProviderMember.objects.filter(contract=banco).exclude(user=demo["tecnico1"]).exists()


# Reclassification, (de)activation, removal — change form


def test_reclassifying_a_gestor_as_executante_takes_effect_on_the_next_request(
    demo, clima, gestor_member, admin_a
):
    assert clima.pk in reach_for(fresh(demo["gestor"])).gestor_contract_ids
    data = form_data(admin_a.get(change_url(gestor_member)))
    data["role"] = "executante"

    response = admin_a.post(change_url(gestor_member), data, follow=True)

    assert clima.pk not in reach_for(fresh(demo["gestor"])).gestor_contract_ids
    assert not clima.gestor_group.user_set.filter(pk=demo["gestor"].pk).exists()
    event = MemberEvent.objects.filter(member=gestor_member).first()
    assert (event.action, event.old_value, event.new_value, event.by) == (
        "reclassified",
        "Gestor",
        "Executante",
        demo["client_admin"],
    )
    assert "Gustavo Gestor" in messages(response)[0]
    # The history is on the person's page.
    assert "Gestor → Executante" in admin_a.get(change_url(gestor_member)).content.decode()


def test_reclassifying_an_executante_as_gestor_gives_the_contract_on_the_next_request(demo, clima, admin_a):
    member = ProviderMember.objects.get(contract=clima, user=demo["tecnico2"])
    data = form_data(admin_a.get(change_url(member)))
    data["role"] = "gestor"
    admin_a.post(change_url(member), data)
    assert clima.pk in reach_for(fresh(demo["tecnico2"])).gestor_contract_ids


@pytest.fixture
def allocated_ticket(demo, clima):
    ticket = Ticket.objects.create(
        client=demo["supermercados"],
        number=1,
        title="Ar-condicionado não liga",
        unit=Unit.objects.get(code="LJ01"),
        requester=demo["client_staff"],
        contract=clima,
        executante=demo["tecnico1"],
    )
    grants.grant_executante(ticket=ticket, user=demo["tecnico1"])
    return ticket


def test_deactivating_an_executante_releases_his_tickets_on_the_next_request(
    demo, clima, admin_a, allocated_ticket
):
    member = ProviderMember.objects.get(contract=clima, user=demo["tecnico1"])
    assert list(executante_tickets(fresh(demo["tecnico1"]))) == [allocated_ticket]
    data = form_data(admin_a.get(change_url(member)))
    del data["active"]

    admin_a.post(change_url(member), data)

    assert not executante_tickets(fresh(demo["tecnico1"])).exists()
    allocated_ticket.refresh_from_db()
    assert allocated_ticket.executante is None
    assert not ProviderMember.objects.get(pk=member.pk).active
    event = MemberEvent.objects.filter(member=member).first()
    assert (event.action, event.by) == ("deactivated", demo["client_admin"])
    # He keeps what he has as Gestor under the other client.
    banco = Contract.objects.get(client=demo["banco"], provider=demo["clima"])
    assert reach_for(fresh(demo["tecnico1"])).gestor_contract_ids == {banco.pk}


def test_deactivating_and_reactivating_a_gestor(demo, clima, gestor_member, admin_a):
    data = form_data(admin_a.get(change_url(gestor_member)))
    del data["active"]
    admin_a.post(change_url(gestor_member), data)
    assert clima.pk not in reach_for(fresh(demo["gestor"])).gestor_contract_ids

    data["active"] = "on"
    admin_a.post(change_url(gestor_member), data)
    assert clima.pk in reach_for(fresh(demo["gestor"])).gestor_contract_ids
    actions = list(MemberEvent.objects.filter(member=gestor_member).values_list("action", flat=True)[:2])
    assert actions == ["reactivated", "deactivated"]


def test_a_change_post_cannot_move_a_person_to_another_contract(demo, gestor_member, admin_a):
    data = form_data(admin_a.get(change_url(gestor_member)))
    data["contract"] = str(Contract.objects.get(client=demo["banco"], provider=demo["clima"]).pk)
    admin_a.post(change_url(gestor_member), data)
    assert ProviderMember.objects.get(pk=gestor_member.pk).contract_id == gestor_member.contract_id


def test_removing_a_person_revokes_everything_and_keeps_the_history(demo, clima, gestor_member, admin_a):
    delete = reverse("admin:providers_providermember_delete", args=[gestor_member.pk])
    response = admin_a.post(delete, {"post": "yes"}, follow=True)

    assert not ProviderMember.objects.filter(pk=gestor_member.pk).exists()
    assert clima.pk not in reach_for(fresh(demo["gestor"])).gestor_contract_ids
    event = MemberEvent.objects.filter(person=demo["gestor"]).first()
    assert (event.action, event.old_value, event.by, event.member) == (
        "removed",
        "Gestor",
        demo["client_admin"],
        None,
    )
    assert "Gustavo Gestor" in messages(response)[0]


# Bulk actions — changelist


def bulk(client, action, *members):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [str(m.pk) for m in members]}, follow=True
    )


def test_bulk_reclassification_takes_effect_on_the_next_request(demo, clima, gestor_member, admin_a):
    tecnico2 = ProviderMember.objects.get(contract=clima, user=demo["tecnico2"])
    bulk(admin_a, "make_executante", gestor_member)
    assert clima.pk not in reach_for(fresh(demo["gestor"])).gestor_contract_ids

    response = bulk(admin_a, "make_gestor", gestor_member, tecnico2)
    assert reach_for(fresh(demo["gestor"])).gestor_contract_ids == {clima.pk}
    assert reach_for(fresh(demo["tecnico2"])).gestor_contract_ids == {clima.pk}
    assert messages(response) and "2" in messages(response)[0]


def test_bulk_deactivation_and_reactivation(demo, clima, gestor_member, admin_a, allocated_ticket):
    tecnico1 = ProviderMember.objects.get(contract=clima, user=demo["tecnico1"])
    bulk(admin_a, "deactivate", gestor_member, tecnico1)
    assert clima.pk not in reach_for(fresh(demo["gestor"])).gestor_contract_ids
    assert not executante_tickets(fresh(demo["tecnico1"])).exists()

    bulk(admin_a, "reactivate", gestor_member, tecnico1)
    assert ProviderMember.objects.filter(pk__in=[gestor_member.pk, tecnico1.pk], active=True).count() == 2
    assert clima.pk in reach_for(fresh(demo["gestor"])).gestor_contract_ids


def test_bulk_delete_goes_through_the_removal_service(demo, clima, gestor_member, admin_a):
    admin_a.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [str(gestor_member.pk)], "post": "yes"}
    )
    assert not ProviderMember.objects.filter(pk=gestor_member.pk).exists()
    assert not clima.gestor_group.user_set.exists()
    assert MemberEvent.objects.filter(person=demo["gestor"], action="removed").exists()


@pytest.mark.parametrize("action", ["make_executante", "make_gestor", "deactivate", "delete_selected"])
def test_a_forged_bulk_action_never_touches_another_clients_people(action, demo, admin_a):
    banco = ProviderMember.objects.get(client=demo["banco"])
    before = (banco.role, banco.active)
    admin_a.post(CHANGELIST, {"action": action, "_selected_action": [str(banco.pk)], "post": "yes"})
    banco.refresh_from_db()
    assert (banco.role, banco.active) == before
    assert not MemberEvent.objects.filter(member=banco).exclude(action="registered").exists()


def test_the_client_admin_reads_who_changed_what_and_when(demo, gestor_member, admin_a):
    services.member_reclassify(member=gestor_member, role="executante", by=demo["client_admin"])
    event = MemberEvent.objects.filter(member=gestor_member).first()

    page = admin_a.get(reverse("admin:providers_memberevent_changelist")).content.decode()
    detail = admin_a.get(reverse("admin:providers_memberevent_change", args=[event.pk]))

    assert "Gestor → Executante" in page and "Ana Admin" in page
    assert detail.status_code == 200
    assert "Gustavo Gestor" in detail.content.decode() and "Gestor → Executante" in detail.content.decode()
    assert (
        admin_a.post(
            reverse("admin:providers_memberevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert MemberEvent.objects.filter(pk=event.pk).exists()
