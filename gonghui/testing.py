"""Test helpers shared by every app: a small two-street district with one named user per role.

Like Healthchecks' alice/bob/charlie: tests say `district`, `street1`, `street2`, `grassroots1`,
`worker1`, `auditor` instead of building users by hand. All passwords are PASSWORD.
"""

import datetime as dt
import random

from django.db.models import Model

from gonghui.accounts.models import RoleGrant, User
from gonghui.accounts.roles import Role
from gonghui.core.choices import EmploymentForm, Industry
from gonghui.core.validators import resident_id_check_char, uscc_check_char
from gonghui.enterprises.models import Enterprise, Ownership
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.members.services import card_number, worker_identity
from gonghui.orgs.models import JointArea, Org, OrgKind
from gonghui.orgs.services import org_create

PASSWORD = "Demo@12351"


def make_resident_id(rng: random.Random | None = None, *, area: str = "110105", birth: dt.date | None = None,
                     male: bool | None = None) -> str:
    rng = rng or random.Random()
    birth = birth or dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 35))
    seq = rng.randrange(0, 100)
    sex = rng.randrange(0, 10) if male is None else (
        rng.choice([1, 3, 5, 7, 9]) if male else rng.choice([0, 2, 4, 6, 8]))
    first17 = f"{area}{birth:%Y%m%d}{seq:02d}{sex}"
    return first17 + resident_id_check_char(first17)


def make_credit_code(rng: random.Random | None = None, prefix: str = "91") -> str:
    rng = rng or random.Random()
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = prefix + "110105" + "".join(rng.choice(alphabet) for _ in range(9))
    return first17 + uscc_check_char(first17)


def make_user(username: str, *, role: str | None = None, org: Org | None = None, mobile: str | None = None,
              **extra) -> User:
    user = User(username=username, mobile=mobile, **extra)
    user.set_password(PASSWORD)
    user.save()
    if role:
        RoleGrant.objects.create(user=user, role=role, org=org)
    return user


def make_worker(*, name: str = "张三", org: Org | None = None, user: User | None = None,
                form: str = EmploymentForm.REGULAR, active: bool = True, resident_id: str | None = None,
                mobile: str = "13800001111", employer: Enterprise | None = None) -> Worker:
    identity = worker_identity(name=name, resident_id=resident_id or make_resident_id(), mobile=mobile)
    worker = Worker.objects.create(user=user, employment_form=form, org=org, employer=employer,
                                   street=org.street if org else None, **identity)
    if org is not None:
        m = Membership.objects.create(worker=worker, org=org,
                                      status=MembershipStatus.ACTIVE if active else MembershipStatus.PENDING)
        if active:
            m.card_no, m.joined_on = card_number(m.pk), dt.date(2024, 3, 1)
            m.save()
    return worker


class District:
    """district → street1 (joint union for riders, grassroots union A) and street2 (grassroots B)."""

    def __init__(self):
        self.root = org_create(actor=None, parent=None, name="示范区总工会", kind=OrgKind.DISTRICT)
        self.street1 = org_create(actor=None, parent=self.root, name="东街道总工会", kind=OrgKind.STREET)
        self.street2 = org_create(actor=None, parent=self.root, name="西街道总工会", kind=OrgKind.STREET)
        self.joint1 = org_create(
            actor=None, parent=self.street1, name="东街道新就业形态联合工会", kind=OrgKind.JOINT,
            joint_area=JointArea.COMMUNITY,
            serves_forms=[EmploymentForm.DELIVERY_RIDER, EmploymentForm.COURIER, EmploymentForm.RIDE_HAILING],
        )
        self.union_a = org_create(actor=None, parent=self.street1, name="东方机械厂工会", kind=OrgKind.GRASSROOTS)
        self.union_b = org_create(actor=None, parent=self.street2, name="西城商贸公司工会", kind=OrgKind.GRASSROOTS)
        self.enterprise_a = Enterprise.objects.create(
            credit_code=make_credit_code(random.Random(1)), name="东方机械厂", industry=Industry.C,
            ownership=Ownership.PRIVATE, headcount=120, street=self.street1, union=self.union_a)
        self.enterprise_b = Enterprise.objects.create(
            credit_code=make_credit_code(random.Random(2)), name="西城商贸公司", industry=Industry.F,
            ownership=Ownership.PRIVATE, headcount=80, street=self.street2, union=self.union_b)
        self.enterprise_none = Enterprise.objects.create(
            credit_code=make_credit_code(random.Random(3)), name="东街快送站", industry=Industry.G,
            ownership=Ownership.PRIVATE, headcount=40, street=self.street1, union=None)
        self.district = make_user("district", role=Role.DISTRICT_STAFF, org=self.root)
        self.street1_user = make_user("street1", role=Role.STREET_CADRE, org=self.street1)
        self.street2_user = make_user("street2", role=Role.STREET_CADRE, org=self.street2)
        self.grassroots1 = make_user("grassroots1", role=Role.GRASSROOTS_CADRE, org=self.union_a)
        self.sysadmin = make_user("sysadmin", role=Role.SYSTEM_ADMIN, is_staff=True)
        self.secadmin = make_user("secadmin", role=Role.SECURITY_ADMIN)
        self.auditor = make_user("auditor", role=Role.AUDITOR)
        self.nobody = make_user("nobody", mobile="13900000000")
        self.worker1_user = make_user("worker1", mobile="13800001111")
        self.worker1 = make_worker(name="李四", org=self.union_a, user=self.worker1_user,
                                   resident_id="110105199003071239", employer=self.enterprise_a)
        self.worker_b = make_worker(name="王五", org=self.union_b, mobile="13700002222",
                                    employer=self.enterprise_b)


def snapshot(*models: type[Model]) -> dict:
    """Every row of the given models, to assert that a refused action changed nothing."""
    return {m._meta.label: sorted(map(repr, m.objects.order_by("pk").values())) for m in models}
