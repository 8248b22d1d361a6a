"""Membership services: apply, approve, reject, withdraw, transfer, leave, reveal, membership card."""

import datetime as dt
import time
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core import privacy
from gonghui.core.choices import EmploymentForm
from gonghui.core.scoping import restrict
from gonghui.members import services
from gonghui.members.models import Membership, MembershipEvent, MembershipStatus, Worker
from gonghui.members.services import (
    card_number,
    card_token,
    card_verify,
    membership_apply,
    membership_approve,
    membership_leave,
    membership_reject,
    membership_withdraw,
    reveal_resident_id,
)
from gonghui.orgs.models import Org, OrgKind, OrgStatus
from gonghui.orgs.services import org_create
from gonghui.testing import make_resident_id, make_user, snapshot

S = MembershipStatus
NEW_ID = "11010519491231002X"
MODELS = (Worker, Membership, MembershipEvent, AuditEvent)


def state():
    return snapshot(*MODELS)


@pytest.fixture
def applicant(district):
    return make_user("applicant", mobile="13600006666")


def apply(user, org, *, resident_id=NEW_ID, name="孙七", form=EmploymentForm.DELIVERY_RIDER, **extra):
    return membership_apply(user=user, name=name, resident_id=resident_id, employment_form=form, org=org, **extra)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- apply ----------------------------------------------------------------------------------------

def test_first_application_creates_the_worker_record(district, applicant):
    m = apply(applicant, district.joint1, street=district.street1)
    assert m.status == S.PENDING and m.org == district.joint1 and m.transfer_from is None
    assert (m.card_no, m.joined_on) == ("", None)
    w = Worker.objects.get(user=applicant)
    assert m.worker == w
    assert w.name == "孙七"
    assert w.id_hash == privacy.blind_index(NEW_ID)
    assert w.id_masked == "110105********002X"
    assert NEW_ID not in w.id_cipher and privacy.decrypt(w.id_cipher) == NEW_ID
    assert (w.gender, w.birth_date) == ("F", dt.date(1949, 12, 31))
    assert w.mobile == "13600006666"  # from the account when none is typed
    assert w.org == district.joint1  # the receiving union's cadres see the applicant
    assert w.street == district.street1
    assert list(m.events.values_list("action", flat=True)) == ["apply"]
    event = AuditEvent.objects.get(action="membership.apply")
    assert (event.actor, event.target_id) == (applicant, str(m.pk))
    assert NEW_ID not in str(event.detail) + event.target_label


def test_lowercase_x_is_the_same_person(district, applicant):
    m = apply(applicant, district.joint1, resident_id=NEW_ID.lower())
    assert m.worker.id_hash == privacy.blind_index(NEW_ID)


def test_second_application_while_pending_is_refused(district, applicant):
    apply(applicant, district.joint1)
    before = state()
    for org in (district.joint1, district.union_a):
        with pytest.raises(ValidationError) as exc:
            apply(applicant, org, form=EmploymentForm.COURIER)
        assert list(exc.value.message_dict) == ["org"]
    assert state() == before


def test_same_person_from_another_account_is_refused(district, applicant):
    apply(applicant, district.joint1)
    before = state()
    with pytest.raises(ValidationError) as exc:
        apply(district.nobody, district.union_b)
    assert list(exc.value.message_dict) == ["resident_id"]
    # worker1's number, from another account
    with pytest.raises(ValidationError) as exc:
        apply(district.nobody, district.union_b, resident_id="110105199003071239")
    assert list(exc.value.message_dict) == ["resident_id"]
    assert state() == before


def test_an_account_cannot_apply_for_a_second_person(district):
    before = state()
    with pytest.raises(ValidationError) as exc:
        apply(district.worker1_user, district.union_b, resident_id=NEW_ID)
    assert list(exc.value.message_dict) == ["resident_id"]
    assert state() == before


def test_already_a_member_of_that_union_is_refused(district):
    before = state()
    with pytest.raises(ValidationError) as exc:
        apply(district.worker1_user, district.union_a, resident_id="110105199003071239", name="李四")
    assert list(exc.value.message_dict) == ["org"]
    assert state() == before


def test_target_that_takes_no_members_directly_is_refused(district, applicant):
    group = org_create(actor=None, parent=district.union_a, name="一车间小组", kind=OrgKind.GROUP)
    dormant = org_create(actor=None, parent=district.street2, name="休眠工会", kind=OrgKind.GRASSROOTS,
                         status=OrgStatus.DORMANT)
    before = state()
    for org in (group, district.street1, district.root, dormant):
        with pytest.raises(ValidationError) as exc:
            apply(applicant, org)
        assert list(exc.value.message_dict) == ["org"], org
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"resident_id": "11010519491231002Y"}, "resident_id"),
        ({"resident_id": "110105194912310021"}, "resident_id"),
        ({"resident_id": "11010519490230002X"}, "resident_id"),
        ({"resident_id": ""}, "resident_id"),
        ({"name": ""}, "name"),
        ({"name": "名" * 51}, "name"),
        ({"mobile": "12800001111"}, "mobile"),
        ({"form": "astronaut"}, "employment_form"),
        ({"form": ""}, "employment_form"),
    ],
)
def test_bad_input_is_refused_naming_the_field(district, applicant, changes, field):
    before = state()
    with pytest.raises(ValidationError) as exc:
        apply(applicant, district.joint1, **changes)
    assert field in exc.value.message_dict
    assert state() == before


# --- approve / reject / withdraw ------------------------------------------------------------------

def test_approve_assigns_card_number_and_join_date(district, applicant):
    m = apply(applicant, district.union_a)
    approved = membership_approve(actor=district.grassroots1, membership=m)
    stored = fresh(m)
    assert stored.status == S.ACTIVE
    assert stored.card_no == card_number(m.pk) == approved.card_no
    assert stored.joined_on == timezone.localdate()
    assert stored.decided_by == district.grassroots1 and stored.decided_at is not None
    assert fresh(stored.worker).org == district.union_a
    assert list(stored.events.values_list("action", flat=True)) == ["apply", "approve"]
    assert AuditEvent.objects.filter(action="membership.approve", actor=district.grassroots1,
                                     target_id=str(m.pk)).count() == 1


@pytest.mark.parametrize("who", ["street2_user", "worker1_user", "nobody", "sysadmin", "auditor", "applicant"])
def test_approve_or_reject_out_of_scope_is_refused(district, applicant, who):
    m = apply(applicant, district.union_a)
    actor = applicant if who == "applicant" else getattr(district, who)
    before = state()
    with pytest.raises(PermissionDenied):
        membership_approve(actor=actor, membership=m)
    with pytest.raises(PermissionDenied):
        membership_reject(actor=actor, membership=m, reason="不符合条件")
    assert state() == before


def test_inactive_cadre_cannot_approve(district, applicant):
    m = apply(applicant, district.union_a)
    district.grassroots1.is_active = False
    district.grassroots1.save()
    before = state()
    with pytest.raises(PermissionDenied):
        membership_approve(actor=district.grassroots1, membership=m)
    assert state() == before


def test_approve_twice_is_refused(district, applicant):
    m = membership_approve(actor=district.grassroots1, membership=apply(applicant, district.union_a))
    before = state()
    with pytest.raises(ValidationError) as exc:
        membership_approve(actor=district.street1_user, membership=m)
    assert list(exc.value.message_dict) == ["status"]
    assert state() == before


def test_reject_requires_a_reason(district, applicant):
    m = apply(applicant, district.union_a)
    before = state()
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as exc:
            membership_reject(actor=district.grassroots1, membership=m, reason=reason)
        assert list(exc.value.message_dict) == ["reason"]
    assert state() == before
    membership_reject(actor=district.grassroots1, membership=m, reason=" 非本单位职工 ")
    stored = fresh(m)
    assert (stored.status, stored.note, stored.decided_by) == (S.REJECTED, "非本单位职工", district.grassroots1)
    assert stored.card_no == ""
    assert fresh(stored.worker).org is None
    assert AuditEvent.objects.get(action="membership.reject").reason == " 非本单位职工 "
    # ...and the person may apply again afterwards
    again = apply(applicant, district.joint1)
    assert again.status == S.PENDING and fresh(again.worker).org == district.joint1


def test_withdraw_by_the_applicant_only(district, applicant):
    m = apply(applicant, district.union_a)
    before = state()
    for user in (district.grassroots1, district.worker1_user, district.district):
        with pytest.raises(PermissionDenied):
            membership_withdraw(user=user, membership=m)
    assert state() == before
    membership_withdraw(user=applicant, membership=m)
    stored = fresh(m)
    assert stored.status == S.WITHDRAWN
    assert fresh(stored.worker).org is None
    assert AuditEvent.objects.filter(action="membership.withdraw", actor=applicant).count() == 1
    before = state()
    with pytest.raises(ValidationError):
        membership_withdraw(user=applicant, membership=m)
    with pytest.raises(ValidationError):
        membership_approve(actor=district.grassroots1, membership=m)
    assert state() == before


# --- transfer -------------------------------------------------------------------------------------

def transfer(district, org=None):
    return apply(district.worker1_user, org or district.union_b, resident_id="110105199003071239", name="李四",
                 form=EmploymentForm.REGULAR)


def test_transfer_keeps_card_and_join_date(district):
    old = Membership.objects.get(worker=district.worker1, status=S.ACTIVE)
    new = transfer(district)
    assert (new.status, new.transfer_from, new.org) == (S.PENDING, old, district.union_b)
    assert fresh(district.worker1).org == district.union_a  # still a member there until approved
    assert list(new.events.values_list("action", flat=True)) == ["transfer_request"]

    membership_approve(actor=district.street2_user, membership=new)
    old, new = fresh(old), fresh(new)
    assert (old.status, old.ended_on) == (S.TRANSFERRED, timezone.localdate())
    assert new.status == S.ACTIVE
    assert (new.card_no, new.joined_on) == (old.card_no, old.joined_on) == (card_number(old.pk), dt.date(2024, 3, 1))
    assert fresh(district.worker1).org == district.union_b
    assert Membership.objects.filter(worker=district.worker1, status=S.ACTIVE).get() == new
    assert list(old.events.values_list("action", flat=True)) == ["transferred_out"]
    # the old union's cadre no longer sees the worker; the new one does
    assert not restrict(Worker.objects.all(), district.grassroots1).filter(pk=district.worker1.pk).exists()
    assert restrict(Worker.objects.all(), district.street2_user).filter(pk=district.worker1.pk).exists()


def test_sending_union_cannot_approve_a_transfer(district):
    new = transfer(district)
    before = state()
    for actor in (district.grassroots1, district.street1_user):
        with pytest.raises(PermissionDenied):
            membership_approve(actor=actor, membership=new)
    assert state() == before


def test_transfer_fails_if_the_old_membership_ended_meanwhile(district):
    new = transfer(district)
    old = new.transfer_from
    membership_leave(actor=district.worker1_user, membership=old)
    before = state()
    with pytest.raises(ValidationError) as exc:
        membership_approve(actor=district.street2_user, membership=new)
    assert list(exc.value.message_dict) == ["status"]
    assert state() == before


def test_rejected_transfer_can_be_requested_again(district):
    first = transfer(district)
    membership_reject(actor=district.street2_user, membership=first, reason="不在本单位")
    assert fresh(district.worker1).org == district.union_a
    second = transfer(district, district.joint1)
    assert second.transfer_from == Membership.objects.get(worker=district.worker1, status=S.ACTIVE)
    membership_approve(actor=district.street1_user, membership=second)
    assert fresh(district.worker1).org == district.joint1
    assert fresh(second).card_no == fresh(second.transfer_from).card_no


def test_withdrawn_transfer_can_be_requested_again(district):
    first = transfer(district)
    membership_withdraw(user=district.worker1_user, membership=first)
    second = transfer(district)
    assert second.status == S.PENDING
    assert fresh(district.worker1).org == district.union_a


def test_two_active_memberships_are_impossible_in_the_database(district):
    before = state()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(worker=district.worker1, org=district.union_b, status=S.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(worker=district.worker_b).update(worker=district.worker1)
    assert state() == before
    Membership.objects.create(worker=district.worker1, org=district.union_b, status=S.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(worker=district.worker1, org=district.joint1, status=S.PENDING)


# --- leave ----------------------------------------------------------------------------------------

def test_leave_by_the_member(district):
    m = Membership.objects.get(worker=district.worker1, status=S.ACTIVE)
    membership_leave(actor=district.worker1_user, membership=m, reason="退休")
    stored = fresh(m)
    assert (stored.status, stored.ended_on, stored.note) == (S.LEFT, timezone.localdate(), "退休")
    assert fresh(district.worker1).org is None
    assert AuditEvent.objects.get(action="membership.leave").reason == "退休"
    before = state()
    with pytest.raises(ValidationError):
        membership_leave(actor=district.worker1_user, membership=m)
    assert state() == before


def test_leave_recorded_by_a_cadre_in_scope_only(district):
    m = Membership.objects.get(worker=district.worker1, status=S.ACTIVE)
    before = state()
    for actor in (district.street2_user, district.nobody, district.sysadmin):
        with pytest.raises(PermissionDenied):
            membership_leave(actor=actor, membership=m)
    assert state() == before
    membership_leave(actor=district.grassroots1, membership=m, reason="调离")
    assert fresh(m).status == S.LEFT


# --- reveal ---------------------------------------------------------------------------------------

def test_reveal_needs_scope_and_a_reason_and_is_audited(district):
    w = district.worker1
    before = state()
    for actor in (district.grassroots1, district.street2_user, district.worker1_user, district.sysadmin,
                  district.auditor):
        with pytest.raises(PermissionDenied):
            reveal_resident_id(actor=actor, worker=w, reason="核实身份")
    for reason in ("", " ", "x", None):
        with pytest.raises(ValidationError) as exc:
            reveal_resident_id(actor=district.street1_user, worker=w, reason=reason)
        assert list(exc.value.message_dict) == ["reason"]
    assert state() == before

    assert reveal_resident_id(actor=district.street1_user, worker=w, reason=" 办理困难帮扶 ") == "110105199003071239"
    event = AuditEvent.objects.get(action="worker.reveal_id")
    assert (event.actor, event.target_id, event.reason) == (district.street1_user, str(w.pk), "办理困难帮扶")
    assert "110105199003071239" not in f"{event.detail}{event.target_label}"
    assert reveal_resident_id(actor=district.district, worker=w, reason="复核") == "110105199003071239"
    assert AuditEvent.objects.filter(action="worker.reveal_id").count() == 2


def test_reveal_of_a_worker_without_a_union_is_refused(district):
    Worker.objects.filter(pk=district.worker1.pk).update(org=None)
    with pytest.raises(PermissionDenied):
        reveal_resident_id(actor=district.district, worker=fresh(district.worker1), reason="核实身份")


# --- membership card ------------------------------------------------------------------------------

def test_card_token_roundtrip(district):
    m = Membership.objects.get(worker=district.worker1, status=S.ACTIVE)
    token = card_token(m)
    assert "110105199003071239" not in token
    assert card_verify(token, max_age=3600) == m


def test_tampered_or_foreign_token_is_refused(district):
    m = Membership.objects.get(worker=district.worker1, status=S.ACTIVE)
    token = card_token(m)
    head, _, tail = token.rpartition(":")
    tampered = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        head + ":" + tail[::-1],
        "x" + token,
        "",
        "garbage",
    ]
    for bad in tampered:
        assert card_verify(bad, max_age=3600) is None
    other_salt = signing.dumps({"m": m.pk, "c": m.card_no}, salt="something.else", compress=True)
    assert card_verify(other_salt, max_age=3600) is None


def test_card_of_an_ended_membership_is_refused(district):
    m = Membership.objects.get(worker=district.worker1, status=S.ACTIVE)
    token = card_token(m)
    membership_leave(actor=district.worker1_user, membership=m)
    assert card_verify(token, max_age=3600) is None


def test_card_after_transfer_follows_the_new_membership(district):
    old = Membership.objects.get(worker=district.worker1, status=S.ACTIVE)
    old_token = card_token(old)
    new = membership_approve(actor=district.street2_user, membership=transfer(district))
    assert card_verify(old_token, max_age=3600) is None
    assert card_verify(card_token(new), max_age=3600) == new


def test_expired_card_token_is_refused(district):
    m = Membership.objects.get(worker=district.worker1, status=S.ACTIVE)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 7200):
        old_token = card_token(m)
    assert card_verify(old_token, max_age=3600) is None
    assert card_verify(old_token, max_age=3 * 3600) == m
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 10):
        token = card_token(m)
    assert card_verify(token, max_age=0) is None


def test_card_number_format():
    assert card_number(42) == "GH0000000042"
    assert services.CARD_SALT


def test_apply_for_a_worker_created_by_a_cadre_links_the_account(district, applicant):
    """A worker row without an account (entered by a cadre) is claimed on first application."""
    number = make_resident_id(area="110101")
    w = Worker.objects.create(
        employment_form=EmploymentForm.REGULAR,
        **services.worker_identity(name="周八", resident_id=number, mobile=""),
    )
    m = apply(applicant, district.union_b, resident_id=number, name="周八")
    assert m.worker == w and fresh(w).user == applicant and fresh(w).org == district.union_b
    assert Org.objects.get(pk=district.union_b.pk).memberships.filter(status=S.PENDING).get() == m
