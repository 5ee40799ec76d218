import pytest
from django.core.management import call_command

from accounts.models import ClientCompany, ClientMembership, Unit, User
from providers.models import Contract, ProviderCompany, ProviderMember

pytestmark = pytest.mark.django_db


def counts():
    from quotations.models import Cost, Invoice, Quotation
    from tickets.models import Attachment, Comment, Ticket, TicketUserObjectPermission

    models = (
        User,
        ClientCompany,
        ClientMembership,
        Unit,
        ProviderCompany,
        Contract,
        ProviderMember,
        Ticket,
        Comment,
        Attachment,
        TicketUserObjectPermission,
        Quotation,
        Cost,
        Invoice,
    )
    return [m.objects.count() for m in models]


def test_the_demo_has_tickets_in_every_status_with_comments_tags_and_a_photo():
    from tickets.models import Attachment, Ticket

    call_command("seed_demo", "--quiet-logins")
    assert 35 <= Ticket.objects.count() <= 45
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Ticket.Status.values)
    assert Ticket.objects.filter(blocked=True).exists() and Ticket.objects.filter(paused=True).exists()
    assert Ticket.objects.filter(comments__isnull=False).exists()
    assert Ticket.objects.filter(tags__isnull=False).exists()
    assert Attachment.objects.filter(kind="photo").exists()
    executantes = set(Ticket.objects.exclude(executante=None).values_list("executante__email", flat=True))
    assert {"tecnico1@prestadora.demo", "tecnico2@prestadora.demo", "tecnico@outra.demo"} <= executantes


def test_it_creates_the_demo_world_and_running_it_twice_duplicates_nothing(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    out = capsys.readouterr().out
    assert "admin@cliente.demo" in out and "trilogo-demo" in out


def test_demo_logins_work_with_the_demo_password():
    call_command("seed_demo", "--quiet-logins")
    for email in ("admin@cliente.demo", "tecnico1@prestadora.demo", "root@plataforma.demo"):
        assert User.objects.get(email=email).check_password("trilogo-demo")
    assert User.objects.get(email="root@plataforma.demo").is_superuser


def test_tecnico1_is_executante_in_one_client_and_gestor_in_another():
    call_command("seed_demo", "--quiet-logins")
    roles = set(
        ProviderMember.objects.filter(user__email="tecnico1@prestadora.demo").values_list(
            "contract__client__name", "role"
        )
    )
    assert roles == {("Supermercados Exemplo", "executante"), ("Banco Modelo", "gestor")}
