"""Units and their areas in the admin, scoped to the client admin's client."""

import pytest
from django.urls import reverse

from accounts.models import Area, Unit
from accounts.tests.admin_helpers import errors, form_data

pytestmark = pytest.mark.django_db

ADD = reverse("admin:accounts_unit_add")


def change_url(unit):
    return reverse("admin:accounts_unit_change", args=[unit.pk])


@pytest.fixture
def admin_a(demo, login_client):
    return login_client(demo["client_admin"])


def new_unit(client, **fields):
    data = {
        "client": str(client.pk),
        "code": "LJ09",
        "name": "Loja Nova",
        "active": "on",
        "areas-TOTAL_FORMS": "0",
        "areas-INITIAL_FORMS": "0",
    }
    return {**data, **fields}


def test_it_adds_a_unit_to_the_admins_client_already_chosen(demo, admin_a):
    form = admin_a.get(ADD).context["adminform"].form
    assert list(form.fields["client"].queryset) == [demo["supermercados"]]
    assert form.fields["client"].initial == demo["supermercados"].pk

    assert admin_a.post(ADD, new_unit(demo["supermercados"])).status_code == 302
    assert Unit.objects.get(code="LJ09").client == demo["supermercados"]


def test_a_forged_post_cannot_add_a_unit_to_another_client(demo, admin_a):
    response = admin_a.post(ADD, new_unit(demo["banco"]))
    assert list(errors(response)) == ["client"]
    assert not Unit.objects.filter(code="LJ09").exists()


def test_a_unit_never_moves_to_another_client_and_codes_stay_unique(demo, admin_a):
    lj02 = Unit.objects.get(code="LJ02")
    data = form_data(admin_a.get(change_url(lj02)))
    data.update(client=str(demo["banco"].pk), code="LJ01")

    response = admin_a.post(change_url(lj02), data)

    assert response.status_code == 200 and errors(response)  # a form error, not a crash
    data["code"] = "LJ02-B"
    admin_a.post(change_url(lj02), data)
    lj02.refresh_from_db()
    assert (lj02.client, lj02.code) == (demo["supermercados"], "LJ02-B")


def test_it_adds_nested_areas_inside_the_same_unit(demo, admin_a):
    lj01 = Unit.objects.get(code="LJ01")
    terreo = Area.objects.get(unit=lj01, name="Térreo")
    data = form_data(admin_a.get(change_url(lj01)))
    total = int(data["areas-TOTAL_FORMS"])
    data.update(
        {
            "areas-TOTAL_FORMS": str(total + 1),
            f"areas-{total}-name": "Frios",
            f"areas-{total}-parent": str(terreo.pk),
        }
    )

    assert admin_a.post(change_url(lj01), data).status_code == 302
    assert Area.objects.get(unit=lj01, name="Frios").path == "Térreo > Frios"


def test_the_area_inline_offers_only_this_units_areas(demo, admin_a):
    lj01 = Unit.objects.get(code="LJ01")
    formset = admin_a.get(change_url(lj01)).context["inline_admin_formsets"][0].formset
    offered = set(formset.empty_form.fields["parent"].queryset)
    assert offered == set(Area.objects.filter(unit=lj01))


def test_a_forged_post_cannot_nest_an_area_under_another_clients_area(demo, admin_a):
    lj01 = Unit.objects.get(code="LJ01")
    foreign = Area.objects.get(unit__code="AG01", name="Térreo")
    data = form_data(admin_a.get(change_url(lj01)))
    total = int(data["areas-TOTAL_FORMS"])
    data.update(
        {
            "areas-TOTAL_FORMS": str(total + 1),
            f"areas-{total}-name": "X",
            f"areas-{total}-parent": str(foreign.pk),
        }
    )

    response = admin_a.post(change_url(lj01), data)

    assert response.status_code == 200
    assert not Area.objects.filter(name="X").exists()


def test_an_area_cannot_be_nested_inside_itself_or_its_children(demo, admin_a):
    lj01 = Unit.objects.get(code="LJ01")
    terreo = Area.objects.get(unit=lj01, name="Térreo")
    formset = admin_a.get(change_url(lj01)).context["inline_admin_formsets"][0].formset
    form = next(f for f in formset.forms if f.instance == terreo)
    offered = set(form.fields["parent"].queryset)
    assert terreo not in offered and not offered & set(terreo.children.all())
