import pytest

from gonghui.appeals.models import Category
from gonghui.mediation.models import CommitteeKind, MediatorKind
from gonghui.mediation.services import case_open, committee_create, mediator_add
from gonghui.testing import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def med(district):
    """Committees in street1 (two mediators) and street2 (one), and one case for each mediator."""
    d = district
    d.committee1 = committee_create(actor=d.street1_user, org=d.street1, kind=CommitteeKind.PARK, name="东园调委会")
    d.committee2 = committee_create(actor=d.street2_user, org=d.street2, kind=CommitteeKind.STREET, name="西街调委会")
    d.med1_user, d.med2_user, d.med3_user = make_user("med1"), make_user("med2"), make_user("med3")
    d.mediator1 = mediator_add(actor=d.street1_user, committee=d.committee1, username="med1", name="赵律师",
                               kind=MediatorKind.LAWYER, specialities=[Category.WAGE_ARREARS])
    d.mediator2 = mediator_add(actor=d.street1_user, committee=d.committee1, username="med2", name="钱法官",
                               kind=MediatorKind.RETIRED_JUDGE)
    d.mediator3 = mediator_add(actor=d.street2_user, committee=d.committee2, username="med3", name="孙干部",
                               kind=MediatorKind.CADRE)

    def _case(committee, mediator, worker_name, employer, actor):
        return case_open(actor=actor, committee=committee, mediator=mediator, worker_name=worker_name,
                         employer_name=employer, category=Category.WAGE_ARREARS, claim_summary="拖欠工资三个月")

    d.case1 = _case(d.committee1, d.mediator1, "李四", "东方机械厂", d.street1_user)
    d.case2 = _case(d.committee1, d.mediator2, "周八", "东街快送站", d.street1_user)
    d.case3 = _case(d.committee2, d.mediator3, "王五", "西城商贸", d.street2_user)
    return d
