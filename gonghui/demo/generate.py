"""Build the whole demo district in one transaction: the same seed always gives the same data.

Each part draws from its own random stream (seeded "<seed>:tree", "<seed>:people", ...), so a
change in how one part is built does not reshuffle the others. Only timestamps near "now"
(recent applications, created_at) follow the clock.
"""

import random
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import RoleGrant, User
from gonghui.audit.services import audit_record
from gonghui.enterprises.models import Enterprise
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.orgs.models import Org, OrgKind

from .accounts import USERNAMES, create_accounts
from .activity import write_activity
from .care_lists import write_care_lists
from .enterprises import assign_unions, plan_enterprises, raise_headcounts, write_enterprises
from .identities import CreditCodes
from .people import People
from .scales import SCALES
from .tree import Tree

DEFAULT_SEED = 1925  # the year the All-China Federation of Trade Unions was founded


def database_is_empty() -> bool:
    return not (Org.objects.exists() or Enterprise.objects.exists() or Worker.objects.exists())


def taken_usernames() -> list[str]:
    return sorted(User.objects.filter(username__in=USERNAMES).values_list("username", flat=True))


@contextmanager
def _large_sqlite_cache(kib: int = 256 * 1024):
    """SQLite's default 2 MB page cache makes a million random-key index inserts (id_hash, name, mobile)
    thrash; this connection gets a large cache while it generates, then its old size back."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        old = int(cur.fetchone()[0])
        cur.execute(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {old}")


@transaction.atomic
def generate(*, scale: str = "small", seed: int = DEFAULT_SEED,
             progress: Callable[[int], None] | None = None) -> list[tuple[str, str, str]]:
    """Write the demo district into an empty database; returns the demo accounts."""
    with _large_sqlite_cache():
        return _generate(scale, seed, progress)


def _generate(scale: str, seed: int, progress) -> list[tuple[str, str, str]]:
    spec = SCALES[scale]
    streams = {part: random.Random(f"{seed}:{part}") for part in ("codes", "tree", "enterprises", "unions", "people")}
    codes = CreditCodes(streams["codes"])
    tree = Tree(streams["tree"], spec, codes)
    enterprises = plan_enterprises(streams["enterprises"], spec, tree, codes)
    demo_union = assign_unions(streams["unions"], spec, tree, enterprises)
    tree.write()
    write_enterprises(enterprises)
    People(streams["people"], tree, enterprises, timezone.now()).write(spec.workers, progress=progress)
    raise_headcounts(enterprises)
    accounts = create_accounts(tree, demo_union)
    write_activity(seed)
    write_care_lists()
    audit_record(actor=None, action="demo.generate", detail={"scale": scale, "seed": seed})
    return accounts


def summary() -> list[tuple[str, int]]:
    """Row counts for the command's report."""
    kinds = dict(Org.objects.values_list("kind").annotate(n=Count("*")).order_by())
    statuses = dict(Membership.objects.values_list("status").annotate(n=Count("*")).order_by())
    enterprises = Enterprise.objects.count()
    uncovered = Enterprise.objects.filter(union__isnull=True).count()
    own = Enterprise.objects.filter(union__kind=OrgKind.GRASSROOTS).count()
    return [
        (_("Organisations"), sum(kinds.values())),
        *[(f"  {label}", kinds.get(kind, 0)) for kind, label in OrgKind.choices],
        (_("Enterprises"), enterprises),
        ("  " + _("with their own grassroots union"), own),
        ("  " + _("covered by a joint or industry union"), enterprises - own - uncovered),
        ("  " + _("not covered (blind spots)"), uncovered),
        (_("Workers"), Worker.objects.count()),
        (_("Memberships"), sum(statuses.values())),
        *[(f"  {label}", statuses.get(status, 0)) for status, label in MembershipStatus.choices if status in statuses],
        (_("Accounts"), User.objects.count()),
        (_("Role grants"), RoleGrant.objects.count()),
    ]
