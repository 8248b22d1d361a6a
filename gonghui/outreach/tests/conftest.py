import random

import pytest

from gonghui.core.choices import Industry
from gonghui.enterprises.models import Enterprise, Ownership
from gonghui.outreach.models import EstablishmentPlan
from gonghui.outreach.services import plans_ensure
from gonghui.testing import make_credit_code


@pytest.fixture
def plans(district):
    """Plans for every enterprise without a union: 东街快送站 (street1) and 西街小厨 (street2)."""
    district.enterprise_west = Enterprise.objects.create(
        credit_code=make_credit_code(random.Random(21)), name="西街小厨", industry=Industry.H,
        ownership=Ownership.PRIVATE, headcount=25, street=district.street2)
    plans_ensure(actor=district.district)
    district.plan1 = EstablishmentPlan.objects.get(enterprise=district.enterprise_none)
    district.plan2 = EstablishmentPlan.objects.get(enterprise=district.enterprise_west)
    return district
