"""Census import: a known credit code updates its enterprise, a new one creates it, scope holds."""

import random

from gonghui.audit.models import AuditEvent
from gonghui.enterprises.models import Enterprise
from gonghui.imports.models import ImportStatus
from gonghui.testing import make_credit_code

from .helpers import CENSUS_HEADERS, csv_bytes, report_rows, run_import, xlsx_bytes

NEW_X, NEW_Y, NEW_Z, NEW_W = (make_credit_code(random.Random(100 + i)) for i in range(4))
OWNERSHIPS = "国有、集体、私营、外商投资、港澳台投资、股份制、社会组织、个体工商户、其他"


def census_rows(district):
    a, b, none = district.enterprise_a, district.enterprise_b, district.enterprise_none
    return [
        CENSUS_HEADERS,
        [NEW_X, "东街新材料公司", "C", "私营", "50", "东街道", "东路1号"],  # 2 created
        [a.credit_code, "东方机械厂（集团）", "制造业", "私营企业", "150", "东街道总工会", ""],  # 3 updated
        [none.credit_code, "东街快送站", "G 交通运输、仓储和邮政业", "private", "40", "东街道", ""],  # 4 unchanged
        [b.credit_code, "西城商贸公司", "F", "私营", "80", "东街道", ""],  # 5 registered in street2
        [NEW_Y, "西街某厂", "C", "私营", "10", "西街道", ""],  # 6 street outside the scope
        ["91110105ABC", "坏代码公司", "C", "私营", "", "东街道", ""],  # 7 malformed code
        [NEW_X, "重复公司", "C", "私营", "", "东街道", ""],  # 8 same code as row 2
        [NEW_Z, "怪公司", "Z", "国营", "很多", "东街道", ""],  # 9 three bad cells
        [NEW_W, "", "C", "私营", "", "", ""],  # 10 no name, no street
    ]


EXPECTED = [
    (5, "统一社会信用代码", "This enterprise is registered under a street outside your scope; ask that street's union "
                            "to update it."),
    (6, "所属街道", "“西街道” is not a street or town within your scope."),
    (7, "统一社会信用代码", "The unified social credit code must be 18 characters of digits and capital letters."),
    (8, "统一社会信用代码", "This credit code already appears in row 2 of this file."),
    (9, "行业门类", "Unknown industry “Z”; use a GB/T 4754 section letter A to T or its name."),
    (9, "经济类型", f"Unknown economic type “国营”; use one of: {OWNERSHIPS}."),
    (9, "从业人数", "The headcount must be a whole number of 0 or more."),
    (10, "企业名称", "Please enter the enterprise name (1 to 200 characters)."),
    (10, "所属街道", "Please enter the street or town."),
]


def test_census_creates_updates_and_reports(district, django_capture_on_commit_callbacks):
    b_before = Enterprise.objects.filter(pk=district.enterprise_b.pk).values().get()
    job = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.street1,
                     data=xlsx_bytes(census_rows(district)), kind="census", name="普查.xlsx")
    assert job.status == ImportStatus.DONE, job.message
    assert (job.total_rows, job.created_count, job.updated_count, job.unchanged_count, job.failed_count) == (
        9, 1, 1, 1, 6)
    assert [(int(r[0]), r[1], r[2]) for r in report_rows(job)[1:]] == EXPECTED
    values = [district.enterprise_b.credit_code, "西城商贸公司", "F", "私营", "80", "东街道", ""]
    assert report_rows(job)[1][3:] == values

    x = Enterprise.objects.get(credit_code=NEW_X)
    assert (x.name, x.industry, x.ownership, x.headcount, x.street, x.address, x.union) == (
        "东街新材料公司", "C", "private", 50, district.street1, "东路1号", None)
    a = Enterprise.objects.get(pk=district.enterprise_a.pk)
    assert (a.name, a.headcount, a.union) == ("东方机械厂（集团）", 150, district.union_a)
    assert a.updated_at > district.enterprise_a.updated_at
    assert Enterprise.objects.filter(pk=district.enterprise_b.pk).values().get() == b_before
    assert not Enterprise.objects.filter(credit_code__in=[NEW_Y, NEW_Z, NEW_W]).exists()
    assert AuditEvent.objects.get(action="import.census").detail["updated"] == 1

    again = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.street1,
                       data=xlsx_bytes(census_rows(district)), kind="census")
    assert (again.created_count, again.updated_count, again.unchanged_count, again.failed_count) == (0, 0, 3, 6)
    assert Enterprise.objects.filter(credit_code=NEW_X).count() == 1


def test_district_staff_may_place_enterprises_in_any_street(district, django_capture_on_commit_callbacks):
    rows = [CENSUS_HEADERS, [NEW_Y, "西街某厂", "制造业", "外资企业", "12", "西街道总工会", "西路2号"]]
    job = run_import(django_capture_on_commit_callbacks, user=district.district, org=district.root,
                     data=csv_bytes(rows, encoding="gb18030"), kind="census", name="census.csv")
    assert (job.created_count, job.failed_count) == (1, 0)
    y = Enterprise.objects.get(credit_code=NEW_Y)
    assert (y.street, y.ownership, y.industry) == (district.street2, "foreign", "C")


def test_english_census_headers(district, django_capture_on_commit_callbacks):
    rows = [["Credit code", "Name", "Industry", "Ownership", "Street"],
            [NEW_Z, "Z Co", "Manufacturing", "State-owned", "东街道"]]
    job = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.street1,
                     data=xlsx_bytes(rows), kind="census")
    assert job.created_count == 1, job.errors_preview
    z = Enterprise.objects.get(credit_code=NEW_Z)
    assert (z.industry, z.ownership, z.headcount, z.address) == ("C", "state", 0, "")
