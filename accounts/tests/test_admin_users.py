"""Users and groups are the platform operator's: a client admin never browses them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_changelist") + "?q=banco",
        reverse("admin:accounts_user_add"),
        reverse("admin:auth_group_changelist"),
    ],
)
def test_a_client_admin_cannot_browse_users_or_groups(url, demo, login_client):
    assert login_client(demo["client_admin"]).get(url).status_code == 403
    assert login_client(demo["root"]).get(url).status_code == 200


@pytest.mark.parametrize("kind", ["user", "history", "password", "group"])
def test_a_client_admin_cannot_open_a_user_or_group(kind, demo, login_client):
    other = demo["other_client_admin"]
    urls = {
        "user": reverse("admin:accounts_user_change", args=[other.pk]),
        "history": reverse("admin:accounts_user_history", args=[other.pk]),
        "password": reverse("admin:auth_user_password_change", args=[other.pk]),
        "group": reverse("admin:auth_group_change", args=[Group.objects.first().pk]),
    }
    assert login_client(demo["client_admin"]).get(urls[kind]).status_code == 403


@pytest.mark.parametrize(
    "source", [("providers", "providermember", "user"), ("providers", "contract", "gestor_group")]
)
def test_a_client_admin_cannot_autocomplete_users_or_groups(source, demo, login_client):
    app_label, model_name, field_name = source
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""}
    assert login_client(demo["client_admin"]).get(reverse("admin:autocomplete"), params).status_code == 403


def test_the_client_admins_index_lists_only_their_models(demo, login_client):
    page = login_client(demo["client_admin"]).get(reverse("admin:index")).content.decode()
    assert reverse("admin:accounts_user_changelist") not in page
    assert reverse("admin:auth_group_changelist") not in page
    assert reverse("admin:providers_providermember_changelist") in page


def test_the_operator_registers_a_provider_in_the_spelling_the_services_look_up(demo, login_client):
    from providers.models import ProviderCompany

    root = login_client(demo["root"])
    data = {"name": "Gás Seguro", "cnpj": "24681357000140", "contracts-TOTAL_FORMS": "0"}
    data["contracts-INITIAL_FORMS"] = "0"
    response = root.post(reverse("admin:providers_providercompany_add"), data)
    assert response.status_code == 302
    assert ProviderCompany.objects.get(name="Gás Seguro").cnpj == "24.681.357/0001-40"
