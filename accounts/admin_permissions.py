"""Django model permissions a client admin holds. Which *rows* they reach is decided
by the scoped admin classes, never by these permissions alone.

No add/change on provider companies: a provider is shared by every client it
serves, so client admins register one only through the contract form (by CNPJ)."""

CLIENT_ADMIN_PERMISSIONS = [
    "accounts.view_clientcompany",
    "accounts.view_unit",
    "accounts.add_unit",
    "accounts.change_unit",
    "accounts.view_area",
    "accounts.add_area",
    "accounts.change_area",
    "accounts.delete_area",
    "accounts.view_clientmembership",
    "providers.view_providercompany",
    "providers.view_contract",
    "providers.add_contract",
    "providers.change_contract",
    "providers.view_providermember",
    "providers.add_providermember",
    "providers.change_providermember",
    "providers.delete_providermember",
    "providers.view_memberevent",
]
