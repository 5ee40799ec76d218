"""AdminScope: who is a client admin of what, and how querysets and forms narrow (fail closed)."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory

from accounts.admin_forms import AreaForm
from accounts.admin_scoping import AdminScope, scope_for
from accounts.models import Area, ClientCompany, ClientMembership, Unit

pytestmark = pytest.mark.django_db


def scope_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return scope_for(request)


def test_a_client_admin_reaches_their_own_client(demo):
    assert scope_of(demo["client_admin"]).client_ids == {demo["supermercados"].pk}
    assert scope_of(demo["root"]).is_platform


@pytest.mark.parametrize(
    "change",
    [
        lambda u: ClientMembership.objects.filter(user=u).update(active=False),
        lambda u: ClientMembership.objects.filter(user=u).update(role="staff"),
        lambda u: ClientCompany.objects.filter(memberships__user=u).update(active=False),
        lambda u: type(u).objects.filter(pk=u.pk).update(is_staff=False),
    ],
    ids=["membership-inactive", "not-admin-role", "client-inactive", "not-staff"],
)
def test_it_reaches_nothing_without_an_active_admin_membership(change, demo):
    user = demo["client_admin"]
    change(user)
    scope = scope_of(type(user).objects.get(pk=user.pk))
    assert not scope.allowed
    assert not scope.rows(Unit).exists()


def test_a_model_nobody_registered_is_invisible_to_client_admins(demo):
    scope = AdminScope(client_ids=frozenset({demo["supermercados"].pk}))
    assert not scope.rows(Group).exists()
    assert AdminScope(is_platform=True).rows(Group).exists()


def test_a_form_without_a_scope_offers_nothing(demo):
    lj01 = Unit.objects.get(code="LJ01")
    assert not AreaForm(unit=lj01).fields["parent"].queryset.exists()
    scope = AdminScope(client_ids=frozenset({demo["supermercados"].pk}))
    assert set(AreaForm(unit=lj01, scope=scope).fields["parent"].queryset) == set(
        Area.objects.filter(unit=lj01)
    )
