"""The demo district's casework: every service app has records, made by the rules, the same for the same seed."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.accounts.sms import MemorySmsBackend
from gonghui.appeals.models import Appeal, AppealEvent, Channel, Rating, ReturnVisit, Status, WageClaim
from gonghui.audit.models import AuditEvent
from gonghui.campaigns.models import Application, Campaign, Kind, Payment
from gonghui.campaigns.models import Status as AidStatus
from gonghui.cockpit.service_figures import service_figures
from gonghui.contracts.models import Contract, ContractEvent, ExpiryReminder, Stage
from gonghui.familycare.models import Enrolment, EnrolmentStatus, NursingRoom, SummerClass
from gonghui.hardship.models import FileReview, FileStatus, HardshipFile, HomeVisit
from gonghui.members.models import MembershipStatus, Worker
from gonghui.notifications.models import Notification
from gonghui.orgs.models import Org
from gonghui.testing import snapshot


def run(*args):
    call_command("demo_district", "--scale", "tiny", *args, stdout=StringIO())


@pytest.fixture
def tiny(db):
    run()


def test_requests_span_the_months_states_and_channels(tiny):
    appeals = Appeal.objects.all()
    assert 30 <= appeals.count() <= 60
    statuses = Counter(appeals.values_list("status", flat=True))
    assert statuses[Status.RATED] >= 5 and statuses[Status.CLOSED] >= 1 and statuses[Status.WAITING] == 1
    assert statuses[Status.ANSWERED] >= 1
    assert set(appeals.values_list("channel", flat=True)) == {Channel.PORTAL, Channel.HOTLINE, Channel.STATION}
    assert Appeal.objects.filter(events__action="transfer").exists()
    ratings = Counter(appeals.exclude(rating="").values_list("rating", flat=True))
    assert ratings[Rating.SATISFIED] > ratings[Rating.DISSATISFIED] >= 1
    assert ReturnVisit.objects.filter(done_at__isnull=False).exists()
    assert WageClaim.objects.filter(amount__gt=0, amount_recovered__gt=0).exists()
    # Over the last months, every step stamped at the moment it was taken, none of them today or later.
    today = timezone.localdate()
    oldest = timezone.localtime(appeals.order_by("submitted_at").first().submitted_at).date()
    assert oldest <= today - dt.timedelta(days=60)
    cutoff = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    assert not AppealEvent.objects.filter(at__gte=cutoff).exists()
    for appeal in appeals.filter(status=Status.RATED):
        assert appeal.submitted_at <= appeal.accepted_at <= appeal.answered_at <= appeal.rated_at < cutoff
    # Both on-time and late answers, so the rates in the cockpit mean something.
    answered = appeals.filter(answered_at__isnull=False)
    on_time = [a.answered_at <= a.answer_due for a in answered]
    assert any(on_time) and not all(on_time)


def test_worker1_has_requests_a_hardship_application_and_a_child_in_the_summer_class(tiny):
    worker1 = User.objects.get(username="worker1")
    assert Appeal.objects.filter(user=worker1).count() >= 2
    assert HardshipFile.objects.get(householder__user=worker1).status == FileStatus.APPLIED
    assert Enrolment.objects.filter(worker__user=worker1, status=EnrolmentStatus.ENROLLED).exists()


def test_sample_workers_have_portal_accounts_linked_to_their_worker(tiny):
    accounts = User.objects.exclude(username__in=["district", "street1", "street2", "grassroots1", "worker1",
                                                  "sysadmin", "secadmin", "auditor"])
    assert 8 <= accounts.count() <= 15
    for user in accounts:
        worker = Worker.objects.get(user=user)
        assert user.username == user.mobile == worker.mobile and user.first_name == worker.name
        assert worker.memberships.filter(status=MembershipStatus.ACTIVE, org=worker.org).exists()
        assert not user.grants.exists() and not user.is_staff


def test_hardship_files_campaigns_contracts_and_family_care(tiny):
    statuses = Counter(HardshipFile.objects.values_list("status", flat=True))
    assert statuses[FileStatus.FILED] >= 2 and statuses[FileStatus.PUBLICITY] == 1
    assert HomeVisit.objects.count() >= 4 and not FileReview.objects.exists()
    assert HardshipFile.objects.filter(assistance__isnull=False).exists()

    today = timezone.localdate()
    student = Campaign.objects.get(kind=Kind.STUDENT_AID)
    winter = Campaign.objects.get(kind=Kind.WINTER_WARMTH)
    assert student.is_open() and winter.closes_on < today
    applications = Counter(student.applications.values_list("status", flat=True))
    assert applications[AidStatus.APPROVED] == 2 and applications[AidStatus.REJECTED] == 1
    assert applications[AidStatus.SUBMITTED] >= 1
    payment = Payment.objects.get()
    assert payment.amount == payment.application.grant_amount > 0

    stages = Counter(Contract.objects.values_list("stage", flat=True))
    assert stages[Stage.EFFECTIVE] >= 2 and stages[Stage.OFFERED] == 1 and stages[Stage.FILED] == 1
    soon = Contract.objects.filter(stage=Stage.EFFECTIVE, expires_on__gt=today,
                                   expires_on__lte=today + dt.timedelta(days=90))
    assert soon.exists() and ExpiryReminder.objects.filter(contract__in=soon).exists()
    assert not ContractEvent.objects.filter(on__gt=today).exists()

    rooms = list(NursingRoom.objects.all())
    assert len(rooms) == 2 and sorted(r.below_standard for r in rooms) == [False, True]
    summer = SummerClass.objects.get()
    assert summer.starts_on > today
    enrolments = Counter(summer.enrolments.values_list("status", flat=True))
    assert enrolments[EnrolmentStatus.ENROLLED] >= 3 and enrolments[EnrolmentStatus.CANCELLED] == 1


def test_every_record_was_written_by_its_service_with_an_audit_row(tiny):
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions["appeals.file"] == Appeal.objects.count()
    assert actions["hardship.file_create"] == HardshipFile.objects.count()
    assert actions["campaigns.apply"] == Application.objects.count()
    assert actions["contracts.create"] == Contract.objects.count()
    assert actions["familycare.enrol"] == Enrolment.objects.count()
    assert actions["familycare.room_create"] == NursingRoom.objects.count()


def test_the_cockpit_shows_service_figures(tiny):
    district = User.objects.get(username="district")
    figures = service_figures(user=district, orgs=[Org.objects.get(parent=None)], today=timezone.localdate())
    # Requests are of the last five months: January 1 may cut some off, never all of them (bar New Year's week).
    if timezone.localdate() >= dt.date(timezone.localdate().year, 1, 10):
        assert figures.requests > 0
    assert figures.hardship_files >= 2 and figures.aid_grants_paid == 1 and figures.aid_amount_paid > 0


def test_notifications_reach_the_inbox_and_never_a_text(db, django_capture_on_commit_callbacks, settings):
    MemorySmsBackend.outbox.clear()
    backends = list(settings.NOTIFIER_BACKENDS)
    with django_capture_on_commit_callbacks(execute=True):
        run()
    assert Notification.objects.filter(user__username="grassroots1").exists()
    assert Notification.objects.filter(user__worker__isnull=False).exists()  # "your request was accepted"
    assert MemorySmsBackend.outbox == []
    assert list(django_settings.NOTIFIER_BACKENDS) == backends  # switched back after the demo's own


def test_if_empty_leaves_a_generated_district_and_its_casework_alone(tiny):
    tables = (Appeal, AppealEvent, HardshipFile, Campaign, Application, Payment, Contract, SummerClass, Enrolment,
              NursingRoom, User, AuditEvent)
    before = snapshot(*tables)
    run("--if-empty")
    assert snapshot(*tables) == before


def fingerprint() -> dict:
    """The casework without primary keys or timestamps (PostgreSQL sequences do not roll back)."""
    return {
        "appeals": list(Appeal.objects.order_by("submitted_at", "pk").values_list(
            "channel", "appeal_type", "category", "status", "rating", "org__name", "worker__id_hash",
            "user__username", "description")),
        "files": list(HardshipFile.objects.order_by("pk").values_list(
            "householder__id_hash", "status", "main_cause", "income_per_head", "org__name")),
        "applications": list(Application.objects.order_by("pk").values_list(
            "campaign__title", "worker__id_hash", "category__name", "status", "grant_amount", "income_per_head")),
        "contracts": list(Contract.objects.order_by("pk").values_list(
            "title", "kind", "stage", "org__name", "offered_on", "signed_on", "expires_on")),
        "enrolments": list(Enrolment.objects.order_by("pk").values_list(
            "summer_class__name", "child__name", "child__birth_date", "status")),
        "rooms": list(NursingRoom.objects.order_by("pk").values_list("name", "org__name", "area_m2")),
        "accounts": sorted(User.objects.values_list("username", flat=True)),
    }


@pytest.mark.django_db
def test_same_seed_gives_the_same_casework_and_another_seed_does_not():
    prints = []
    for seed in ("7", "7", "8"):
        with transaction.atomic():
            run("--seed", seed)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0]["appeals"] != prints[2]["appeals"]
    assert prints[0]["accounts"] != prints[2]["accounts"]


def test_every_enterprise_without_a_union_has_its_plan(tiny):
    from gonghui.enterprises.models import Enterprise
    from gonghui.outreach.models import EstablishmentPlan

    uncovered = Enterprise.objects.filter(union__isnull=True)
    assert uncovered.exists()
    assert EstablishmentPlan.objects.filter(enterprise__in=uncovered).count() == uncovered.count()
