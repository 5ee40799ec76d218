"""Writes for provider companies, contracts and provider people.

Every function is keyword-only and atomic. Grants are kept in sync here and only
here: a Gestor's reach is the contract's gestor group (contract-level guardian
permissions, a constant number of rows whatever the number of tickets); an
Executante's reach is per-ticket rows handed out on allocation (tickets.grants).
"""

import logging
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from .models import Contract, MemberEvent, ProviderCompany, ProviderMember

security_log = logging.getLogger("trilogo.security")

User = get_user_model()

GESTOR_CONTRACT_PERMS = ("manage_tickets", "view_financials")


def normalize_cnpj(value: str) -> str:
    """One spelling per CNPJ (XX.XXX.XXX/XXXX-XX), so a lookup finds the provider
    whichever way it was typed. The value must already be a valid CNPJ."""
    raw = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    if len(raw) != 14:
        return (value or "").strip().upper()
    return f"{raw[:2]}.{raw[2:5]}.{raw[5:8]}/{raw[8:12]}-{raw[12:]}"


def find_provider(*, cnpj: str) -> ProviderCompany | None:
    return ProviderCompany.objects.filter(cnpj=normalize_cnpj(cnpj)).first()


@transaction.atomic
def provider_get_or_create(*, cnpj: str, name: str = "", **contact) -> tuple[ProviderCompany, bool]:
    """Link an existing provider by CNPJ, or register it. CNPJ must already be validated."""
    cnpj = normalize_cnpj(cnpj)
    provider = ProviderCompany.objects.filter(cnpj=cnpj).first()
    if provider:
        return provider, False
    if not name.strip():
        raise ValidationError({"name": _("Give the name of the new provider company.")})
    return ProviderCompany.objects.create(cnpj=cnpj, name=name.strip(), **contact), True


def check_contract_terms(*, client, units=(), start_date=None, end_date=None) -> None:
    """Raise ValidationError unless the covered units are the client's and the dates are in order."""
    errors = {}
    if any(unit.client_id != client.pk for unit in units):
        errors["units"] = _("Choose only units of the contract's client.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("The end date comes before the start date.")
    if errors:
        raise ValidationError(errors)


def check_new_contract(*, client, cnpj: str, name: str = "") -> None:
    """Raise ValidationError unless contract_register() can link or create this provider."""
    provider = find_provider(cnpj=cnpj)
    if provider is None and not name.strip():
        raise ValidationError({"name": _("Give the name of the new provider company.")})
    if provider and Contract.objects.filter(client=client, provider=provider).exists():
        raise ValidationError({"cnpj": _("This client already has a contract with this provider.")})


@transaction.atomic
def contract_register(
    *, client, cnpj: str, name: str = "", units=(), start_date=None, end_date=None, contact=None
) -> tuple[Contract, bool]:
    """Link the provider by CNPJ (or register it) and create the client's contract with it.

    Returns the contract and whether the provider company is new.
    """
    check_new_contract(client=client, cnpj=cnpj, name=name)
    provider, created = provider_get_or_create(cnpj=cnpj, name=name, **(contact or {}))
    contract = contract_create(
        client=client, provider=provider, units=units, start_date=start_date, end_date=end_date
    )
    return contract, created


@transaction.atomic
def contract_create(*, client, provider, units=(), start_date=None, end_date=None, active=True):
    """Create a client ↔ provider contract with its gestor group and the group's grants."""
    if Contract.objects.filter(client=client, provider=provider).exists():
        raise ValidationError(_("This client already has a contract with this provider."))
    check_contract_terms(client=client, units=units, start_date=start_date, end_date=end_date)
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


@transaction.atomic
def contract_update(
    *, contract: Contract, units, start_date=None, end_date=None, active: bool, by=None
) -> Contract:
    """Change a contract's terms. Deactivating it takes every grant under it away.

    Gestores leave the gestor group and Executantes' tickets go back unallocated;
    reactivating puts the active Gestores back in the group.
    """
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    check_contract_terms(client=contract.client, units=units, start_date=start_date, end_date=end_date)
    was_active = contract.active
    contract.start_date, contract.end_date, contract.active = start_date, end_date, active
    contract.save(update_fields=["start_date", "end_date", "active"])
    contract.units.set(units)
    if was_active != active:
        for member in contract.members.select_related("user", "contract"):
            _sync_gestor_group(member)
            if not active:
                _revoke_ticket_grants(member, by)
    return contract


def _sync_gestor_group(member: ProviderMember) -> None:
    group = member.contract.gestor_group
    if member.active and member.is_gestor and member.contract.active:
        group.user_set.add(member.user)
    else:
        group.user_set.remove(member.user)


def _revoke_ticket_grants(member: ProviderMember, by=None) -> None:
    # Imported here: tickets depends on providers, not the other way round.
    from tickets.grants import release_executante

    release_executante(contract=member.contract, user=member.user, by=by)


def _log(member, action, by, old="", new=""):
    security_log.info(
        "permission change: %s person=%s contract=%s %r -> %r by=%s",
        action,
        member.user_id,
        member.contract_id,
        old,
        new,
        getattr(by, "pk", None),
    )
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


def _normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def check_member_registration(*, contract: Contract, email: str, role: str) -> None:
    """Raise ValidationError unless member_register() can register this person."""
    if role not in ProviderMember.Role.values:
        raise ValidationError({"role": _("Choose Gestor or Executante.")})
    email = _normalize_email(email)
    if ProviderMember.objects.filter(contract=contract, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already registered under this contract.") % {"email": email}}
        )


@transaction.atomic
def member_register(
    *, contract: Contract, email: str, full_name: str, role: str, by, invite: bool = True
) -> ProviderMember:
    """Register a person under a contract; reuse the user when the e-mail already exists.

    A person can work for the same provider under several clients, so the user is
    shared; the membership (and its role) is per contract.
    """
    email = _normalize_email(email)
    check_member_registration(contract=contract, email=email, role=role)
    user = User.objects.filter(email__iexact=email).first()
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
        _revoke_ticket_grants(member, by)
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
    _revoke_ticket_grants(member, by)
    _log(member, MemberEvent.Action.REMOVED, by, old=member.get_role_display())
    member.delete()


@transaction.atomic
def member_update(*, member: ProviderMember, role: str, active: bool, by) -> ProviderMember:
    """Apply an edit of role and active flag through the services that keep grants and history."""
    member_reclassify(member=member, role=role, by=by)
    return member_set_active(member=member, active=active, by=by)
