"""The tiny demo district: counts, valid identifiers, consistent tree and memberships, determinism."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F

from gonghui.core import privacy
from gonghui.core.choices import NEW_FORMS, EmploymentForm
from gonghui.core.validators import check_credit_code, check_resident_id, resident_id_birth_date, resident_id_gender
from gonghui.enterprises.models import Enterprise
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.members.services import card_number
from gonghui.orgs.models import JOINABLE_KINDS, Org, OrgKind, OrgStatus

ACTIVE, PENDING, TRANSFERRED = MembershipStatus.ACTIVE, MembershipStatus.PENDING, MembershipStatus.TRANSFERRED


def run(*args):
    call_command("demo_district", "--scale", "tiny", *args, stdout=StringIO())


@pytest.fixture
def tiny(db):
    run()


def test_tiny_has_the_expected_counts(tiny):
    kinds = Counter(Org.objects.values_list("kind", flat=True))
    assert kinds[OrgKind.DISTRICT] == 1
    assert kinds[OrgKind.STREET] == 3
    assert kinds[OrgKind.GRASSROOTS] == 20
    assert 3 <= kinds[OrgKind.INDUSTRY] <= 6
    assert kinds[OrgKind.JOINT] >= 6 and kinds[OrgKind.GROUP] > 0
    assert Enterprise.objects.count() == 200
    assert Worker.objects.count() == 1000
    statuses = Counter(Membership.objects.values_list("status", flat=True))
    assert 0.7 <= statuses[ACTIVE] / 1000 <= 0.9
    assert 0.02 <= statuses[PENDING] / 1000 <= 0.1
    assert statuses[TRANSFERRED] > 0
    assert Org.objects.filter(status=OrgStatus.ACTIVE).count() > 0.9 * Org.objects.count()
    # Coverage: own union, joint or industry union, or none (the blind spots, about a quarter).
    uncovered = Enterprise.objects.filter(union__isnull=True).count()
    assert 40 <= uncovered <= 60
    assert Enterprise.objects.filter(union__kind=OrgKind.GRASSROOTS).count() > 10
    assert Enterprise.objects.filter(union__kind__in=[OrgKind.JOINT, OrgKind.INDUSTRY]).count() > 100
    assert Enterprise.objects.values("name").distinct().count() == 200
    assert not Enterprise.objects.annotate(n=Count("workers")).filter(n__gt=F("headcount")).exists()


def test_every_identifier_is_valid_and_unique(tiny):
    workers = list(Worker.objects.all())
    for worker in workers:
        number = privacy.decrypt(worker.id_cipher)
        assert check_resident_id(number) == number
        assert privacy.blind_index(number) == worker.id_hash
        assert worker.id_masked == privacy.mask_resident_id(number)
        assert worker.gender == resident_id_gender(number)
        assert worker.birth_date == resident_id_birth_date(number)
        assert 1965 <= worker.birth_date.year <= 2005
        assert re.fullmatch(r"1[3-9]\d{9}", worker.mobile)
        assert 2 <= len(worker.name) <= 4
    assert len({w.mobile for w in workers}) == len(workers)
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        assert check_credit_code(code) == code and code[:2] in {"91", "92", "52"}
    codes = list(Org.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
    assert codes and all(check_credit_code(c) == c and c.startswith("81") for c in codes)


def test_tree_paths_follow_the_org_services(tiny):
    orgs = Org.objects.in_bulk()
    for org in orgs.values():
        parent = orgs.get(org.parent_id)
        assert org.path == f"{parent.path if parent else '/'}{org.pk}/"
        assert org.depth == (parent.depth + 1 if parent else 0)
        expected_street = org.pk if org.kind == OrgKind.STREET else (parent.street_id if parent else None)
        assert org.street_id == expected_street
        assert all(f in EmploymentForm.values for f in org.serves_forms)
    for street in Org.objects.filter(kind=OrgKind.STREET):
        newform = Org.objects.filter(street=street, kind=OrgKind.JOINT, name__contains="新就业形态")
        assert newform.count() == 1
        assert {"delivery_rider", "courier", "ride_hailing"} <= set(newform.get().serves_forms)


def test_memberships_are_consistent(tiny):
    by_worker = {}
    for m in Membership.objects.select_related("org"):
        by_worker.setdefault(m.worker_id, []).append(m)
    for worker in Worker.objects.select_related("employer"):
        rows = by_worker.get(worker.pk, [])
        active = [m for m in rows if m.status == ACTIVE]
        pending = [m for m in rows if m.status == PENDING]
        assert len(active) <= 1 and len(pending) <= 1
        expected_org = active[0].org_id if active else pending[0].org_id if pending else None
        assert worker.org_id == expected_org
        if worker.employer_id:
            assert worker.employment_form in {EmploymentForm.REGULAR, EmploymentForm.DISPATCHED}
            assert worker.street_id == worker.employer.street_id
        for m in pending:
            assert m.org.kind in JOINABLE_KINDS and m.org.status == OrgStatus.ACTIVE and not m.card_no
            if m.transfer_from_id:
                assert m.transfer_from_id == active[0].pk and m.org_id != active[0].org_id
    for m in Membership.objects.filter(status=ACTIVE).select_related("transfer_from"):
        previous = m.transfer_from
        assert m.card_no == card_number(previous.pk if previous else m.pk)
        if previous:
            assert previous.status == TRANSFERRED and previous.worker_id == m.worker_id
            assert previous.joined_on == m.joined_on and previous.ended_on > previous.joined_on
    transferred = set(Membership.objects.filter(status=TRANSFERRED).values_list("pk", flat=True))
    assert transferred == set(Membership.objects.filter(status=ACTIVE, transfer_from__isnull=False)
                              .values_list("transfer_from_id", flat=True))
    # The new employment forms join the joint and industry unions of their street.
    new_form = Worker.objects.filter(employment_form__in=NEW_FORMS, org__isnull=False)
    assert new_form.exists()
    assert not new_form.exclude(org__kind__in=[OrgKind.JOINT, OrgKind.INDUSTRY]).exists()
    assert not new_form.exclude(org__street=F("street")).exists()


def fingerprint() -> dict:
    """Everything but primary keys (PostgreSQL sequences do not roll back) and clock-driven timestamps."""
    return {
        "orgs": list(Org.objects.order_by("pk").values_list(
            "name", "kind", "depth", "parent__name", "status", "chair_name", "founded_on", "credit_code", "address",
            "serves_forms")),
        "enterprises": list(Enterprise.objects.order_by("pk").values_list(
            "name", "credit_code", "industry", "ownership", "headcount", "street__name", "union__name", "address")),
        "workers": list(Worker.objects.order_by("pk").values_list(
            "name", "id_hash", "mobile", "birth_date", "employment_form", "employer__credit_code", "street__name",
            "org__name", "user__username")),
        "memberships": list(Membership.objects.order_by("pk").values_list(
            "worker__id_hash", "org__name", "status", "joined_on", "ended_on", "transfer_from__org__name")),
        "grants": sorted(Org.objects.filter(grants__isnull=False).values_list("grants__user__username", "name")),
    }


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    prints = []
    for seed in ("7", "7", "8"):
        with transaction.atomic():
            run("--seed", seed)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0]["workers"] != prints[2]["workers"]
    assert prints[0]["enterprises"] != prints[2]["enterprises"]
