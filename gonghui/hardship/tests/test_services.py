"""Reviews, the two watch lists, assistance, living standards, spot checks, scoping and bad input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.hardship import selectors, services
from gonghui.hardship.models import (
    Assistance,
    FamilyMember,
    FileEvent,
    FileReview,
    FileStatus,
    HardshipFile,
    LivingStandard,
    SpotCheck,
)
from gonghui.testing import snapshot

from .conftest import apply, many_filed

MODELS = (HardshipFile, FileEvent, FamilyMember, FileReview, Assistance, SpotCheck, LivingStandard, AuditEvent)
TODAY = timezone.localdate()


def _age(file, days):
    HardshipFile.objects.filter(pk=file.pk).update(last_reviewed_on=TODAY - dt.timedelta(days=days),
                                                   filed_on=TODAY - dt.timedelta(days=days))
    file.refresh_from_db()
    return file


def test_overdue_review_list_and_review_clears_it(files):
    user = files.district
    assert not selectors.overdue_review_list(user=user).exists()
    file1 = _age(files.file1, 366)
    _age(files.file2, 365)  # exactly a year: not yet overdue
    assert list(selectors.overdue_review_list(user=user)) == [file1]
    assert list(selectors.overdue_review_list(user=files.street2_user)) == []
    review = services.review_record(actor=files.grassroots1, file=file1, reviewed_on=TODAY, income_per_head="1500.5",
                                    employment="employed", still_in_hardship=False, findings="已再就业")
    file1.refresh_from_db()
    assert file1.last_reviewed_on == TODAY and file1.income_per_head == Decimal("1500.50")
    assert file1.employment == "employed" and review.income_per_head == Decimal("1500.50")
    # The first figures stay, so the recovery shows: 800 flexible work -> 1500.50 employed.
    assert (file1.initial_income_per_head, file1.initial_employment) == (Decimal("800.00"), "flexible")
    assert not selectors.overdue_review_list(user=user).exists()
    # An older review entered late never moves the clock backwards.
    services.review_record(actor=files.grassroots1, file=file1, reviewed_on=TODAY - dt.timedelta(days=100),
                           income_per_head="900", employment="flexible", still_in_hardship=True)
    file1.refresh_from_db()
    assert file1.last_reviewed_on == TODAY


def test_overdue_list_is_one_query_of_files_then_their_people_and_unions(files):
    _age(files.file1, 400)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(selectors.overdue_review_list(user=files.street1_user, org=files.street1))
        assert rows[0].householder.name and rows[0].org.name  # prefetched: no query per row
    # The files (from the index, before any join), then the page's householders and unions.
    assert len(rows) == 1 and len(ctx.captured_queries) == 3
    sql = ctx.captured_queries[0]["sql"]
    assert "members_worker" not in sql
    assert "last_reviewed_on" in sql and "hardship_assistance" not in sql
    # No "OR my own household" for a cadre: that OR would keep the database off the (org, status, date) index.
    assert " OR " not in sql.upper()


def test_review_bad_input_and_other_street_change_nothing(files):
    other = files.file1
    before = snapshot(*MODELS)
    bad = [
        ({"income_per_head": "很多"}, "income_per_head"),
        ({"income_per_head": "-1"}, "income_per_head"),
        ({"employment": "astronaut"}, "employment"),
        ({"reviewed_on": TODAY + dt.timedelta(days=1)}, "reviewed_on"),
    ]
    for change, field in bad:
        data = {"reviewed_on": TODAY, "income_per_head": "900", "employment": "employed", "still_in_hardship": True,
                **change}
        with pytest.raises(ValidationError) as exc:
            services.review_record(actor=files.grassroots1, file=other, **data)
        assert field in exc.value.message_dict, change
    with pytest.raises(PermissionDenied):
        services.review_record(actor=files.street2_user, file=other, reviewed_on=TODAY, income_per_head="1",
                               employment="employed", still_in_hardship=True)
    assert snapshot(*MODELS) == before


def test_never_assisted_list(files):
    assert set(selectors.never_assisted_list(user=files.district)) == {files.file1, files.file2}
    aid = services.assistance_record(actor=files.street1_user, file=files.file1, given_on=TODAY, kind="living",
                                     amount="2000", giver_org=files.street1, note="送温暖")
    assert aid.amount == Decimal("2000.00")
    assert list(selectors.never_assisted_list(user=files.district)) == [files.file2]
    assert list(selectors.never_assisted_list(user=files.street1_user)) == []
    before = snapshot(*MODELS)
    for change, field in [({"amount": "0"}, "amount"), ({"amount": "abc"}, "amount"), ({"kind": "cash"}, "kind"),
                          ({"giver_org": files.street2}, "giver_org")]:
        data = {"given_on": TODAY, "kind": "medical", "amount": "100", "giver_org": files.union_a, **change}
        with pytest.raises(ValidationError) as exc:
            services.assistance_record(actor=files.grassroots1, file=files.file1, **data)
        assert field in exc.value.message_dict, change
    assert snapshot(*MODELS) == before


def test_plans_one_per_kind(files):
    services.plan_set(actor=files.grassroots1, file=files.file1, kind="medical", measures="协助申请大病救助")
    services.plan_set(actor=files.grassroots1, file=files.file1, kind="medical", measures="协助申请大病救助和医疗互助")
    services.plan_set(actor=files.grassroots1, file=files.file1, kind="employment", measures="推荐技能培训")
    assert list(files.file1.plans.values_list("kind", "measures")) == [
        ("employment", "推荐技能培训"), ("medical", "协助申请大病救助和医疗互助")]


def test_living_standard_nearest_area_in_force(district):
    file1 = apply(district)
    assert selectors.living_standard_for(file1.org) is None
    services.living_standard_set(actor=district.district, org=district.root, monthly_amount="1395",
                                 effective_from=dt.date(2025, 7, 1))
    services.living_standard_set(actor=district.street1_user, org=district.street1, monthly_amount="1420",
                                 effective_from=dt.date(2026, 1, 1))
    services.living_standard_set(actor=district.street1_user, org=district.street1, monthly_amount="1500",
                                 effective_from=TODAY + dt.timedelta(days=30))  # not yet in force
    assert selectors.living_standard_for(district.union_a).monthly_amount == Decimal("1420.00")
    assert selectors.living_standard_for(district.union_a, dt.date(2025, 12, 31)).monthly_amount == Decimal("1395")
    assert selectors.living_standard_for(district.union_b).monthly_amount == Decimal("1395.00")
    before = snapshot(*MODELS)
    with pytest.raises(PermissionDenied):
        services.living_standard_set(actor=district.street2_user, org=district.street1, monthly_amount="1",
                                     effective_from=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.living_standard_set(actor=district.street1_user, org=district.street1, monthly_amount="-5",
                                     effective_from="yesterday")
    assert set(exc.value.message_dict) == {"monthly_amount", "effective_from"}
    assert snapshot(*MODELS) == before


@pytest.mark.parametrize("n, drawn", [(1, 1), (7, 3), (10, 3), (23, 7)])
def test_spot_check_draws_at_least_30_percent_reproducibly(district, n, drawn):
    pks = many_filed(district, n, district.union_a)
    outside = many_filed(district, 2, district.union_b)
    check = services.spot_check_draw(actor=district.street1_user, org=district.street1, year=TODAY.year)
    assert check.population_ids == sorted(pks) and check.population_count == n
    assert len(check.drawn_ids) == drawn and len(check.drawn_ids) * 10 >= n * 3
    assert set(check.drawn_ids) <= set(pks) and not set(check.drawn_ids) & set(outside)
    assert len(set(check.drawn_ids)) == len(check.drawn_ids)
    check.refresh_from_db()
    assert services.spot_check_redraw(check) == check.drawn_ids


def test_spot_check_once_per_year_and_in_scope(district):
    many_filed(district, 4, district.union_a)
    first = services.spot_check_draw(actor=district.street1_user, org=district.street1, year=TODAY.year, seed=42)
    assert first.drawn_ids == services.draw(first.population_ids, 42)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        services.spot_check_draw(actor=district.street1_user, org=district.street1, year=TODAY.year)
    assert "year" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.spot_check_draw(actor=district.street1_user, org=district.street1, year=TODAY.year + 1)
    with pytest.raises(PermissionDenied):
        services.spot_check_draw(actor=district.street2_user, org=district.street1, year=TODAY.year - 1)
    assert snapshot(*MODELS) == before
    assert list(selectors.spot_check_list(user=district.street2_user)) == []


def test_scoping_of_lists(files):
    assert set(selectors.file_list(user=files.district)) == {files.file1, files.file2}
    assert list(selectors.file_list(user=files.street1_user)) == [files.file1]
    assert list(selectors.file_list(user=files.street2_user)) == [files.file2]
    assert list(selectors.file_list(user=files.worker1_user)) == [files.file1]  # the householder's own
    assert list(selectors.file_list(user=files.nobody)) == []
    assert list(selectors.file_list(user=files.district, cause="illness")) == [files.file1]
    assert list(selectors.file_list(user=files.district, status=FileStatus.APPLIED)) == []


BAD_APPLICATIONS = [
    ({"income_per_head": "八百元"}, "income_per_head"),
    ({"income_per_head": "-100"}, "income_per_head"),
    ({"income_per_head": 800.5}, "income_per_head"),
    ({"main_cause": "laziness"}, "main_cause"),
    ({"secondary_causes": ["illness", "bad_luck"]}, "secondary_causes"),
    ({"employment": ""}, "employment"),
    ({"family": "赵小红"}, "family"),
    ({"family": [["赵小红", "spouse"]]}, "family"),
]


@pytest.mark.parametrize("change, field", BAD_APPLICATIONS)
def test_bad_application_names_the_field_and_changes_nothing(district, change, field):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        apply(district, **change)
    assert field in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_bad_family_member_is_named_by_row_and_field(district):
    from .conftest import family

    rows = family()
    rows[1]["resident_id"] = rows[1]["resident_id"][:-1] + ("0" if rows[1]["resident_id"][-1] != "0" else "1")
    rows[0]["relation"] = "neighbour"
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        apply(district, family=rows)
    assert set(exc.value.message_dict) == {"family-1-resident_id", "family-0-relation"}
    assert snapshot(*MODELS) == before


def test_hardship_file_exists_only_for_filed_live_files(files):
    assert selectors.hardship_file_exists(files.worker1) and selectors.hardship_file_exists(files.worker_b)
    assert not selectors.hardship_file_exists(None)
    services.file_transition(actor=files.district, file=files.file2, to_status=FileStatus.CANCELLED, reason="不实")
    assert not selectors.hardship_file_exists(files.worker_b)


def test_only_active_members_can_have_a_file(district):
    from gonghui.testing import make_worker

    pending = make_worker(name="赵六", org=district.union_a, active=False, mobile="13600003333")
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        services.file_create(actor=district.street1_user, householder=pending, main_cause="illness",
                             income_per_head="100", employment="unemployed")
    assert "householder" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.file_apply(user=district.nobody, main_cause="illness", income_per_head="100",
                            employment="unemployed")  # no worker record at all
    assert "householder" in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_family_changes_keep_the_file_whole(files):
    from .conftest import SPOUSE_ID

    file = files.file1
    member = services.family_member_add(actor=files.grassroots1, file=file, member={
        "name": "李老汉", "relation": "parent", "birth_date": "1950-02-03", "health": "serious"})
    assert member.birth_date == dt.date(1950, 2, 3) and member.id_hash == ""
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        services.family_member_add(actor=files.grassroots1, file=file, member={
            "name": "某", "relation": "parent", "resident_id": SPOUSE_ID[:-1] + "Y", "health": "healthy"})
    assert "resident_id" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.family_member_add(actor=files.street2_user, file=file, member={
            "name": "某", "relation": "parent", "birth_date": "1950-02-03", "health": "healthy"})
    with pytest.raises(ValidationError) as exc:
        services.family_member_leave(actor=files.grassroots1, file=file, member=member, reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a member of another household
        services.family_member_leave(actor=files.district, file=files.file2, member=member, reason="搬走")
    assert "member" in exc.value.message_dict
    assert snapshot(*MODELS) == before
    services.family_member_leave(actor=files.grassroots1, file=file, member=member, reason="去世")
    member.refresh_from_db()
    assert member.left_on == TODAY and member.left_reason == "去世"  # kept on file, marked
    with pytest.raises(ValidationError):
        services.family_member_leave(actor=files.grassroots1, file=file, member=member, reason="again")


def test_spot_check_refuses_an_empty_population(district):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        services.spot_check_draw(actor=district.street1_user, org=district.street1, year=TODAY.year)
    assert "org" in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_spot_check_size_is_the_smallest_share_of_at_least_30_percent():
    for n in range(1, 2000):
        size = services.spot_check_size(n)
        assert size <= n and size * 10 >= n * 3 and (size - 1) * 10 < n * 3, n


def test_cadre_scoping_matches_the_shared_restrict(files):
    """scoped_files writes the org scope differently for the index; it must select exactly what restrict does."""
    from gonghui.core.scoping import MANAGE, VIEW, restrict

    many_filed(files, 3, files.joint1)
    for user in (files.district, files.street1_user, files.street2_user, files.grassroots1):
        for action in (VIEW, MANAGE):
            expected = set(restrict(HardshipFile.objects.all(), user, action).exclude(householder__user=user))
            assert set(selectors.scoped_files(user, action)) == expected, (user, action)


def test_file_update_corrects_causes_and_evidence_only(files):
    file = services.file_update(actor=files.grassroots1, file=files.file1, main_cause="disability",
                                secondary_causes=["illness", "disability"], evidence="残疾证.jpg")
    assert (file.main_cause, file.secondary_causes, file.evidence) == ("disability", ["illness"], "残疾证.jpg")
    audit = AuditEvent.objects.filter(action="hardship.file_update").get()
    assert audit.detail["fields"] == ["evidence", "main_cause", "secondary_causes"]
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        services.file_update(actor=files.grassroots1, file=files.file1, main_cause="laziness")
    assert "main_cause" in exc.value.message_dict
    with pytest.raises(TypeError):  # income is not editable here: only a dated review changes it
        services.file_update(actor=files.grassroots1, file=files.file1, main_cause="illness", income_per_head="1")
    with pytest.raises(PermissionDenied):
        services.file_update(actor=files.street2_user, file=files.file1, main_cause="illness")
    assert snapshot(*MODELS) == before
