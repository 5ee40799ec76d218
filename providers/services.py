"""Writes for provider companies, contracts and provider people.

Every function is keyword-only and atomic. Grants are kept in sync here and only
here: a Gestor's reach is the contract's gestor group (contract-level guardian
permissions, a constant number of rows whatever the number of tickets); an
Executante's reach is per-ticket rows handed out on allocation (tickets.grants).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from .models import Contract, MemberEvent, ProviderCompany, ProviderMember

User = get_user_model()

GESTOR_CONTRACT_PERMS = ("manage_tickets", "view_financials")


@transaction.atomic
def provider_get_or_create(*, cnpj: str, name: str = "", **contact) -> tuple[ProviderCompany, bool]:
    """Link an existing provider by CNPJ, or register it. CNPJ must already be validated."""
    provider = ProviderCompany.objects.filter(cnpj=cnpj).first()
    if provider:
        return provider, False
    if not name:
        raise ValidationError({"name": _("Give the name of the new provider company.")})
    return ProviderCompany.objects.create(cnpj=cnpj, name=name, **contact), True


@transaction.atomic
def contract_create(*, client, provider, units=(), start_date=None, end_date=None, active=True):
    """Create a client ↔ provider contract with its gestor group and the group's grants."""
    if Contract.objects.filter(client=client, provider=provider).exists():
        raise ValidationError(_("This client already has a contract with this provider."))
    group = Group.objects.create(name=f"gestores:{client.pk}:{provider.pk}")
    contract = Contract.objects.create(
        client=client,
        provider=provider,
        gestor_group=group,
        start_date=start_date,
        end_date=end_date,
        active=active,
    )
    if units:
        contract.units.set(units)
    contract_grant_group(contract=contract)
    return contract


def contract_grant_group(*, contract: Contract) -> None:
    """Give the contract's gestor group its contract-level permissions (idempotent)."""
    for codename in GESTOR_CONTRACT_PERMS:
        assign_perm(f"providers.{codename}", contract.gestor_group, contract)


def _sync_gestor_group(member: ProviderMember) -> None:
    group = member.contract.gestor_group
    if member.active and member.is_gestor and member.contract.active:
        group.user_set.add(member.user)
    else:
        group.user_set.remove(member.user)


def _revoke_ticket_grants(member: ProviderMember) -> None:
    # Imported here: tickets depends on providers, not the other way round.
    from tickets.grants import release_executante

    release_executante(contract=member.contract, user=member.user, by=None)


def _log(member, action, by, old="", new=""):
    MemberEvent.objects.create(
        client_id=member.client_id,
        contract_id=member.contract_id,
        member=member,
        person_id=member.user_id,
        action=action,
        old_value=old,
        new_value=new,
        by=by,
    )


@transaction.atomic
def member_register(
    *, contract: Contract, email: str, full_name: str, role: str, by, invite: bool = True
) -> ProviderMember:
    """Register a person under a contract; reuse the user when the e-mail already exists.

    A person can work for the same provider under several clients, so the user is
    shared; the membership (and its role) is per contract.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if role not in ProviderMember.Role.values:
        raise ValidationError({"role": _("Choose Gestor or Executante.")})
    user = User.objects.filter(email__iexact=email).first()
    if user and ProviderMember.objects.filter(contract=contract, user=user).exists():
        raise ValidationError(
            {"email": _("%(email)s is already registered under this contract.") % {"email": email}}
        )
    created = user is None
    if created:
        user = User.objects.create_user(email=email, full_name=full_name.strip())
    member = ProviderMember.objects.create(
        client_id=contract.client_id, contract=contract, user=user, role=role, registered_by=by
    )
    _sync_gestor_group(member)
    _log(member, MemberEvent.Action.REGISTERED, by, new=member.get_role_display())
    if invite:
        from accounts.invitations import send_invitation

        transaction.on_commit(lambda: send_invitation(user=user, member=member))
    return member


@transaction.atomic
def member_reclassify(*, member: ProviderMember, role: str, by) -> ProviderMember:
    """Gestor ↔ Executante; takes effect on the person's next request."""
    if role not in ProviderMember.Role.values:
        raise ValidationError({"role": _("Choose Gestor or Executante.")})
    member = ProviderMember.objects.select_for_update().get(pk=member.pk)
    if member.role == role:
        return member
    old = member.get_role_display()
    member.role = role
    member.save(update_fields=["role"])
    _sync_gestor_group(member)
    _log(member, MemberEvent.Action.RECLASSIFIED, by, old=old, new=member.get_role_display())
    return member


@transaction.atomic
def member_set_active(*, member: ProviderMember, active: bool, by) -> ProviderMember:
    """Deactivate (revoking every grant under the contract) or reactivate a person."""
    member = ProviderMember.objects.select_for_update().get(pk=member.pk)
    if member.active == active:
        return member
    member.active = active
    member.save(update_fields=["active"])
    _sync_gestor_group(member)
    if not active:
        _revoke_ticket_grants(member)
    action = MemberEvent.Action.REACTIVATED if active else MemberEvent.Action.DEACTIVATED
    _log(
        member,
        action,
        by,
        old=str(_("Active") if not active else _("Inactive")),
        new=str(_("Active") if active else _("Inactive")),
    )
    return member


@transaction.atomic
def member_remove(*, member: ProviderMember, by) -> None:
    """Remove a person from a contract; the history entry outlives the membership."""
    member = ProviderMember.objects.select_for_update().get(pk=member.pk)
    member.active = False
    _sync_gestor_group(member)
    _revoke_ticket_grants(member)
    _log(member, MemberEvent.Action.REMOVED, by, old=member.get_role_display())
    member.delete()


@transaction.atomic
def member_save_from_admin(*, member: ProviderMember, by, changed: bool) -> ProviderMember:
    """Route an admin form save through the services so grants and history stay right."""
    if not changed:
        return member_register(
            contract=member.contract,
            email=member.user.email,
            full_name=member.user.full_name,
            role=member.role,
            by=by,
        )
    current = ProviderMember.objects.get(pk=member.pk)
    if current.role != member.role:
        member_reclassify(member=current, role=member.role, by=by)
    if current.active != member.active:
        member_set_active(member=current, active=member.active, by=by)
    return ProviderMember.objects.get(pk=member.pk)
