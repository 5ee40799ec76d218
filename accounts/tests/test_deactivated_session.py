"""A deactivated user's existing session stops working on the very next request."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["tecnico1", "client_admin"])
def test_a_deactivated_user_is_logged_out_on_the_next_request(persona, demo, client):
    user = demo[persona]
    client.post(reverse("login"), {"username": user.email, "password": "trilogo-demo"})
    assert client.get(reverse("password_change")).status_code == 200

    type(user).objects.filter(pk=user.pk).update(is_active=False)

    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("admin:index")).status_code == 302
