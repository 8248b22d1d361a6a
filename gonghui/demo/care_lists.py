"""The demo district's three lists (三张清单): needs heard in the streets, the resources that could answer
them, and three projects — one done (its needs answered), one running, one just started from a suggested
match — plus one need declined with a reason and one recorded from a worker's request.

A fixed sample, written through gonghui.needs.services by the demo cadres whose grants cover each union,
so every record has its events and audit rows. Needs are dated back over the last three months so the
closed-loop figures show real times to answer; everything else happens today.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gonghui.accounts.models import RoleGrant, User
from gonghui.appeals.models import Appeal
from gonghui.needs import services
from gonghui.needs.models import Need, NeedAction, NeedEvent
from gonghui.orgs.models import Org, OrgKind

# (street index, title, source, category, worker group, urgency, headcount, days ago, place)
NEEDS = (
    (0, "外卖骑手午间歇脚、充电点不足", "visit", "rest", "delivery_rider", "high", 40, 75, "商圈写字楼周边"),
    (0, "快递员夏季防暑降温用品", "forum", "rest", "courier", "normal", 30, 70, "快递分拨中心"),
    (0, "双职工子女暑期看护难", "questionnaire", "childcare", "", "high", 25, 40, "街道职工服务中心"),
    (0, "网约车司机就餐如厕难", "visit", "rest", "ride_hailing", "normal", 20, 12, "高铁站停车场"),
    (1, "灵活就业人员技能培训需求", "questionnaire", "employment", "flexible", "normal", 35, 60, ""),
    (1, "货车司机职业健康体检", "forum", "health", "truck_driver", "normal", 18, 50, "物流园区"),
    (1, "家政服务员技能等级提升", "visit", "employment", "domestic", "low", 15, 45, ""),
    (2, "困难职工冬季取暖补助", "visit", "hardship", "", "high", 12, 55, ""),
    (2, "职工篮球场地不足", "forum", "culture", "regular", "low", 60, 35, "工业园区"),
    (2, "新就业形态劳动者租房信息", "questionnaire", "housing", "delivery_rider", "normal", 50, 20, ""),
    (2, "网络主播劳动权益咨询", "forum", "rights", "streamer", "normal", 8, 8, ""),
)
DECLINED = ("新就业形态劳动者租房信息", "住房保障属住建部门职责，已转交街道社区并告知职工。")


def write_care_lists() -> None:
    """Write the sample into the freshly generated district (inside `generate`'s transaction)."""
    CareLists().write()


class CareLists:
    def __init__(self):
        self.today = timezone.localdate()
        users = User.objects.in_bulk(["district", "street1", "street2", "grassroots1"], field_name="username")
        self.district = users["district"]
        grants = dict(RoleGrant.objects.filter(user__in=users.values()).values_list("user__username", "org_id"))
        orgs = Org.objects.in_bulk(grants.values())
        self.scopes = [(orgs[grants[n]], users[n]) for n in ("grassroots1", "street1", "street2") if n in grants]
        self.root = Org.objects.get(parent=None)
        self.streets = list(Org.objects.filter(kind=OrgKind.STREET).order_by("pk")[:3])

    def cadre_for(self, org: Org) -> User:
        """The nearest demo cadre whose grant covers `org`; the district's otherwise."""
        return next((user for scope, user in self.scopes if org.path.startswith(scope.path)), self.district)

    def write(self) -> None:
        resources = self._resources()
        needs = self._needs()
        self._projects(needs, resources)
        title, reason = DECLINED
        need = needs[title]
        services.need_decline(actor=self.cadre_for(need.org), need=need, reason=reason)
        self._from_request()

    def _resources(self) -> dict:
        s1, s2, s3 = (self.streets + [self.root] * 3)[:3]
        rows = [
            (self.root, "fund", "区总工会职工关爱基金", ["hardship", "health", "childcare"], 200, Decimal("300000")),
            (self.root, "professionals", "区职工法律服务律师团", ["rights"], 80, None),
            (s1, "venue", f"{s1.name.removesuffix('总工会')}职工服务中心活动室", ["rest", "culture", "childcare"], 60,
             None),
            (s1, "venue", f"{s1.name.removesuffix('总工会')}户外劳动者驿站", ["rest"], 30, None),
            (s2, "partner", f"{s2.name.removesuffix('总工会')}职业技能培训学校", ["employment"], 50, None),
            (s3, "volunteers", f"{s3.name.removesuffix('总工会')}职工志愿服务队", ["hardship", "culture", "other"], 40,
             None),
        ]
        found = {}
        for n, (org, kind, name, categories, capacity, amount) in enumerate(rows):
            found[name] = services.resource_create(
                actor=self.cadre_for(org), org=org, kind=kind, name=name, categories=categories, capacity=capacity,
                amount=amount, contact_name="王老师", contact_phone=f"1391000{n:04d}")
        return found

    def _needs(self) -> dict:
        needs = {}
        now = timezone.now()
        for street_no, title, source, category, group, urgency, headcount, days_ago, place in NEEDS:
            org = self.streets[street_no] if street_no < len(self.streets) else self.root
            need = services.need_create(actor=self.cadre_for(org), org=org, title=title, source=source,
                                        category=category, worker_group=group, urgency=urgency,
                                        headcount=headcount, place=place)
            # Heard some weeks ago: the recording (and its event) are dated back, so times to answer are real.
            heard = now - dt.timedelta(days=days_ago)
            Need.objects.filter(pk=need.pk).update(created_at=heard)
            NeedEvent.objects.filter(need=need, action=NeedAction.RECORD).update(at=heard)
            need.created_at = heard
            needs[title] = need
        return needs

    def _projects(self, needs: dict, resources: dict) -> None:
        today = self.today
        by_kind = list(resources.values())
        station, school, activity_room = by_kind[3], by_kind[4], by_kind[2]
        # Done: the riders' and couriers' rest stop, both needs answered.
        s1 = station.org
        cadre = self.cadre_for(s1)
        done = services.project_create(
            actor=cadre, org=s1, title="户外劳动者爱心驿站升级", budget=Decimal("48000"),
            starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=5),
            milestones=[("选址与场地改造", today - dt.timedelta(days=40)),
                        ("设备配置与开放", today - dt.timedelta(days=10))])
        services.resource_commit(actor=cadre, project=done, resource=station, quantity=30)
        for title in ("外卖骑手午间歇脚、充电点不足", "快递员夏季防暑降温用品"):
            services.need_take_up(actor=cadre, need=needs[title], project=done)
        services.project_start(actor=cadre, project=done)
        for milestone in done.milestones.all():
            services.milestone_done(actor=cadre, milestone=milestone, done_on=milestone.due_on)
        services.project_complete(actor=cadre, project=done, beneficiaries=65,
                                  outcome="驿站新增充电柜、饮水机和休息座椅，全天开放。")
        # Running: a skills class in the second street, one milestone done.
        s2 = school.org
        cadre = self.cadre_for(s2)
        running = services.project_create(
            actor=cadre, org=s2, title="新就业形态劳动者技能提升班", budget=Decimal("26000"),
            starts_on=today - dt.timedelta(days=20), ends_on=today + dt.timedelta(days=40),
            milestones=[("招生报名", today - dt.timedelta(days=10)), ("结业考核", today + dt.timedelta(days=35))])
        services.resource_commit(actor=cadre, project=running, resource=school, quantity=50)
        for title in ("灵活就业人员技能培训需求", "家政服务员技能等级提升"):
            if needs[title].org.path.startswith(s2.path):
                services.need_take_up(actor=cadre, need=needs[title], project=running)
        services.project_start(actor=cadre, project=running)
        first = running.milestones.order_by("due_on").first()
        services.milestone_done(actor=cadre, milestone=first, done_on=first.due_on)
        # Planned: started in one step from a suggested match.
        childcare = needs["双职工子女暑期看护难"]
        cadre = self.cadre_for(childcare.org)
        planned = services.project_from_match(actor=cadre, need=childcare, resource=activity_room)
        services.milestone_add(actor=cadre, project=planned, title="招募志愿者与看护老师",
                               due_on=today + dt.timedelta(days=21))

    def _from_request(self) -> None:
        """A need recorded from the first request of the first street (its wage-arrears or rights ones)."""
        if not self.streets:
            return
        street = self.streets[0]
        appeal = Appeal.objects.filter(org__path__startswith=street.path).order_by("submitted_at", "pk").first()
        if appeal is not None:
            services.need_from_appeal(actor=self.cadre_for(appeal.org), appeal=appeal, category="rights",
                                      headcount=1)
