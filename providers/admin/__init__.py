"""Admin for provider companies, contracts and provider people (client admins' journey).

Every class is scoped to the admin's own client(s) (accounts.admin_scoping) and
every write goes through providers.services.
"""

from . import companies, members  # noqa: F401  (registers the admin classes)
