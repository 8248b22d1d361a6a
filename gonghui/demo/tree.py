"""The org tree of the demo district: planned in memory, then written in one bulk insert.

Ten thousand `org_create` calls would each validate, save twice and audit; instead ids are
reserved up front and path, depth and street derived exactly as `orgs.services._derive` does.
"""

import datetime as dt
import random

from gonghui.core.bulk import allocate_ids
from gonghui.core.choices import NEW_FORMS, EmploymentForm
from gonghui.orgs.models import JointArea, Org, OrgKind, OrgStatus

from . import names
from .identities import CreditCodes, PersonNames, random_date
from .scales import Scale

# The forms every new-employment-form joint union takes in; forms no industry federation of the
# street serves are added, so every rider, courier or streamer has a union in their street.
NEWFORM_BASE = (EmploymentForm.DELIVERY_RIDER, EmploymentForm.COURIER, EmploymentForm.RIDE_HAILING)
AREA_KINDS = (JointArea.BUSINESS_DISTRICT, JointArea.PARK, JointArea.BUILDING, JointArea.COMMUNITY)


class Node:
    """One planned org. `id` and `path` are filled in by `Tree.write`."""

    __slots__ = ("id", "kind", "name", "parent", "street", "path", "depth", "fields")

    def __init__(self, kind: str, name: str, parent: "Node | None", street: "Node | None", fields: dict):
        self.kind, self.name, self.parent, self.street, self.fields = kind, name, parent, street, fields
        self.id = None
        self.path = ""
        self.depth = 0

    @property
    def active(self) -> bool:
        return self.fields.get("status", OrgStatus.ACTIVE) == OrgStatus.ACTIVE

    @property
    def serves_forms(self) -> list[str]:
        return self.fields.get("serves_forms", [])


class StreetPlan:
    """A street or town with its joint unions, industry federations and roads."""

    def __init__(self, node: Node, short: str, roads: list[str]):
        self.node, self.short, self.roads = node, short, roads
        self.industries: list[Node] = []
        self.area_joints: list[Node] = []
        self.newform: Node | None = None
        self.enterprise_count = 0

    def address(self, rng: random.Random, place: str = "") -> str:
        return f"{names.DISTRICT}{rng.choice(self.roads)}{rng.randint(1, 399)}号{place}"

    def joint_of(self, area: str) -> Node | None:
        return next((j for j in self.area_joints if j.fields["joint_area"] == area), None)

    def serving(self, form: str) -> list[Node]:
        return [n for n in (*self.industries, self.newform) if form in n.serves_forms]


class Tree:
    def __init__(self, rng: random.Random, scale: Scale, codes: CreditCodes):
        self.rng, self.codes = rng, codes
        self.people = PersonNames(rng)
        self.nodes: list[Node] = []  # creation order: every parent before its children
        self.root = self.add(OrgKind.DISTRICT, f"{names.DISTRICT}总工会", None, founded=(1984, 1984),
                             address=f"{names.DISTRICT}人民路1号")
        self.streets = [self._street(name, scale) for name in names.STREETS[: scale.streets]]

    def add(self, kind: str, name: str, parent: Node | None, *, founded: tuple[int, int], code: bool = True,
            **fields) -> Node:
        rng = self.rng
        street = parent.street if parent is not None and kind != OrgKind.STREET else None
        fields.setdefault("status", OrgStatus.ACTIVE)
        fields["chair_name"] = self.people.name(rng.random() < 0.65)
        start, end = dt.date(founded[0], 1, 1), dt.date(founded[1], 12, 31)
        if parent is not None:  # no org is older than the one it sits under
            start = min(max(start, parent.fields["founded_on"] + dt.timedelta(days=30)), end)
        fields["founded_on"] = random_date(rng, start, end)
        fields["credit_code"] = self.codes.issue("81") if code else None
        node = Node(kind, name, parent, street, fields)
        if kind == OrgKind.STREET:
            node.street = node
        self.nodes.append(node)
        return node

    def _street(self, name: str, scale: Scale) -> StreetPlan:
        rng = self.rng
        short = name.removesuffix("街道").removesuffix("镇")
        roads = [f"{short}大道"] + [rng.choice(names.ROAD_STEMS) + rng.choice(names.ROAD_KINDS) for _ in range(6)]
        node = self.add(OrgKind.STREET, f"{name}总工会", self.root, founded=(1988, 2005))
        plan = StreetPlan(node, short, roads)
        node.fields["address"] = plan.address(rng)
        # Logistics and e-commerce federations first: that is where the new forms work.
        feds = list(names.INDUSTRY_FEDERATIONS)
        count = rng.randint(*scale.industries)
        chosen = rng.sample(feds[:2], min(count, 2)) + rng.sample(feds[2:], max(0, count - 2))
        for fed_name, industry, forms in chosen:
            plan.industries.append(self.add(
                OrgKind.INDUSTRY, f"{name}{fed_name}", node, founded=(2012, 2021), industry=industry,
                serves_forms=list(forms), address=plan.address(rng)))
        served = {f for fed in plan.industries for f in fed.serves_forms}
        forms = list(NEWFORM_BASE) + sorted(f for f in NEW_FORMS if f not in NEWFORM_BASE and f not in served)
        plan.newform = self.add(
            OrgKind.JOINT, f"{name}新就业形态联合工会", node, founded=(2018, 2023), joint_area=JointArea.COMMUNITY,
            serves_forms=[str(f) for f in forms], address=plan.address(rng, "党群服务中心"))
        for area in self._area_kinds(rng.randint(*scale.area_joints)):
            plan.area_joints.append(self._area_joint(plan, area))
        return plan

    def _area_kinds(self, count: int) -> list[str]:
        # Parks and business districts first, as in most streets; communities last.
        kinds = list(AREA_KINDS)
        picked = [self.rng.choice(kinds[:2])]
        while len(picked) < count:
            picked.append(self.rng.choice(kinds))
        return picked

    def _area_joint(self, plan: StreetPlan, area: str) -> Node:
        rng = self.rng
        taken = {j.name for j in plan.area_joints}
        pools = {
            JointArea.BUSINESS_DISTRICT: (names.PLAZAS, "{short}{place}商圈联合工会"),
            JointArea.PARK: (names.PARKS, "{short}{place}联合工会"),
            JointArea.BUILDING: (names.BUILDINGS, "{short}{place}楼宇联合工会"),
            JointArea.COMMUNITY: (names.COMMUNITIES, "{short}{place}联合工会"),
        }
        pool, pattern = pools[area]
        free = [p for p in pool if pattern.format(short=plan.short, place=p) not in taken]
        place = rng.choice(free) if free else f"{rng.choice(pool)}{len(taken) + 1}号"
        serves = [EmploymentForm.FLEXIBLE.value] if area == JointArea.COMMUNITY else []
        return self.add(OrgKind.JOINT, pattern.format(short=plan.short, place=place), plan.node, founded=(2010, 2022),
                        joint_area=area, serves_forms=serves, address=plan.address(rng, place))

    def write(self) -> None:
        """Reserve ids, derive path/depth/street as orgs.services._derive does, insert in bulk."""
        for node, pk in zip(self.nodes, allocate_ids(Org, len(self.nodes)), strict=True):
            node.id = pk
            parent = node.parent
            node.path = f"{parent.path if parent else '/'}{pk}/"
            node.depth = parent.depth + 1 if parent else 0
        Org.objects.bulk_create(
            [Org(id=n.id, kind=n.kind, name=n.name, parent_id=n.parent.id if n.parent else None, path=n.path,
                 depth=n.depth, street_id=n.street.id if n.street else None, **n.fields) for n in self.nodes],
            batch_size=500,
        )
