"""Census enterprises of the demo district and which union covers each.

The biggest enterprises have their own grassroots union, most others are covered by a joint or
industry union of their street, and about a quarter (mostly small ones) by none: the blind spots.
"""

import math
import random

from django.db import connection
from django.utils import timezone

from gonghui.core.bulk import allocate_ids, fast_insert
from gonghui.enterprises.models import Enterprise
from gonghui.orgs.models import JointArea, OrgKind, OrgStatus

from . import names
from .identities import CreditCodes, weighted
from .scales import Scale
from .tree import Node, StreetPlan, Tree

# About 300 grassroots unions for 2,000 enterprises (15,000 orgs would be needed otherwise) means own
# unions can cover only ~15% of enterprises: the biggest, which employ ~40% of the workers. Joint and
# industry unions cover ~60%, and a quarter, mostly small firms, stay uncovered.
UNCOVERED_SHARE = 0.25
BIG_OWNERSHIP = {"state", "foreign", "hmt", "joint_stock"}
# Which area joint union an enterprise of a GB/T 4754 section most likely sits in.
AREA_BY_INDUSTRY = {"C": JointArea.PARK, "M": JointArea.PARK, "F": JointArea.BUSINESS_DISTRICT,
                    "H": JointArea.BUSINESS_DISTRICT, "R": JointArea.BUSINESS_DISTRICT, "I": JointArea.BUILDING,
                    "J": JointArea.BUILDING, "K": JointArea.BUILDING, "L": JointArea.BUILDING}


class EnterprisePlan:
    __slots__ = ("id", "street", "industry", "ownership", "headcount", "name", "address", "code", "union", "own",
                 "workers")

    def __init__(self, street, industry, ownership, headcount, name, address, code):
        self.street: StreetPlan = street
        self.industry, self.ownership, self.headcount = industry, ownership, headcount
        self.name, self.address, self.code = name, address, code
        self.id = None
        self.union: Node | None = None
        self.own = False  # True when `union` is the enterprise's own grassroots union
        self.workers = 0  # workers generated with this employer


class EnterpriseNames:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self._seen: set[str] = set()

    def name(self, industry: str, ownership: str) -> str:
        rng = self.rng
        while True:
            brand = rng.choice(names.BRAND_FIRST) + rng.choice(names.BRAND_SECOND)
            word = rng.choice(names.INDUSTRY_WORDS[industry])
            if brand[0] == brand[1]:
                continue
            if ownership == "individual":
                name = f"{names.DISTRICT}{brand}{word}{rng.choice(('经营部', '商行', '服务部'))}"
            elif ownership == "social_org":
                name = f"{names.CITY}市{brand}{word}服务中心"
            elif ownership == "joint_stock":
                name = f"{names.CITY}{brand}{word}股份有限公司"
            elif ownership == "state":
                name = f"{names.CITY}{brand}{word}集团有限公司"
            else:
                roll = rng.random()
                place = names.CITY if roll < 0.65 else "湖北" if roll < 0.85 else ""
                name = f"{place}{brand}{word}有限公司" if place else f"{brand}{word}（{names.CITY}）有限公司"
            if name not in self._seen:
                self._seen.add(name)
                return name


def plan_enterprises(rng: random.Random, scale: Scale, tree: Tree, codes: CreditCodes) -> list[EnterprisePlan]:
    streets = tree.streets
    street_cum = weighted([(s, rng.uniform(0.6, 1.4)) for s in streets])[1]
    industries, industry_cum = weighted(names.INDUSTRY_WEIGHTS)
    ownerships, ownership_cum = weighted(names.OWNERSHIP_WEIGHTS)
    naming = EnterpriseNames(rng)
    plans = []
    for _ in range(scale.enterprises):
        street = rng.choices(streets, cum_weights=street_cum)[0]
        industry = rng.choices(industries, cum_weights=industry_cum)[0]
        ownership = rng.choices(ownerships, cum_weights=ownership_cum)[0]
        headcount = math.exp(rng.gauss(2.9, 1.1))  # log-normal: median 18, a long tail of big firms
        if ownership in BIG_OWNERSHIP:
            headcount *= 3
        elif ownership == "individual":
            headcount = min(headcount, 8)
        headcount = max(3, min(6000, int(headcount)))
        prefix = {"individual": "92", "social_org": "52"}.get(ownership, "91")
        plans.append(EnterprisePlan(street, industry, ownership, headcount, naming.name(industry, ownership),
                                    street.address(rng), codes.issue(prefix)))
        street.enterprise_count += 1
    return plans


def assign_unions(rng: random.Random, scale: Scale, tree: Tree, plans: list[EnterprisePlan]) -> Node:
    """Create the grassroots unions and union groups and set each enterprise's covering union.

    Returns the demo grassroots union: the own union of the biggest enterprise of the first street,
    placed right under the street and active, for the `grassroots1` and `worker1` accounts.
    """
    institutions = min(round(scale.grassroots * 0.1), len(tree.streets) * len(names.INSTITUTIONS))
    own_count = min(scale.grassroots - institutions, len(plans))
    by_size = sorted(range(len(plans)), key=lambda i: plans[i].headcount * rng.uniform(0.4, 1.6), reverse=True)
    own = by_size[:own_count]
    # The demo union: the biggest enterprise of the first street, big enough to have members.
    demo = max((i for i in range(len(plans)) if plans[i].street is tree.streets[0]), key=lambda i: plans[i].headcount)
    if demo not in own:
        own[-1] = demo
    own.sort()  # creation order follows the census order
    plans[demo].headcount = max(plans[demo].headcount, 200)
    grassroots = []
    for i in own:
        plan = plans[i]
        parent = plan.street.node if i == demo else _grassroots_parent(rng, plan)
        status = OrgStatus.DORMANT if i != demo and rng.random() < 0.04 else OrgStatus.ACTIVE
        plan.union = tree.add(OrgKind.GRASSROOTS, f"{plan.name}工会", parent, founded=(1995, 2024),
                              code=rng.random() < 0.6, status=status, industry=plan.industry, address=plan.address)
        plan.own = True
        grassroots.append((plan.union, plan.headcount))
    for k in range(institutions):
        street = tree.streets[k % len(tree.streets)]
        suffix = names.INSTITUTIONS[k // len(tree.streets)]
        name = f"{street.short}{suffix}"
        if suffix == names.INSTITUTIONS[0]:  # the street office's own union: 街道办事处 or 镇人民政府
            full = street.node.name.removesuffix("总工会")
            name = f"{full}{'人民政府机关工会' if full.endswith('镇') else suffix}"
        node = tree.add(OrgKind.GRASSROOTS, name, street.node, founded=(1990, 2015), code=rng.random() < 0.6,
                        address=street.address(rng))
        grassroots.append((node, 50))
    _add_groups(rng, scale, tree, grassroots)
    _cover_the_rest(rng, [p for p in plans if not p.own], round(UNCOVERED_SHARE * len(plans)))
    return plans[demo].union


def _grassroots_parent(rng: random.Random, plan: EnterprisePlan) -> Node:
    street = plan.street
    roll = rng.random()
    feds = [f for f in street.industries if f.fields["industry"] == plan.industry]
    if feds and roll < 0.3:
        return rng.choice(feds)
    area = street.joint_of(AREA_BY_INDUSTRY.get(plan.industry, ""))
    if area is not None and roll > 0.9:
        return area
    return street.node


def _add_groups(rng: random.Random, scale: Scale, tree: Tree, grassroots: list[tuple[Node, int]]) -> None:
    # Bigger unions have workshops and departments; small ones seldom split into groups.
    big = [node for node, size in grassroots if size >= 50] or [node for node, _ in grassroots]
    for node in rng.sample(big, min(len(big), round(len(grassroots) * scale.group_share))):
        for group in rng.sample(names.GROUPS, rng.randint(2, 3)):
            tree.add(OrgKind.GROUP, group, node, founded=(2016, 2024), code=False, address=node.fields["address"])
    for street in tree.streets:
        for group in rng.sample(names.RIDER_GROUPS, rng.randint(1, 2)):
            tree.add(OrgKind.GROUP, group, street.newform, founded=(2019, 2024), code=False,
                     address=street.newform.fields["address"])


def _cover_the_rest(rng: random.Random, rest: list[EnterprisePlan], uncovered: int) -> None:
    """`uncovered` enterprises, mostly small ones, stay without a union; joint or industry unions take the rest."""
    by_size = sorted(range(len(rest)), key=lambda i: rest[i].headcount * rng.uniform(0.2, 3.0))
    blind = set(by_size[:uncovered])
    for i, plan in enumerate(rest):
        if i in blind:
            continue
        street = plan.street
        feds = [f for f in street.industries if f.fields["industry"] == plan.industry]
        if feds and rng.random() < 0.6:
            plan.union = rng.choice(feds)
        elif plan.industry == "G" and rng.random() < 0.3:
            plan.union = street.newform  # delivery stations and courier depots
        else:
            plan.union = street.joint_of(AREA_BY_INDUSTRY.get(plan.industry, "")) or rng.choice(street.area_joints)


def write_enterprises(plans: list[EnterprisePlan], chunk: int = 10_000) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    fields = ("id", "credit_code", "name", "industry", "ownership", "headcount", "street_id", "address", "union_id",
              "created_at", "updated_at")
    for start in range(0, len(plans), chunk):
        part = plans[start:start + chunk]
        for plan, pk in zip(part, allocate_ids(Enterprise, len(part)), strict=True):
            plan.id = pk
        fast_insert(Enterprise, fields, [
            (p.id, p.code, p.name, p.industry, p.ownership, p.headcount, p.street.node.id, p.address,
             p.union.id if p.union else None, now, now) for p in part])


def raise_headcounts(plans: list[EnterprisePlan]) -> None:
    """The census headcount is never below the workers on record (a few small firms drew more)."""
    short = [p for p in plans if p.workers > p.headcount]
    for plan in short:
        plan.headcount = plan.workers
    Enterprise.objects.bulk_update([Enterprise(id=p.id, headcount=p.headcount) for p in short], ["headcount"],
                                   batch_size=500)
