"""The demo accounts: one per role, all with the same password, printed by the command."""

from django.db.models import F
from django.utils.translation import gettext as _

from gonghui.accounts.models import RoleGrant, User
from gonghui.accounts.roles import Role
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.orgs.models import Org

from .tree import Node, Tree

PASSWORD = "Demo@12351"
USERNAMES = ("district", "street1", "street2", "grassroots1", "worker1", "sysadmin", "secadmin", "auditor")


def _worker_for_account(union: Node) -> Worker:
    """An active member of `union` with no pending application whose mobile no account uses yet."""
    pending = Membership.objects.filter(status=MembershipStatus.PENDING).values("worker_id")
    taken = User.objects.exclude(mobile=None).values("mobile")
    candidates = (
        Membership.objects.filter(org_id=union.id, status=MembershipStatus.ACTIVE)
        .exclude(worker_id__in=pending).exclude(worker__mobile__in=taken)
        # A plain membership first (NULLs sort differently on SQLite and PostgreSQL, so say it), then the first.
        .order_by(F("transfer_from").asc(nulls_first=True), "worker_id")
    )
    membership = candidates.select_related("worker").first()
    if membership is None:
        raise RuntimeError(f"the demo union {union.name} has no active member to link worker1 to")
    return membership.worker


def create_accounts(tree: Tree, union: Node) -> list[tuple[str, str, str]]:
    """Create the demo users and their grants; returns (username, role label, scope) rows."""
    orgs = Org.objects.in_bulk([tree.root.id, tree.streets[0].node.id, tree.streets[1 % len(tree.streets)].node.id,
                                union.id])
    root, street1 = orgs[tree.root.id], orgs[tree.streets[0].node.id]
    street2, grassroots = orgs[tree.streets[1 % len(tree.streets)].node.id], orgs[union.id]
    worker = _worker_for_account(union)
    plan = [
        ("district", f"{root.name}干部", Role.DISTRICT_STAFF, root, {}),
        ("street1", f"{street1.name.removesuffix('总工会')}干部", Role.STREET_CADRE, street1, {}),
        ("street2", f"{street2.name.removesuffix('总工会')}干部", Role.STREET_CADRE, street2, {}),
        ("grassroots1", f"{grassroots.name}干部", Role.GRASSROOTS_CADRE, grassroots, {}),
        ("worker1", worker.name, None, None, {"mobile": worker.mobile}),
        ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, None, {"is_staff": True, "is_superuser": True}),
        ("secadmin", "安全管理员", Role.SECURITY_ADMIN, None, {}),
        ("auditor", "审计管理员", Role.AUDITOR, None, {}),
    ]
    hashed = None
    rows = []
    for username, display, role, org, extra in plan:
        user = User(username=username, first_name=display, last_name="", **extra)
        if hashed is None:  # hashing is slow on purpose: do it once and share the result
            user.set_password(PASSWORD)
            hashed = user.password
        user.password = hashed
        user.save()
        if role is not None:
            RoleGrant.objects.create(user=user, role=role, org=org)
        scope = org.name if org else grassroots.name if username == "worker1" else "—"
        rows.append((username, str(role.label) if role else _("Worker (member)"), scope))
    Worker.objects.filter(pk=worker.pk).update(user=User.objects.get(username="worker1"))
    return rows
