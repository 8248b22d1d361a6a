from django.db.models import Count, Q

from gonghui.core.choices import EmploymentForm
from gonghui.core.scoping import MANAGE, VIEW, gate, restrict

from .models import JOINABLE_KINDS, Org, OrgKind, OrgStatus


def org_list(*, user, action: str = VIEW, kind: str = "", q: str = ""):
    qs = restrict(Org.objects.all(), user, action)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__contains=q)
    return qs


def unions_managed(*, user):
    """The unions `user` manages, in tree order: the choices of an "owner union" field (groups own nothing)."""
    return org_list(user=user, action=MANAGE).exclude(kind=OrgKind.GROUP).order_by("path")


def org_get(*, user, pk, action: str = VIEW) -> Org:
    return gate(Org, user, action, pk=pk)


def org_tree(*, user):
    """The orgs the user sees, in path order, with member counts, for the console tree."""
    return org_list(user=user).annotate(
        active_members=Count("memberships", filter=Q(memberships__status="active"), distinct=True)
    ).order_by("path")


def streets():
    return Org.objects.filter(kind=OrgKind.STREET, status=OrgStatus.ACTIVE).order_by("name")


def unions_for_worker(*, street: Org | None, form: str, employer=None) -> list[Org]:
    """Where a worker can join ("有处可依"), best first.

    The employer's own union comes first; then the street's joint and industry unions that take
    in this employment form; then any street-level joint union, then district-level ones.
    """
    found: list[Org] = []
    if employer is not None and employer.union_id and employer.union.is_joinable:
        found.append(employer.union)
    candidates = Org.objects.filter(kind__in=[OrgKind.JOINT, OrgKind.INDUSTRY], status=OrgStatus.ACTIVE)
    local = [o for o in candidates.filter(street=street)] if street else []
    district = [o for o in candidates.filter(street__isnull=True)]
    for group in (
        [o for o in local if o.serves(form)],
        [o for o in district if o.serves(form)],
        [o for o in local if not o.serves_forms and form not in {EmploymentForm.REGULAR}],
    ):
        for org in group:
            if org not in found:
                found.append(org)
    return found


def joinable_unions():
    return Org.objects.filter(kind__in=JOINABLE_KINDS, status=OrgStatus.ACTIVE)
