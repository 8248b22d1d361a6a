"""A street cadre never sees another street's workers, enterprises or orgs on any list page or export."""

import io

import openpyxl
import pytest
from django.urls import reverse

from gonghui.core.choices import EmploymentForm
from gonghui.testing import make_worker

from .factories import pending_applicant

STREET2_NAMES = ("西街道总工会", "西城商贸公司工会", "西城商贸公司", "王五", "王*", "孙八", "孙*")
STREET1_NAMES = ("东街道总工会", "东方机械厂工会", "东方机械厂", "东街快送站", "李四", "赵*")


def _list_pages(district):
    return [
        reverse("console:home"),
        reverse("orgs:tree"), reverse("orgs:tree") + "?q=西",
        reverse("enterprises:list"), reverse("enterprises:list") + "?has_union=yes",
        reverse("enterprises:list") + "?has_union=no", reverse("enterprises:list") + "?q=西城",
        reverse("members:list"), reverse("members:list") + "?status=pending",
        reverse("members:list") + f"?employment_form={EmploymentForm.REGULAR}",
        reverse("members:queue"),
    ]


def _export_text(client) -> str:
    response = client.get(reverse("members:export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)


@pytest.mark.parametrize(("username", "hidden", "shown"), [
    ("street1_user", STREET2_NAMES, ("东方机械厂", "李四")),
    ("grassroots1", STREET2_NAMES + ("东街快送站", "东街道新就业形态联合工会"), ("东方机械厂", "李四")),
    ("street2_user", STREET1_NAMES, ("西城商贸公司", "王五")),
])
def test_list_pages_and_export_stay_inside_the_subtree(client, district, username, hidden, shown):
    pending_applicant(district)  # 赵六 applies to union A (street1)
    make_worker(name="孙八", org=district.union_b, active=False, mobile="13500005555")  # applies to union B
    client.force_login(getattr(district, username))
    pages = "".join(client.get(url).content.decode() for url in _list_pages(district))
    export = _export_text(client)
    for name in hidden:
        assert name not in pages, name
        assert name not in export, name
    for name in shown:
        assert name in pages and name in export
