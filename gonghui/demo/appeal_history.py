"""The demo district's workers' requests (诉求) of the last five months, told step by step through the appeals
services: filed, accepted, worked on, answered and rated at moments in the past.

The services take "now" from `gonghui.appeals.clock`, the seam made for standing at a given moment; the
demo moves it to each step's moment while it calls the service, so deadlines, events and on-time rates
come out as they would have. A step is taken only if its moment falls before today (Asia/Shanghai), so
the same seed on the same day always gives the same requests, whatever the time of day.
"""

import datetime as dt
import random
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.appeals import clock
from gonghui.appeals.claims import wage_claim_save
from gonghui.appeals.models import Action, Appeal, AppealType, Category, Channel, Rating, Referral, ReturnVisit
from gonghui.appeals.policy import time_limits
from gonghui.appeals.services import appeal_act, appeal_file, appeal_rate, appeal_transfer, return_visit_record
from gonghui.members.models import Worker
from gonghui.orgs.models import Org, OrgKind
from gonghui.workcalendar.calendar import add_working_time

SH = ZoneInfo("Asia/Shanghai")
COUNT = 44  # requests in all, at every scale
RECENT = 10  # of which this many in the last ten days, so the queues have open requests
DAYS_BACK = 150

# (type, category, what the worker said, how the union answered)
CASES = (
    (AppealType.CONSULTATION, Category.LABOUR_CONTRACT, "试用期被延长到六个月，公司说是新规定，想问这样合法吗？",
     "同一用人单位与同一劳动者只能约定一次试用期，三年以上合同试用期最长六个月。已向您说明并提供法律依据。"),
    (AppealType.HELP, Category.WAGE_ARREARS, "工地老板拖欠我们班组三个月工资，一共十几个人，多次讨要未果。",
     "已联合劳动监察大队约谈项目方，督促分期支付，首期款已到账，剩余部分跟踪落实。"),
    (AppealType.CONSULTATION, Category.SOCIAL_INSURANCE, "公司一直没给交社保，我能自己补缴吗？",
     "已告知可向社保经办机构投诉，由用人单位补缴；工会已向公司发出提示函。"),
    (AppealType.COMPLAINT, Category.WORKING_HOURS, "车间连续两个月每周只休一天，加班费按最低工资算。",
     "已与企业工会和人事部门沟通，企业承诺调整排班并补发差额加班费。"),
    (AppealType.CONSULTATION, Category.PLATFORM_RULES, "平台最近把配送时间缩短了五分钟，超时就扣钱，能反映吗？",
     "已将意见转交平台企业工会，并纳入下一轮算法协商议题，协商结果将及时告知。"),
    (AppealType.LEGAL_AID, Category.OCCUPATIONAL_INJURY, "送货途中摔伤，站点说我不是员工不管，怎么申请工伤？",
     "已为您申请法律援助，援助律师将协助办理新就业形态职业伤害保障申请。"),
    (AppealType.HELP, Category.OTHER, "孩子暑假没人看护，工会有没有暑托班？",
     "街道工会职工子女暑托班明年七月开班，报名开放后将短信通知您。"),
    (AppealType.SUGGESTION, Category.OTHER, "建议在商圈多设几个户外劳动者驿站，夏天能喝口水歇歇脚。",
     "感谢建议，已纳入明年驿站建设计划，并先在两处商圈增设临时休息点。"),
    (AppealType.CONSULTATION, Category.DISCRIMINATION, "招聘时问我有没有结婚生育计划，这算不算歧视？",
     "已说明相关法律规定，并建议保留证据；如需投诉，工会可协助向人社部门反映。"),
    (AppealType.COMPLAINT, Category.LABOUR_CONTRACT, "公司要求签自愿放弃社保的协议，不签就辞退。",
     "此类协议无效。已约谈企业负责人，企业已撤回协议并依法参保。"),
    (AppealType.HELP, Category.SOCIAL_INSURANCE, "医保断缴了两个月，住院报销有影响吗？",
     "已协助联系医保经办机构办理补缴，补缴后待遇可正常享受。"),
    (AppealType.CONSULTATION, Category.WORKING_HOURS, "综合工时制下每天工作十二小时合法吗？",
     "已解释综合计算工时制的审批要求和加班费计算方式，并提醒企业工会关注。"),
)
CALLERS = ("刘先生", "陈女士", "王师傅")  # hotline callers not on record as workers


def day_at(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment of `day` in office hours, Shanghai time."""
    return dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.choice((0, 10, 20, 30, 40, 50))), tzinfo=SH)


@contextmanager
def standing_at(moment: dt.datetime):
    """The appeals clock stands at `moment` while the block runs (one thread: the demo command)."""
    original = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = original


class AppealHistory:
    def __init__(self, rng: random.Random, *, handler: Callable[[Org], User], district: User, accounts: list[User],
                 callers: list[Worker], worker1: User):
        self.rng, self.handler, self.district = rng, handler, district
        self.accounts, self.callers, self.worker1 = accounts, callers, worker1
        self.cutoff = dt.datetime.combine(timezone.localdate(), dt.time(), tzinfo=SH)  # start of today

    def write(self) -> None:
        rng = self.rng
        days = sorted([rng.randint(11, DAYS_BACK) for _ in range(COUNT - RECENT)]
                      + [rng.randint(1, 10) for _ in range(RECENT)], reverse=True)
        # The newest request old enough to have been taken up waits for papers from the worker.
        self.waiting = max((i for i, d in enumerate(days) if d >= 5), default=-1)
        for i, days_ago in enumerate(days):
            case = CASES[i] if i < len(CASES) else rng.choice(CASES)
            submitted = day_at(rng, self.cutoff.date() - dt.timedelta(days=days_ago))
            appeal = self._file(i, case, submitted)
            self._handle(i, appeal, case, submitted)

    # --- filing -------------------------------------------------------------------------------------

    def _file(self, i: int, case, at: dt.datetime) -> Appeal:
        rng = self.rng
        kind, category, description, _answer = case
        common = {"appeal_type": kind, "category": category, "description": description}
        with standing_at(at):
            if i % 11 == 5:  # a hotline caller who is not on record: the district takes it, then passes it on
                mobile = f"139{rng.randint(10_000_000, 99_999_999)}"
                return appeal_file(actor=self.district, channel=Channel.HOTLINE, contact_name=CALLERS[i % 3],
                                   mobile=mobile, **common)
            if i % 3 == 2:  # a member rings the 12351 hotline, or walks into the street's service station
                worker = rng.choice(self.callers)
                station = Org.objects.filter(street_id=worker.street_id, kind=OrgKind.JOINT,
                                             name__contains="新就业形态").first()
                if i % 4 == 1 and station is not None:
                    return appeal_file(actor=self.handler(station), channel=Channel.STATION, station=station,
                                       worker=worker, contact_name=worker.name, **common)
                return appeal_file(actor=self.district, channel=Channel.HOTLINE, worker=worker,
                                   contact_name=worker.name, **common)
            user = self.worker1 if i % 9 == 0 or i == COUNT - 1 else rng.choice(self.accounts)
            return appeal_file(actor=user, user=user, channel=Channel.PORTAL, **common)

    # --- handling -------------------------------------------------------------------------------------

    def _step(self, moment: dt.datetime, fn, **kwargs):
        """Take the step at `moment` when that is before today; its result, or None when it is still to come."""
        if moment >= self.cutoff:
            return None
        with standing_at(moment):
            return fn(**kwargs)

    def _handle(self, i: int, appeal: Appeal, case, submitted: dt.datetime) -> None:
        rng = self.rng
        accept_budget, answer_budget = time_limits(appeal.appeal_type, appeal.difficulty)
        moment = submitted
        if appeal.org.parent_id is None:  # landed at the district: transfer to a street within the hour
            street = Org.objects.filter(kind=OrgKind.STREET).order_by("pk")[i % 2]
            moment += dt.timedelta(minutes=40)
            appeal = self._step(moment, appeal_transfer, actor=self.district, appeal=appeal, to_org=street,
                                reason="来电人工作地在该街道辖区，请属地工会办理。")
            if appeal is None:
                return
        cadre = self.handler(appeal.org)
        late = rng.random() < 0.12
        moment = add_working_time(submitted, accept_budget * (rng.uniform(1.1, 1.6) if late else rng.uniform(0.1, 0.7)))
        if self._step(moment, appeal_act, actor=cadre, appeal=appeal, action=Action.ACCEPT) is None:
            return
        moment = add_working_time(moment, dt.timedelta(hours=rng.uniform(0.5, 4)))
        if self._step(moment, appeal_act, actor=cadre, appeal=appeal, action=Action.START) is None:
            return
        if appeal.category == Category.WAGE_ARREARS:
            self._wage_claim(moment, cadre, appeal)
        if i == self.waiting:  # the union needs papers from the worker and is waiting for them
            self._step(add_working_time(moment, dt.timedelta(hours=3)), appeal_act, actor=cadre, appeal=appeal,
                       action=Action.WAIT, note="请提供劳动合同和工资流水后继续办理。")
            return
        share = rng.uniform(1.05, 1.4) if rng.random() < 0.1 else rng.uniform(0.2, 0.9)
        moment = max(add_working_time(submitted, answer_budget * share), moment + dt.timedelta(hours=1))
        if self._step(moment, appeal_act, actor=cadre, appeal=appeal, action=Action.ANSWER, answer=case[3]) is None:
            return
        self._rate(appeal, cadre, moment)

    def _wage_claim(self, moment: dt.datetime, cadre: User, appeal: Appeal) -> None:
        employer = appeal.worker.employer if appeal.worker_id else None
        amount = Decimal(self.rng.randrange(18_000, 90_000, 500))
        self._step(moment + dt.timedelta(minutes=20), wage_claim_save, actor=cadre, appeal=appeal,
                   employer_credit_code=employer.credit_code if employer else "",
                   employer_name="" if employer else "示范区城南建设工程项目部", project_site="城南安置房二期工地",
                   workers_count=self.rng.randint(8, 16), amount=amount, months_owed=3,
                   referral=Referral.LABOUR_INSPECTION, amount_recovered=(amount * Decimal("0.4")).quantize(
                       Decimal("1")))

    def _rate(self, appeal: Appeal, cadre: User, answered: dt.datetime) -> None:
        rng = self.rng
        if appeal.user_id is None:  # no account to rate with: the union closes it after the call back
            self._step(answered + dt.timedelta(days=2), appeal_act, actor=cadre, appeal=appeal, action=Action.CLOSE,
                       note="电话回访，来电人表示认可。")
            return
        if rng.random() < 0.15:
            return  # answered, the worker has not rated yet
        roll = rng.random()
        rating = Rating.DISSATISFIED if roll < 0.1 else Rating.BASIC if roll < 0.3 else Rating.SATISFIED
        rated = answered + dt.timedelta(hours=rng.randint(2, 60))
        comment = "问题还没有真正解决。" if rating == Rating.DISSATISFIED else ""
        if self._step(rated, appeal_rate, user=appeal.user, appeal=appeal, rating=rating, comment=comment) is None:
            return
        if rating == Rating.DISSATISFIED:
            visit = ReturnVisit.objects.filter(appeal=appeal).get()
            self._step(rated + dt.timedelta(days=1), return_visit_record, actor=cadre, visit=visit,
                       outcome="已回访，职工希望继续跟进，已约定下周再次沟通。")
