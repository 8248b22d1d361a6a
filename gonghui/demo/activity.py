"""The demo district's casework: requests, hardship files, aid campaigns, collective contracts and family care.

A fixed sample at every scale, written through each app's own services by the demo cadres that hold
the rights (district, street1, street2, grassroots1) and by workers with portal accounts, so every
record obeys its app's rules and leaves its events and audit rows. Dates follow today: the requests
of the last months (see appeal_history), an aid campaign open now, next summer's class.

Workers sign up with a one-time code sent by text (accounts.services.worker_register); a dozen sample
members get their portal account directly instead, as the demo accounts do (same password, the mobile
as user name). The people are invented but their numbers look real: notifications reach the inbox
only, never a text gateway.
"""

import datetime as dt
import random

from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from gonghui.accounts.models import RoleGrant, User
from gonghui.campaigns import services as aid
from gonghui.campaigns.models import Kind
from gonghui.contracts.models import Kind as ContractKind
from gonghui.contracts.models import Stage
from gonghui.contracts.services import contract_advance, contract_create, reminders_create
from gonghui.enterprises.models import Enterprise
from gonghui.familycare.services import class_create, enrol, enrolment_cancel, room_create
from gonghui.hardship import services as hardship
from gonghui.hardship.models import FileStatus, HardshipFile
from gonghui.members.models import MembershipStatus, Worker
from gonghui.orgs.models import Org, OrgKind
from gonghui.outreach.services import plans_ensure

from .appeal_history import AppealHistory
from .surveys import write_surveys

INBOX_ONLY = ["gonghui.notifications.backends.InboxBackend"]
ACCOUNTS_PER_STREET = (5, 4, 3)  # portal accounts in the first three streets (street1's include grassroots1's)
CALLERS_PER_STREET = 4  # members without an account who ring the hotline
# (relation, health, work or school, birth year, given names to draw from); spouses keep their own surname.
FAMILY = (
    ("spouse", "chronic", "待业", 1982, ("桂兰", "建国", "丽华", "海燕")),
    ("child", "healthy", "区实验中学", 2010, ("子轩", "梓涵", "浩然", "雨桐")),
    ("parent", "serious", "无", 1955, ("秀英", "德明", "玉珍", "福生")),
)
SPOUSE_SURNAMES = ("周", "吴", "郑", "冯", "何", "罗")


def write_activity(seed: int) -> None:
    """Write the sample into the freshly generated district (inside `generate`'s transaction).

    Notifications are delivered after the commit, in the order they were queued: texts are switched off
    before this sample's and back on after them (nothing runs, and nothing is switched, on a rollback)."""
    inbox_only = override_settings(NOTIFIER_BACKENDS=INBOX_ONLY)
    transaction.on_commit(inbox_only.enable)
    # Every census enterprise without a union gets its establishment plan (一企一策), as a district cadre's
    # "create the missing plans" does: the board and the cockpit's pipeline are not empty.
    plans_ensure(actor=User.objects.get(username="district"))
    Activity(random.Random(f"{seed}:activity")).write()
    write_surveys(seed)
    transaction.on_commit(inbox_only.disable)


class Activity:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.today = timezone.localdate()
        users = User.objects.in_bulk(["district", "street1", "street2", "grassroots1", "worker1"],
                                     field_name="username")
        self.district, self.street1, self.street2 = users["district"], users["street1"], users["street2"]
        self.grassroots1, self.worker1 = users["grassroots1"], users["worker1"]
        grants = dict(RoleGrant.objects.filter(user__in=users.values()).values_list("user__username", "org_id"))
        orgs = Org.objects.in_bulk(grants.values())
        self.scopes = [(orgs[grants[name]], users[name]) for name in ("grassroots1", "street1", "street2")]
        self.union = orgs[grants["grassroots1"]]
        self.streets = list(Org.objects.filter(kind=OrgKind.STREET).order_by("pk")[:3])
        self.accounts, self.callers = self._people()

    def cadre_for(self, org: Org) -> User:
        """The nearest demo cadre whose grant covers `org`; the district's otherwise."""
        return next((user for scope, user in self.scopes if org.path.startswith(scope.path)), self.district)

    def write(self) -> None:
        AppealHistory(self.rng, handler=self.cadre_for, district=self.district, accounts=self.accounts,
                      callers=self.callers, worker1=self.worker1).write()
        filed = self._hardship()
        self._campaigns(filed)
        self._contracts()
        self._family_care()

    # --- people -------------------------------------------------------------------------------------

    def _members(self, n: int, taken=(), **where) -> list[Worker]:
        """`n` members aged 30 to 50, without an account, active in their union: drawn from the first 40 found."""
        year = self.today.year
        pool = list(Worker.objects.filter(
            user__isnull=True, birth_date__range=(dt.date(year - 50, 1, 1), dt.date(year - 30, 1, 1)),
            memberships__status=MembershipStatus.ACTIVE, memberships__org=F("org"), **where,
        ).exclude(pk__in=[w.pk for w in taken]).order_by("pk")[:40])
        return self.rng.sample(pool, min(n, len(pool)))

    def _people(self) -> tuple[list[User], list[Worker]]:
        workers = self._members(2, org=self.union)
        for street, n in zip(self.streets, ACCOUNTS_PER_STREET, strict=False):
            workers += self._members(n - len(workers) if street == self.streets[0] else n, workers, street=street)
        accounts = []
        for worker in workers:
            user = User.objects.create(username=worker.mobile, mobile=worker.mobile, first_name=worker.name,
                                       password=self.worker1.password)  # the demo password, already hashed
            Worker.objects.filter(pk=worker.pk).update(user=user)
            accounts.append(user)
        callers = [w for street in self.streets for w in self._members(CALLERS_PER_STREET, street=street)]
        return accounts, callers

    def _worker(self, user: User) -> Worker:
        return Worker.objects.select_related("org").get(user=user)

    # --- hardship files -------------------------------------------------------------------------------

    def _family(self, householder: Worker) -> list[dict]:
        rng = self.rng
        return [{"name": (rng.choice(SPOUSE_SURNAMES) if relation == "spouse" else householder.name[0])
                 + rng.choice(given), "relation": relation, "health": health, "work_or_school": work,
                 "birth_date": dt.date(year, rng.randint(1, 12), rng.randint(1, 28))}
                for relation, health, work, year, given in FAMILY[:rng.randint(1, 3)]]

    def _open(self, worker: Worker, cause: str, income: str) -> HardshipFile:
        return hardship.file_create(actor=self.cadre_for(worker.org), householder=worker, main_cause=cause,
                                    income_per_head=income, employment="flexible", family=self._family(worker),
                                    secondary_causes=["education"], evidence="低保证明、诊断证明复印件")

    def _walk(self, file, *, to: str):
        """Check, visit, have the higher union review, publicise and file, as far as `to`."""
        cadre = self.cadre_for(file.org)
        higher = self.cadre_for(file.org.parent) if file.org.parent_id else self.district
        higher = self.district if higher == cadre else higher
        file = hardship.file_transition(actor=cadre, file=file, to_status=FileStatus.CHECKED)
        hardship.visit_record(actor=cadre, file=file, visited_on=self.today - dt.timedelta(days=28),
                              visitors="工会干事王敏、社区网格员刘洋",
                              findings="住房约四十平方米，家中有长期病人，收入主要靠打零工。")
        if to == FileStatus.VISITED:
            return file
        file = hardship.file_transition(actor=higher, file=file, to_status=FileStatus.REVIEWED,
                                        note="材料齐全，同意公示。")
        start = self.today - dt.timedelta(days=1 if to == FileStatus.PUBLICITY else 25)
        file = hardship.file_transition(actor=cadre, file=file, to_status=FileStatus.PUBLICITY,
                                        publicity_start=start)
        if to == FileStatus.PUBLICITY or file.publicity_ends_at >= timezone.now():
            return file
        return hardship.file_transition(actor=cadre, file=file, to_status=FileStatus.FILED,
                                        now=file.publicity_ends_at + dt.timedelta(minutes=1))

    def _hardship(self) -> list:
        """Five households: three filed (one with an account, one assisted), one in publicity, one visited;
        and worker1's own online application, waiting to be checked."""
        hardship.living_standard_set(actor=self.district, org=Org.objects.get(parent=None), monthly_amount="1120",
                                     effective_from=self.today.replace(month=1, day=1))
        account = self._worker(self.accounts[2])
        filed = [self._walk(self._open(account, "illness", "780"), to=FileStatus.FILED)]
        for worker, cause, to in zip(self.callers[1::3], ("disability", "unemployment", "accident", "low_income"),
                                     (FileStatus.FILED, FileStatus.FILED, FileStatus.PUBLICITY, FileStatus.VISITED),
                                     strict=False):
            file = self._walk(self._open(worker, cause, str(self.rng.randrange(500, 1100, 10))), to=to)
            if file.status == FileStatus.FILED:
                filed.append(file)
        if len(filed) > 1:
            cadre = self.cadre_for(filed[1].org)
            hardship.plan_set(actor=cadre, file=filed[1], kind="living",
                              measures="每季度发放生活救助金，春节走访慰问。")
            hardship.assistance_record(actor=cadre, file=filed[1], given_on=self.today - dt.timedelta(days=3),
                                       kind="living", amount="1000", giver_org=filed[1].org, note="季度生活救助")
        hardship.file_apply(user=self.worker1, main_cause="illness", income_per_head="950", employment="employed",
                            family=self._family(self._worker(self.worker1)), evidence="住院费用清单")
        return [f for f in filed if f.status == FileStatus.FILED]

    # --- aid campaigns --------------------------------------------------------------------------------

    def _campaigns(self, filed: list) -> None:
        root, year = Org.objects.get(parent=None), self.today.year
        winter_year = year if self.today >= dt.date(year, 2, 28) else year - 1
        aid.campaign_create(actor=self.district, org=root, kind=Kind.WINTER_WARMTH,
                            title=f"{winter_year}年“送温暖”活动", opens_on=dt.date(winter_year, 1, 5),
                            closes_on=dt.date(winter_year, 2, 10),
                            budget="300000", max_income_per_head="1500", required_evidence=["困难情况说明"],
                            categories=[{"name": "困难职工慰问金", "amount": "800"},
                                        {"name": "一线职工送清凉", "amount": "300"}])
        campaign = aid.campaign_create(
            actor=self.district, org=root, kind=Kind.STUDENT_AID, title=f"{year}年“金秋助学”活动",
            opens_on=self.today - dt.timedelta(days=20), closes_on=self.today + dt.timedelta(days=25), budget="200000",
            max_income_per_head="1500", required_evidence=["录取通知书", "户口簿"], categories=[
                {"name": "大学新生·困难家庭", "amount": "3000", "school_levels": ["university"], "min_child_age": 16,
                 "max_child_age": 25, "requires_hardship_file": True},
                {"name": "高中（中职）", "amount": "1500", "school_levels": ["high_school", "vocational"],
                 "min_child_age": 14, "max_child_age": 20}])
        university, high = campaign.categories.order_by("pk")
        applicants = [u for u in self.accounts if u != self.accounts[2]][:4]
        applications = []
        for n, user in enumerate(applicants):
            applications.append(aid.application_submit(
                actor=user, campaign=campaign, category=high, child_name=f"{user.first_name[0]}小{'明红军丽'[n]}",
                child_age=15 + n % 3, school_level="high_school", income_per_head=str(900 + 250 * n),
                bank_name="中国工商银行", bank_account=f"6222{self.rng.randrange(10**14, 10**15)}",
                evidence=["录取通知书", "户口簿"][:1 if n == 1 else 2]))
        household = filed[0].householder if filed else None
        if household is not None and household.user_id:  # the household on file sends a child to university
            applications.insert(0, aid.application_submit(
                actor=household.user, campaign=campaign, category=university, child_name=f"{household.name[0]}思雨",
                child_age=18, school_level="university", income_per_head="780", bank_name="中国农业银行",
                bank_account=f"6228{self.rng.randrange(10**14, 10**15)}", evidence=["录取通知书", "户口簿"]))
        # The first in line is approved and paid, the next approved and waiting for the bank; the last
        # asks with an income above the limit and is turned down; the others wait for a decision.
        cadre = self.cadre_for(applications[0].org)
        paid = aid.application_approve(actor=cadre, application=applications[0])
        aid.payment_make(actor=cadre, application=paid, idempotency_key=f"demo-aid-{paid.pk:08d}")
        aid.application_approve(actor=self.cadre_for(applications[1].org), application=applications[1])
        aid.application_reject(actor=self.cadre_for(applications[-1].org), application=applications[-1],
                               reason="家庭人均月收入超过本次活动标准。")

    # --- collective contracts -------------------------------------------------------------------------

    def _walk_contract(self, contract, actor: User, offered: dt.date, to: str):
        steps = ((Stage.OFFERED, 0, {}), (Stage.NEGOTIATING, 12, {}),
                 (Stage.APPROVED, 40, {"total": 85, "present": 72, "votes_for": 66}), (Stage.SIGNED, 45, {}),
                 (Stage.FILED, 50, {}), (Stage.EFFECTIVE, 66, {}))
        for stage, days, votes in steps:
            contract = contract_advance(actor=actor, contract=contract, to_stage=stage,
                                        on=offered + dt.timedelta(days=days), **votes)
            if stage == to:
                return contract
        return contract

    def _contracts(self) -> None:
        today = self.today
        own = Enterprise.objects.filter(union=self.union).order_by("pk").first()
        if own is not None:
            contract = contract_create(actor=self.grassroots1, title=f"{own.name}集体合同",
                                       kind=ContractKind.COMPREHENSIVE, org=self.union, employer=own,
                                       covered_workers=own.headcount, term_years=3, topic_pay=True, topic_rest=True)
            self._walk_contract(contract, self.grassroots1, today - dt.timedelta(days=420), Stage.EFFECTIVE)
            wage = contract_create(actor=self.grassroots1, title=f"{own.name}工资专项集体合同", kind=ContractKind.WAGE,
                                   org=self.union, employer=own, covered_workers=own.headcount, term_years=1)
            self._walk_contract(wage, self.grassroots1, today - dt.timedelta(days=6), Stage.OFFERED)
        for n, (street, cadre) in enumerate(zip(self.streets[:2], (self.street1, self.street2), strict=True)):
            others = Enterprise.objects.filter(street=street, union__kind=OrgKind.GRASSROOTS).exclude(
                union=self.union).select_related("union").order_by("pk")
            firm = others.first()
            if firm is None:
                continue
            expiring = contract_create(actor=cadre, title=f"{firm.name}集体合同", kind=ContractKind.COMPREHENSIVE,
                                       org=firm.union, employer=firm, covered_workers=firm.headcount, term_years=3)
            # Signed three years ago less seven (or eleven) weeks: it expires within the 90-day reminder window.
            signed = today.replace(year=today.year - 3, day=min(today.day, 28)) + dt.timedelta(days=49 + 28 * n)
            self._walk_contract(expiring, cadre, signed - dt.timedelta(days=45), Stage.EFFECTIVE)
        newform = Org.objects.filter(street=self.streets[1], kind=OrgKind.JOINT,
                                     name__contains="新就业形态").first()
        if newform is not None:
            covered = list(Enterprise.objects.filter(union=newform).order_by("pk")[:5])
            regional = contract_create(
                actor=self.street2, title=f"{newform.name.removesuffix('联合工会')}劳动报酬和算法规则区域性集体合同",
                kind=ContractKind.REGIONAL, org=newform, employer_representative="街道物流配送企业联合会",
                covered_enterprises=covered, covered_workers=1200, term_years=2, topic_pay=True, topic_rest=True,
                topic_social_insurance=True, topic_algorithm=True)
            self._walk_contract(regional, self.street2, today - dt.timedelta(days=55), Stage.FILED)
        reminders_create(today=today)

    # --- family care ----------------------------------------------------------------------------------

    def _family_care(self) -> None:
        street1 = self.streets[0]
        own = Enterprise.objects.filter(union=self.union).order_by("pk").first()
        room_create(actor=self.grassroots1, org=self.union, name=f"{self.union.name.removesuffix('工会')}爱心妈咪小屋",
                    address=(own.address if own else street1.address) + "办公楼二层", area_m2="12.5", lockable=True,
                    changing_table=True, sink=True, fridge=True, opening_hours="工作日 8:30-17:30")
        street2 = self.streets[1]
        room_create(actor=self.cadre_for(street2), org=street2,
                    name=f"{street2.name.removesuffix('总工会')}党群服务中心母婴室", address=street2.address + "一层",
                    area_m2="8", lockable=True, changing_table=True, opening_hours="周一至周六 9:00-18:00")
        year = self.today.year + (self.today >= dt.date(self.today.year, 7, 6))
        starts = dt.date(year, 7, 6)
        summer = class_create(actor=self.street1, org=street1, name=f"{year}年职工子女暑托班", capacity=40, min_age=6,
                              max_age=12, starts_on=starts, ends_on=dt.date(year, 8, 14),
                              sessions="周一至周五 8:30-17:00", address=street1.address + "职工服务中心")
        parents = [self.worker1, *self.accounts[:4]]
        enrolments = []
        for n, user in enumerate(parents):
            born = starts.replace(year=starts.year - 7 - n) - dt.timedelta(days=30 + 11 * n)
            enrolments.append(enrol(actor=user, summer_class=summer, child_birth_date=born,
                                    child_name=f"{user.first_name[0]}{'乐安然悦朵'[n]}"))
        enrolment_cancel(actor=parents[-1], enrolment=enrolments[-1])
