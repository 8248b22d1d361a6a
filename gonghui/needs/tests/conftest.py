from decimal import Decimal

import pytest

from gonghui.needs import services


def make_need(district, org=None, actor=None, **kw):
    data = {"title": "骑手午间歇脚点", "source": "visit", "category": "rest", "headcount": 10}
    data.update(kw)
    return services.need_create(actor=actor or district.district, org=org or district.joint1, **data)


def make_resource(district, org=None, actor=None, **kw):
    data = {"kind": "venue", "name": "东街道职工之家", "categories": ["rest"], "capacity": 20,
            "contact_name": "刘老师", "contact_phone": "13812345678"}
    data.update(kw)
    return services.resource_create(actor=actor or district.district, org=org or district.street1, **data)


def make_project(district, org=None, actor=None, **kw):
    data = {"title": "户外劳动者驿站", "budget": Decimal("5000.00")}
    data.update(kw)
    return services.project_create(actor=actor or district.district, org=org or district.street1, **data)


@pytest.fixture
def lists(district):
    """A need of the riders' joint union (street1) and resources of street1, street2 and the district."""
    district.need = make_need(district)
    district.venue1 = make_resource(district)
    district.venue2 = make_resource(district, org=district.street2, name="西街道职工之家")
    district.fund = make_resource(district, org=district.root, kind="fund", name="区总工会关爱基金",
                                  categories=["rest", "hardship"], capacity=100, amount=Decimal("200000"))
    return district
