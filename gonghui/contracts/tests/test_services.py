"""The registry and the bargaining steps: allowed moves, statutory rules, clocks, nothing changed on refusal."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from gonghui.audit.models import AuditEvent
from gonghui.contracts.models import Contract, ContractEvent, Kind, Stage, add_years, check_vote
from gonghui.contracts.services import contract_advance, contract_update
from gonghui.testing import snapshot

from .conftest import days_ago, make_contract, walk

MODELS = (Contract, ContractEvent, AuditEvent, Contract.covered_enterprises.through)


def test_create_registers_a_draft_covering_the_employer(district, contract):
    assert contract.stage == Stage.DRAFT and contract.org == district.union_a
    assert list(contract.covered_enterprises.all()) == [district.enterprise_a]
    assert AuditEvent.objects.filter(action="contracts.create", target_id=str(contract.pk)).exists()


def test_sector_contract_needs_a_representative_and_no_enterprise(district):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        make_contract(district, kind=Kind.REGIONAL, org=district.street1, employer_representative="",
                      employer=district.enterprise_a)
    assert set(exc.value.message_dict) == {"employer", "employer_representative"}
    assert snapshot(*MODELS) == before
    regional = make_contract(district, kind=Kind.REGIONAL, org=district.street1,
                             covered_enterprises=[district.enterprise_a, district.enterprise_none])
    assert regional.employer is None
    assert set(regional.covered_enterprises.all()) == {district.enterprise_a, district.enterprise_none}


@pytest.mark.parametrize(("field", "value"), [("term_years", 4), ("term_years", 0), ("covered_workers", -1),
                                              ("title", "  ")])
def test_bad_registry_input_is_refused(district, field, value):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        make_contract(district, **{field: value})
    assert list(exc.value.message_dict) == [field]
    assert snapshot(*MODELS) == before


def test_term_message_names_the_limits(district):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        make_contract(district, term_years=4)
    assert exc.value.message_dict["term_years"] == [gettext("The term of a collective contract is 1 to 3 years.")]
    assert snapshot(*MODELS) == before


def test_create_outside_scope_is_refused(district):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        make_contract(district, actor=district.street2_user)  # union_a is in street1
    assert "org" in exc.value.message_dict and "employer" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_contract(district, actor=district.street1_user, covered_enterprises=[district.enterprise_b])
    assert list(exc.value.message_dict) == ["covered_enterprises"]
    assert snapshot(*MODELS) == before


def test_full_walk_records_every_step_and_expiry(district, contract):
    contract = walk(contract, district.grassroots1, to=Stage.EFFECTIVE)
    assert contract.stage == Stage.EFFECTIVE
    assert contract.offered_on == days_ago(100) and contract.replied_on == days_ago(90)
    assert (contract.congress_total, contract.congress_present, contract.congress_for) == (90, 60, 31)
    assert contract.signed_on == days_ago(65) and contract.expires_on == add_years(days_ago(65), 3)
    assert contract.filed_on == days_ago(60) and contract.effective_on == days_ago(45)
    events = list(contract.events.values_list("from_stage", "to_stage"))
    assert events == [("draft", "offered"), ("offered", "negotiating"), ("negotiating", "approved"),
                      ("approved", "signed"), ("signed", "filed"), ("filed", "effective")]
    assert AuditEvent.objects.filter(action="contracts.advance").count() == 6


def test_add_years_on_leap_day():
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2024, 3, 1), 3) == dt.date(2027, 3, 1)


def _refused(contract, field, **kwargs):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        contract_advance(actor=contract._actor, contract=contract, **kwargs)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert snapshot(*MODELS) == before
    return exc.value.message_dict[field][0]


@pytest.fixture
def negotiating(district, contract):
    contract = walk(contract, district.street1_user, to=Stage.NEGOTIATING)
    contract._actor = district.street1_user
    return contract


def test_skipping_a_step_is_refused(district, contract):
    contract._actor = district.district
    message = _refused(contract, "to_stage", to_stage=Stage.SIGNED, on=days_ago(1))
    assert message == gettext("A contract at stage “%(from)s” cannot move to “%(to)s”.") % {
        "from": Stage.DRAFT.label, "to": Stage.SIGNED.label}
    _refused(contract, "to_stage", to_stage="bogus", on=days_ago(1))


def test_dates_in_the_future_or_before_the_previous_step_are_refused(negotiating):
    _refused(negotiating, "on", to_stage=Stage.APPROVED, on=timezone.localdate() + dt.timedelta(days=1),
             total=10, present=10, votes_for=10)
    _refused(negotiating, "on", to_stage=Stage.APPROVED, on=days_ago(95), total=10, present=10, votes_for=10)
    _refused(negotiating, "on", to_stage=Stage.APPROVED, on="2025-01-01", total=10, present=10, votes_for=10)


@pytest.mark.parametrize(("votes", "field"), [
    ({"total": 90, "present": 59, "votes_for": 59}, "present"),   # 59/90 < 2/3
    ({"total": 90, "present": 60, "votes_for": 30}, "votes_for"),  # exactly half is not a majority
    ({"total": 90, "present": 60, "votes_for": 61}, "votes_for"),  # more votes than present
    ({"total": 90, "present": 91, "votes_for": 50}, "present"),   # more present than members
    ({"total": 90, "present": -1, "votes_for": 50}, "present"),
    ({"total": 0, "present": 0, "votes_for": 0}, "total"),
    ({"total": 90, "present": None, "votes_for": 50}, "present"),
])
def test_invalid_congress_votes_are_refused(negotiating, votes, field):
    _refused(negotiating, field, to_stage=Stage.APPROVED, on=days_ago(70), **votes)
    assert Contract.objects.get(pk=negotiating.pk).congress_total is None


def test_attendance_message_explains_the_two_thirds_rule(negotiating):
    message = _refused(negotiating, "present", to_stage=Stage.APPROVED, on=days_ago(70), total=90, present=59,
                       votes_for=59)
    assert message == gettext(
        "The vote is not valid: %(present)d of %(total)d members present is less than two thirds.") % {
        "present": 59, "total": 90}


def test_exact_two_thirds_and_a_bare_majority_pass(negotiating):
    contract = contract_advance(actor=negotiating._actor, contract=negotiating, to_stage=Stage.APPROVED,
                                on=days_ago(70), total=90, present=60, votes_for=31)
    assert contract.stage == Stage.APPROVED


def test_in_force_only_after_the_review_period(district, contract):
    contract = walk(contract, district.district, to=Stage.FILED, start=50)  # filed 10 days ago
    contract._actor = district.district
    _refused(contract, "on", to_stage=Stage.EFFECTIVE, on=days_ago(0))


def test_objection_sends_the_contract_back_to_negotiation(district, contract):
    contract = walk(contract, district.district, to=Stage.FILED, start=50)
    contract._actor = district.district
    _refused(contract, "note", to_stage=Stage.NEGOTIATING, on=days_ago(2), note=" ")
    contract = contract_advance(actor=district.district, contract=contract, to_stage=Stage.NEGOTIATING,
                                on=days_ago(2), note="工资条款低于最低工资标准")
    assert contract.stage == Stage.NEGOTIATING and contract.signed_on is None and contract.filed_on is None
    assert contract.events.last().note == "工资条款低于最低工资标准"


def test_clocks_show_due_dates_and_overdue(district, contract):
    contract_advance(actor=district.district, contract=contract, to_stage=Stage.OFFERED, on=days_ago(25))
    contract.refresh_from_db()
    [reply] = contract.clocks()
    assert reply["due"] == days_ago(5) and reply["overdue"] and reply["done"] is None
    contract = contract_advance(actor=district.district, contract=contract, to_stage=Stage.NEGOTIATING,
                                on=days_ago(3))
    [reply] = contract.clocks()
    assert reply["done"] == days_ago(3) and reply["overdue"]  # answered, but after the 20 days
    contract = walk(make_contract(district), district.district, to=Stage.SIGNED, start=40)  # signed 5 days ago
    reply, filing = contract.clocks()
    assert not reply["overdue"] and filing["due"] == days_ago(-5) and filing["days_left"] == 5
    assert not filing["overdue"]


def test_other_subtree_may_not_advance_or_edit(district, contract):
    before = snapshot(*MODELS)
    with pytest.raises(PermissionDenied):
        contract_advance(actor=district.street2_user, contract=contract, to_stage=Stage.OFFERED, on=days_ago(1))
    with pytest.raises(PermissionDenied):
        contract_update(actor=district.street2_user, contract=contract, title="x")
    assert snapshot(*MODELS) == before


def test_term_is_fixed_after_signing(district, contract):
    contract = contract_update(actor=district.district, contract=contract, term_years=2, topic_algorithm=True)
    assert contract.term_years == 2 and contract.topic_algorithm
    contract = walk(contract, district.district, to=Stage.SIGNED)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        contract_update(actor=district.district, contract=contract, term_years=3)
    assert list(exc.value.message_dict) == ["term_years"]
    assert snapshot(*MODELS) == before


def test_after_an_objection_steps_cannot_predate_it(district, contract):
    contract = walk(contract, district.district, to=Stage.FILED, start=50)  # filed 10 days ago
    contract = contract_advance(actor=district.district, contract=contract, to_stage=Stage.NEGOTIATING,
                                on=days_ago(5), note="异议")
    contract._actor = district.district
    # The earlier reply was 40 days ago, but the congress must now come after the objection (5 days ago).
    _refused(contract, "on", to_stage=Stage.APPROVED, on=days_ago(6), total=10, present=10, votes_for=10)
    contract = contract_advance(actor=district.district, contract=contract, to_stage=Stage.APPROVED,
                                on=days_ago(5), total=10, present=10, votes_for=10)
    assert contract.congress_on == days_ago(5)


@given(total=st.integers(1, 500), present=st.integers(0, 500), votes_for=st.integers(0, 500))
def test_vote_rule_matches_the_statute(total, present, votes_for):
    errors = check_vote(total=total, present=present, votes_for=votes_for)
    valid = present <= total and votes_for <= present and 3 * present >= 2 * total and 2 * votes_for > present
    assert (errors == {}) == valid
    if present > total or 3 * present < 2 * total:
        assert list(errors) == ["present"]
