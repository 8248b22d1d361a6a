"""The permission matrix of every console page and action.

For each page: anonymous -> 302 to sign-in; an account without a cadre role (`nobody`,
`worker1_user`) -> 403 with nothing shown; the right cadre -> success; a cadre of the other street
on this street's object -> 404, exactly like a missing object. Every refused POST (and the audited
export) is checked to have changed nothing at all.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from gonghui.audit.models import AuditEvent
from gonghui.enterprises.models import Enterprise
from gonghui.members.models import MembershipStatus
from gonghui.orgs.models import Org, OrgKind
from gonghui.testing import make_credit_code, snapshot

from .factories import ALL_MODELS, WORKER1_ID, pending_applicant

# Words from street1's objects that a refused response must not contain.
SECRETS = ("东方机械厂", "李四", "东街道", "赵六")


@dataclass
class Case:
    id: str
    url: Any  # (district, scenario) -> str
    method: str = "get"
    data: Any = None  # (district, scenario) -> dict
    right: str = "street1_user"
    ok: int = 200
    elsewhere: str | None = None  # a user with the right on another subtree
    elsewhere_status: int = 404
    check: Any = None  # (district, scenario, response) -> None, after the successful call
    no_right: tuple = field(default=("nobody", "worker1_user"))

    @property
    def writes(self) -> bool:
        return self.method == "post" or self.id == "members:export"


def _org_created(d, s, r):
    assert Org.objects.filter(name="新建工会", parent=d.street1).exists()


def _org_renamed(d, s, r):
    d.union_a.refresh_from_db()
    assert d.union_a.name == "东方机械厂工会（新）"


def _enterprise_created(d, s, r):
    assert Enterprise.objects.filter(name="新登记企业", street=d.street1).exists()


def _enterprise_renamed(d, s, r):
    d.enterprise_a.refresh_from_db()
    assert d.enterprise_a.headcount == 150


def _revealed(d, s, r):
    assert WORKER1_ID in r.content.decode()
    assert AuditEvent.objects.filter(action="worker.reveal_id", target_id=str(d.worker1.pk)).count() == 1


def _approved(d, s, r):
    s["pending"].refresh_from_db()
    assert s["pending"].status == MembershipStatus.ACTIVE


def _rejected(d, s, r):
    s["pending"].refresh_from_db()
    assert s["pending"].status == MembershipStatus.REJECTED


def _exported(d, s, r):
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="members.export").count() == 1


def _audit_page(d, s, r):
    assert b"<table" in r.content


ENTERPRISE_POST = {
    "credit_code": make_credit_code(__import__("random").Random(99)), "name": "新登记企业", "industry": "C",
    "ownership": "private", "headcount": "30", "address": "", "union": "",
}

CASES = [
    Case("console:home", lambda d, s: reverse("console:home")),
    Case("orgs:tree", lambda d, s: reverse("orgs:tree")),
    Case("orgs:detail", lambda d, s: reverse("orgs:detail", args=[d.union_a.pk]), elsewhere="street2_user"),
    Case("orgs:create", lambda d, s: reverse("orgs:create", args=[d.street1.pk]), elsewhere="street2_user"),
    Case("orgs:edit", lambda d, s: reverse("orgs:edit", args=[d.union_a.pk]), elsewhere="street2_user"),
    Case("enterprises:list", lambda d, s: reverse("enterprises:list")),
    Case("enterprises:detail", lambda d, s: reverse("enterprises:detail", args=[d.enterprise_a.pk]),
         elsewhere="street2_user"),
    Case("enterprises:create", lambda d, s: reverse("enterprises:create")),
    Case("enterprises:edit", lambda d, s: reverse("enterprises:edit", args=[d.enterprise_a.pk]),
         elsewhere="street2_user"),
    Case("members:list", lambda d, s: reverse("members:list")),
    Case("members:detail", lambda d, s: reverse("members:detail", args=[d.worker1.pk]), elsewhere="street2_user"),
    Case("members:queue", lambda d, s: reverse("members:queue")),
    Case("members:export", lambda d, s: reverse("members:export"), check=_exported),
    Case("audit:list", lambda d, s: reverse("audit:list"), right="auditor", check=_audit_page,
         no_right=("nobody", "worker1_user", "street1_user", "district", "sysadmin", "secadmin")),
    Case("console:audit", lambda d, s: reverse("console:audit"), right="auditor", check=_audit_page,
         no_right=("nobody", "worker1_user", "grassroots1", "district")),
    # POST actions
    Case("orgs:create POST", lambda d, s: reverse("orgs:create", args=[d.street1.pk]), "post",
         lambda d, s: {"name": "新建工会", "kind": OrgKind.GRASSROOTS}, ok=302, elsewhere="street2_user",
         check=_org_created),
    Case("orgs:edit POST", lambda d, s: reverse("orgs:edit", args=[d.union_a.pk]), "post",
         lambda d, s: {"name": "东方机械厂工会（新）", "status": "active"}, ok=302, elsewhere="street2_user",
         check=_org_renamed),
    # street2 may register enterprises, but not in street1: the street is not among its choices.
    Case("enterprises:create POST", lambda d, s: reverse("enterprises:create"), "post",
         lambda d, s: ENTERPRISE_POST | {"street": d.street1.pk}, ok=302, elsewhere="street2_user",
         elsewhere_status=200, check=_enterprise_created, no_right=("nobody", "worker1_user", "grassroots1")),
    Case("enterprises:edit POST", lambda d, s: reverse("enterprises:edit", args=[d.enterprise_a.pk]), "post",
         lambda d, s: {"credit_code": d.enterprise_a.credit_code, "name": d.enterprise_a.name, "industry": "C",
                       "ownership": "private", "headcount": "150", "street": d.street1.pk,
                       "union": d.union_a.pk, "address": ""},
         ok=302, elsewhere="street2_user", check=_enterprise_renamed),
    Case("members:reveal POST", lambda d, s: reverse("members:reveal", args=[d.worker1.pk]), "post",
         lambda d, s: {"reason": "核实跨工会转会身份"}, elsewhere="street2_user", check=_revealed,
         no_right=("nobody", "worker1_user")),
    Case("members:approve POST", lambda d, s: reverse("members:approve", args=[s["pending"].pk]), "post",
         lambda d, s: {}, ok=302, elsewhere="street2_user", check=_approved),
    Case("members:reject POST", lambda d, s: reverse("members:reject", args=[s["pending"].pk]), "post",
         lambda d, s: {"reason": "材料不全"}, ok=302, elsewhere="street2_user", check=_rejected),
    # A bulk action on rows outside the user's queue ignores them: a redirect, and nothing changed.
    Case("members:bulk_approve POST", lambda d, s: reverse("members:bulk_approve"), "post",
         lambda d, s: {"ids": [s["pending"].pk]}, ok=302, elsewhere="street2_user", elsewhere_status=302,
         check=_approved),
]


@pytest.fixture
def scenario(district):
    return {"pending": pending_applicant(district)}


def _call(client, case, district, scenario):
    url = case.url(district, scenario)
    if case.method == "post":
        return client.post(url, case.data(district, scenario) if case.data else {})
    return client.get(url)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_anonymous_is_sent_to_sign_in(client, district, scenario, case):
    before = snapshot(*ALL_MODELS)
    response = _call(client, case, district, scenario)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("accounts:login")
    assert "next=" in target.query
    assert snapshot(*ALL_MODELS) == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_no_right_gets_403_and_sees_nothing(client, district, scenario, case):
    for username in case.no_right:
        client.force_login(getattr(district, username))
        before = snapshot(*ALL_MODELS)
        response = _call(client, case, district, scenario)
        assert response.status_code == 403, username
        html = response.content.decode()
        for secret in SECRETS:
            assert secret not in html, (username, secret)
        assert snapshot(*ALL_MODELS) == before, username
        client.logout()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_right_succeeds(client, district, scenario, case):
    client.force_login(getattr(district, case.right))
    response = _call(client, case, district, scenario)
    assert response.status_code == case.ok, response.content[:2000]
    if case.check:
        case.check(district, scenario, response)


@pytest.mark.parametrize("case", [c for c in CASES if c.elsewhere], ids=lambda c: c.id)
def test_right_on_another_subtree_is_404_and_changes_nothing(client, district, scenario, case):
    client.force_login(getattr(district, case.elsewhere))
    before = snapshot(*ALL_MODELS)
    response = _call(client, case, district, scenario)
    assert response.status_code == case.elsewhere_status
    assert snapshot(*ALL_MODELS) == before


@pytest.mark.parametrize("name", ["orgs:detail", "orgs:edit", "orgs:create", "enterprises:detail",
                                  "enterprises:edit", "members:detail"])
def test_forbidden_looks_exactly_like_missing(client, district, name):
    objects = {"orgs": district.union_a, "enterprises": district.enterprise_a, "members": district.worker1}
    obj = objects[name.split(":")[0]]
    client.force_login(district.street2_user)
    forbidden = client.get(reverse(name, args=[obj.pk]))
    missing = client.get(reverse(name, args=[999999]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
