"""Which union must act on a new request (R3.10 routing).

1. filed at a station: the station's union;
2. the worker's active membership: that union;
3. otherwise the employer's street, or the worker's street, or the street named when filing (anonymous portal);
4. otherwise the district (the root), which then transfers it.
"Do not share with my workplace union" sends it one level up instead: the street above the union.
"""

from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.orgs.models import Org, OrgKind, org_root


def _above_workplace(org: Org) -> Org:
    """The street (or town) the union lies in; a street or the district is already above any workplace."""
    if org.kind in (OrgKind.STREET, OrgKind.DISTRICT):
        return org
    return org.street or org.parent or org


def route(*, worker=None, employer=None, station: Org | None = None, do_not_share: bool = False,
          street: Org | None = None) -> Org | None:
    if station is not None:
        if do_not_share and station.pk in workplace_unions(worker, employer):
            return _above_workplace(station)
        return station
    membership = None
    if worker is not None:
        membership = Membership.objects.select_related("org", "org__street", "org__parent").filter(
            worker=worker, status=MembershipStatus.ACTIVE).first()
    if membership is not None:
        return _above_workplace(membership.org) if do_not_share else membership.org
    employer = employer or (worker.employer if worker is not None else None)
    if employer is not None and employer.street_id:
        return employer.street
    if worker is not None and worker.street_id:
        return worker.street
    if street is not None:
        return street
    return org_root()


def workplace_unions(worker, employer=None) -> set[int]:
    """The unions a "do not share" request must stay away from: the worker's own and the employer's."""
    ids: set[int] = set()
    if worker is not None:
        ids |= set(Membership.objects.filter(worker=worker, status=MembershipStatus.ACTIVE).values_list(
            "org_id", flat=True))
        employer = employer or worker.employer
    if employer is not None and employer.union_id:
        ids.add(employer.union_id)
    return ids


def worker_by_mobile(mobile: str):
    """The one worker with this mobile number, or None when there is none or more than one.

    Routing is the system's decision, so this is not limited to the filing cadre's scope; what the
    cadre then sees of the worker is governed by the usual scoping and masking.
    """
    found = list(Worker.objects.filter(mobile=mobile)[:2]) if mobile else []
    return found[0] if len(found) == 1 else None
