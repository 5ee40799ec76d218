import pytest
from django.db import IntegrityError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_uses_email_as_the_login():
    assert User.USERNAME_FIELD == "email"
    user = User.objects.create_user(email="Joao@Example.COM", password="x")
    assert user.email == "joao@example.com"


def test_email_is_unique_whatever_the_case():
    User.objects.create_user(email="joao@example.com")
    with pytest.raises(IntegrityError):
        User.objects.create(email="JOAO@example.com")


def test_superuser_has_admin_flags():
    root = User.objects.create_superuser(email="root@example.com", password="x")
    assert root.is_staff and root.is_superuser


def test_the_user_model_is_in_the_first_migration():
    from importlib import import_module

    migration = import_module("accounts.migrations.0001_initial").Migration
    created = {op.name for op in migration.operations if op.__class__.__name__ == "CreateModel"}
    assert "User" in created
