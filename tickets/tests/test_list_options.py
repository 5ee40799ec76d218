"""ListOptions: a list's dropdown choices from one statement, as the models would give them."""

import pytest

from accounts.models import Unit, User
from providers.models import ProviderMember
from tickets.list_options import OPTION_FILTERS, ListOptions
from tickets.models import Category, Tag

from .fixtures import world  # noqa: F401 - the demo world with tickets

pytestmark = pytest.mark.django_db


def test_each_dropdown_lists_its_options_once_in_order_named_as_the_models_name_them(world):  # noqa: F811
    sm = world["supermercados"]
    contracts = [world["clima_sm"].pk, world["eletrica_sm"].pk]
    # Orders that tell the sort keys apart: a unit's code against its name, a lower-case
    # category; and a technician under both contracts, who must come once.
    Unit.objects.create(client=sm, code="AA99", name="Zona Norte")
    Unit.objects.create(client=sm, code="ZZ01", name="Açougue Central")
    Category.objects.create(client=sm, name="bombas")
    Tag.objects.create(client=sm, name="urgente")
    ProviderMember.objects.create(
        client=sm, contract=world["eletrica_sm"], user=world["tecnico1"], role="executante"
    )
    options = ListOptions(scope="queue", client_ids=[sm.pk], contract_ids=contracts).by_kind

    units = sorted(Unit.objects.filter(client=sm), key=lambda u: (u.name, u.pk))
    assert [(o.pk, str(o)) for o in options["unit"]] == [(u.pk, str(u)) for u in units]
    assert [o.pk for o in options["unit"]].index(Unit.objects.get(code="AA99").pk) == len(units) - 1
    categories = sorted(Category.objects.filter(client=sm), key=lambda c: (c.path.lower(), c.pk))
    assert [(o.pk, str(o)) for o in options["category"]] == [(c.pk, c.path) for c in categories]
    tags = sorted(Tag.objects.filter(client=sm), key=lambda t: (t.name.lower(), t.pk))
    assert [(o.pk, str(o)) for o in options["tag"]] == [(t.pk, t.name) for t in tags]
    members = ProviderMember.objects.filter(contract_id__in=contracts, active=True)
    assert members.filter(user=world["tecnico1"]).count() == 2
    people = sorted(
        User.objects.filter(pk__in=members.values("user_id")), key=lambda u: (str(u).lower(), u.pk)
    )
    assert [(o.pk, str(o)) for o in options["executante"]] == [(u.pk, str(u)) for u in people]
    assert [(o.pk, str(o)) for o in options["client"]] == [(sm.pk, sm.name)]
    assert set(options) == set(OPTION_FILTERS)


def test_choices_are_the_options_as_form_choices(world):  # noqa: F811
    sm = world["supermercados"]
    options = ListOptions(scope="client", client_ids=[sm.pk], contract_ids=[], kinds=("unit",))
    assert options.choices("unit") == [(str(o.pk), o.label) for o in options.by_kind["unit"]]
    assert options.choices("unit") and options.by_kind["tag"] == []  # only what was asked for
