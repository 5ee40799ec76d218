"""A large, skewed ticket world for benchmarks (``manage.py seed_bulk``).

The shape, fixed so that every run and every scale has the same personas:

- five clients of decreasing size, plus a tiny one ("Condomínio Pequeno") that
  never holds more than ``SPARSE`` tickets;
- one big provider, Mega Manutenção, with a contract with each of the five clients
  and half of all the tickets; eight small providers with two or three contracts
  each; a micro provider serving only the tiny client;
- ``technicians`` Executantes per provider (50 by default), registered under every
  contract of their provider; Mega's last technician is a newcomer who holds only
  ``SPARSE`` tickets, all from his first month (some still open);
- a Gestor per provider, Gestor under all of its contracts (the Gestor of Mega sees
  half of the tickets); ``hibrido@mega.bench`` is Gestor of Mega for Cliente Dois and
  Executante of Mega for Cliente Um, like the demo's tecnico1;
- an admin and a staff member per client; about 3 comments and 3 timeline rows per
  ticket; a tag on about half of them; one ticket in ``RELATED_EVERY`` (20) related
  to the one its client opened before it.

Grants are written exactly as the services write them: Gestores get the contract's
gestor group (contract_create, member_register) and no per-ticket rows; each
allocated ticket gives its Executante the per-ticket guardian rows
(TicketUserObjectPermission, with client_id).

Tickets are added in batches: COPY on PostgreSQL (psycopg2 ``copy_expert``), plain
``executemany`` elsewhere. Running it again adds N more tickets to the same world.
"""

from .load import add_tickets, finish
from .world import BIG_PROVIDER, PERSONAS, SPARSE, World, build_world

__all__ = ["BIG_PROVIDER", "PERSONAS", "SPARSE", "World", "add_tickets", "build_world", "finish"]
