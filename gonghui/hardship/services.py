"""Writes to the hardship files: keyword-only, atomic, audited; bad input changes nothing.

`file_transition` is the one place a file changes status: it checks the move on the model and
what that move needs (a home visit, a higher union, a publicity start, a finished publicity, a
reason to close), appends a FileEvent, and writes the archive record when a file closes.
"""

import datetime as dt
import random
import secrets
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.scoping import MANAGE, can
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.orgs.models import Org
from gonghui.workcalendar.calendar import add_working_days

from . import checks
from .models import (
    LIVE_Q,
    PUBLICITY_WORKING_DAYS,
    RETENTION_YEARS,
    AidKind,
    ArchiveRecord,
    Assistance,
    AssistancePlan,
    Employment,
    FamilyMember,
    FileEvent,
    FileReview,
    FileStatus,
    HardshipFile,
    HomeVisit,
    LivingStandard,
    Source,
    SpotCheck,
    add_years,
)

SPOT_CHECK_SHARE = (3, 10)  # at least 30% of the filed files, rounded up
SHANGHAI = ZoneInfo("Asia/Shanghai")


def may_manage(user, file: HardshipFile) -> bool:
    return can(user, MANAGE, file.org)


def may_review_higher(user, file: HardshipFile) -> bool:
    """The review step belongs to the union above the file's own: a grant on its parent or higher."""
    return file.org.parent_id is not None and can(user, MANAGE, file.org.parent)


def _require(user, file: HardshipFile) -> None:
    if not may_manage(user, file):
        raise PermissionDenied


def _locked(file: HardshipFile) -> HardshipFile:
    return HardshipFile.objects.select_for_update(of=("self",)).select_related("org", "householder").get(pk=file.pk)


def _open_live(actor, file: HardshipFile) -> tuple[HardshipFile, dict]:
    """Lock the file and check the right; the errors start with "closed" when the file is no longer live."""
    file = _locked(file)
    _require(actor, file)
    return file, ({"file": _("This file is closed.")} if not file.is_live else {})


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- creating a file ----------------------------------------------------------------------------

def _create(*, actor, householder: Worker, source: str, main_cause, secondary_causes, income_per_head,
            employment, family, evidence, request) -> HardshipFile:
    errors: dict = {}
    # Hardship files are for union members: the householder needs an active membership (of `org`'s union).
    if householder.org_id is None or not Membership.objects.filter(worker=householder, org_id=householder.org_id,
                                                                   status=MembershipStatus.ACTIVE).exists():
        errors["householder"] = _("The householder must belong to a union before a hardship file can be opened.")
    secondary = checks.causes(main_cause, secondary_causes, errors)
    income = checks.money(income_per_head, "income_per_head", errors)
    checks.choice(employment, Employment, "employment", errors)
    evidence = checks.text(evidence, "evidence", errors, max_length=4000)
    if not isinstance(family, list | tuple) or not all(isinstance(row, dict) for row in family):
        errors["family"] = _("The family members must be a list.")
        family = []
    members = [checks.family_member(i, row, errors) for i, row in enumerate(family)]
    if not errors and HardshipFile.objects.filter(LIVE_Q, householder=householder).exists():
        errors["householder"] = _("This worker is already the householder of a live hardship file.")
    _raise(errors)
    file = HardshipFile(householder=householder, org_id=householder.org_id, source=source, main_cause=main_cause,
                        secondary_causes=secondary, income_per_head=income, employment=employment,
                        initial_income_per_head=income, initial_employment=employment,
                        evidence=evidence, created_by=actor if getattr(actor, "pk", None) else None)
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError:  # a concurrent application for the same household won the race
        raise ValidationError({"householder": _(
            "This worker is already the householder of a live hardship file.")}) from None
    FamilyMember.objects.bulk_create([FamilyMember(file=file, **m) for m in members])
    FileEvent.objects.create(file=file, actor=file.created_by, to_status=FileStatus.APPLIED,
                             note=str(Source(source).label))
    audit_record(actor=actor, action="hardship.file_create", target=file, request=request,
                 detail={"source": source, "family": len(members)})
    return file


@transaction.atomic
def file_apply(*, user, main_cause: str, income_per_head, employment: str, secondary_causes=(), family=(),
               evidence: str = "", request=None) -> HardshipFile:
    """A worker applies online for their own household (the householder is the worker)."""
    householder = Worker.objects.select_for_update().filter(user=user).first() if user.is_authenticated else None
    if householder is None:
        raise ValidationError({"householder": _("Please register as a union member before applying.")})
    return _create(actor=user, householder=householder, source=Source.ONLINE, main_cause=main_cause,
                   secondary_causes=secondary_causes, income_per_head=income_per_head, employment=employment,
                   family=family, evidence=evidence, request=request)


@transaction.atomic
def file_create(*, actor, householder: Worker, main_cause: str, income_per_head, employment: str,
                secondary_causes=(), family=(), evidence: str = "", request=None) -> HardshipFile:
    """A cadre opens a file after visiting the household; the householder must be in a union they manage."""
    householder = Worker.objects.select_for_update(of=("self",)).select_related("org").get(pk=householder.pk)
    if not can(actor, MANAGE, householder.org):
        raise PermissionDenied
    return _create(actor=actor, householder=householder, source=Source.VISIT, main_cause=main_cause,
                   secondary_causes=secondary_causes, income_per_head=income_per_head, employment=employment,
                   family=family, evidence=evidence, request=request)


@transaction.atomic
def file_update(*, actor, file: HardshipFile, main_cause: str, secondary_causes=(), evidence: str = "",
                request=None) -> HardshipFile:
    """Correct the causes or add evidence. Income and work change only through an annual review, so that
    every figure on file has a dated record behind it."""
    file, errors = _open_live(actor, file)
    secondary = checks.causes(main_cause, secondary_causes, errors)
    evidence = checks.text(evidence, "evidence", errors, max_length=4000)
    _raise(errors)
    changed = sorted(name for name, value in (("main_cause", main_cause), ("secondary_causes", secondary),
                                              ("evidence", evidence)) if getattr(file, name) != value)
    file.main_cause, file.secondary_causes, file.evidence = main_cause, secondary, evidence
    file.save(update_fields=["main_cause", "secondary_causes", "evidence", "updated_at"])
    audit_record(actor=actor, action="hardship.file_update", target=file, request=request,
                 detail={"fields": changed})
    return file


# --- the life cycle -----------------------------------------------------------------------------

def publicity_end(start: dt.date) -> dt.datetime:
    """The end of the 5th working day of publicity, counting the start day (or the next working day)."""
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=SHANGHAI)
    return add_working_days(begin, PUBLICITY_WORKING_DAYS - 1)


def _check_step(actor, file: HardshipFile, to_status: str, *, publicity_start, reason, closed_on, now,
                errors: dict) -> dict:
    """What `to_status` needs besides the allowed move; returns the fields to set on the file."""
    if to_status == FileStatus.REVIEWED:
        if not may_review_higher(actor, file):
            raise PermissionDenied
        return {}
    if not may_manage(actor, file):
        raise PermissionDenied
    if to_status == FileStatus.VISITED and not file.visits.exists():
        errors["to_status"] = _("Record the home visit first.")
    elif to_status == FileStatus.PUBLICITY:
        start = checks.date(publicity_start, "publicity_start", errors, not_future=False)
        if start is not None and abs((start - timezone.localdate(now)).days) > 30:
            errors["publicity_start"] = _("The publicity must start within 30 days of today.")
        if "publicity_start" not in errors:
            return {"publicity_start": start, "publicity_ends_at": publicity_end(start)}
    elif to_status == FileStatus.FILED:
        if file.publicity_ends_at is None or now < file.publicity_ends_at:
            errors["to_status"] = _("The publicity ends on %(date)s; the file can be filed after that.") % {
                "date": timezone.localtime(file.publicity_ends_at).date().isoformat() if file.publicity_ends_at
                else "—"}
        else:
            day = timezone.localdate(now)
            return {"filed_on": day, "last_reviewed_on": day}
    elif to_status in (FileStatus.EXITED, FileStatus.CANCELLED):
        reason = checks.text(reason, "reason", errors, max_length=2000, required=True)
        closed_on = checks.date(closed_on or timezone.localdate(now), "closed_on", errors)
        if closed_on is not None and closed_on < file.created_at.date() - dt.timedelta(days=1):
            errors["closed_on"] = _("The date cannot be before the file was opened.")
        if not errors:
            return {"closed_on": closed_on, "retain_until": add_years(closed_on, RETENTION_YEARS), "_reason": reason}
    return {}


@transaction.atomic
def file_transition(*, actor, file: HardshipFile, to_status: str, note: str = "", publicity_start=None,
                    reason: str = "", closed_on=None, now: dt.datetime | None = None, request=None) -> HardshipFile:
    """Move a file to `to_status`, checking the move and its requirements; refused moves change nothing."""
    file = _locked(file)
    now = now or timezone.now()
    file.check_move(to_status)
    errors: dict = {}
    note = checks.text(note, "note", errors, max_length=2000)
    changes = _check_step(actor, file, to_status, publicity_start=publicity_start, reason=reason,
                          closed_on=closed_on, now=now, errors=errors)
    _raise(errors)
    reason = changes.pop("_reason", "")
    from_status = file.status
    FileEvent.objects.create(file=file, actor=actor, from_status=from_status, to_status=to_status,
                             note=reason or note)
    if reason:
        ArchiveRecord.objects.create(file=file, kind=to_status, reason=reason, closed_on=changes["closed_on"],
                                     closed_by=actor)
    for name, value in changes.items():
        setattr(file, name, value)
    file.status = to_status
    file.save()
    audit_record(actor=actor, action="hardship.file_transition", target=file, request=request,
                 detail={"from": from_status, "to": to_status})
    return file


@transaction.atomic
def visit_record(*, actor, file: HardshipFile, visited_on, visitors: str, findings: str,
                 request=None) -> HomeVisit:
    """Record a home visit; a checked file then moves to "home visit done"."""
    file, errors = _open_live(actor, file)
    visited_on = checks.date(visited_on, "visited_on", errors)
    visitors = checks.text(visitors, "visitors", errors, max_length=200, required=True)
    findings = checks.text(findings, "findings", errors, max_length=4000, required=True)
    _raise(errors)
    visit = HomeVisit.objects.create(file=file, visited_on=visited_on, visitors=visitors, findings=findings,
                                     recorded_by=actor)
    audit_record(actor=actor, action="hardship.visit_record", target=file, request=request,
                 detail={"visit": visit.pk})
    if file.status == FileStatus.CHECKED:
        file_transition(actor=actor, file=file, to_status=FileStatus.VISITED, request=request)
    return visit


# --- the household's members --------------------------------------------------------------------

@transaction.atomic
def family_member_add(*, actor, file: HardshipFile, member: dict, request=None) -> FamilyMember:
    """Someone joined the household (a birth, a marriage, a parent moving in)."""
    file, errors = _open_live(actor, file)
    data = checks.family_member(0, member or {}, errors)
    # One form, one member: report under the form's own field names.
    errors = {k.removeprefix("family-0-"): v for k, v in errors.items()}
    _raise(errors)
    row = FamilyMember.objects.create(file=file, **data)
    audit_record(actor=actor, action="hardship.family_add", target=file, request=request, detail={"member": row.pk})
    return row


@transaction.atomic
def family_member_leave(*, actor, file: HardshipFile, member: FamilyMember, reason: str, left_on=None,
                        request=None) -> FamilyMember:
    """Someone left the household; the row stays on file, marked with the date and the reason."""
    file, errors = _open_live(actor, file)
    if member.file_id != file.pk or member.left_on is not None:
        errors["member"] = _("This person is not a current member of this household.")
    reason = checks.text(reason, "reason", errors, max_length=300, required=True)
    left_on = checks.date(left_on or timezone.localdate(), "left_on", errors)
    _raise(errors)
    member.left_on, member.left_reason = left_on, reason
    member.save(update_fields=["left_on", "left_reason"])
    audit_record(actor=actor, action="hardship.family_leave", target=file, request=request,
                 detail={"member": member.pk})
    return member


# --- a filed household: reviews, plans, assistance ---------------------------------------------

def _require_filed(file: HardshipFile) -> None:
    if file.status != FileStatus.FILED:
        raise ValidationError({"file": _("Only a filed household can have this recorded.")})


@transaction.atomic
def review_record(*, actor, file: HardshipFile, reviewed_on, income_per_head, employment: str,
                  still_in_hardship: bool, findings: str = "", request=None) -> FileReview:
    """The annual review: income and work now; it restarts the one-year review clock."""
    file = _locked(file)
    _require(actor, file)
    _require_filed(file)
    errors: dict = {}
    reviewed_on = checks.date(reviewed_on, "reviewed_on", errors)
    if reviewed_on is not None and file.filed_on and reviewed_on < file.filed_on:
        errors["reviewed_on"] = _("The review cannot be before the filing date.")
    income = checks.money(income_per_head, "income_per_head", errors)
    checks.choice(employment, Employment, "employment", errors)
    if not isinstance(still_in_hardship, bool):
        errors["still_in_hardship"] = _("Please say whether the household is still in hardship.")
    findings = checks.text(findings, "findings", errors, max_length=4000)
    _raise(errors)
    review = FileReview.objects.create(file=file, reviewed_on=reviewed_on, income_per_head=income,
                                       employment=employment, still_in_hardship=still_in_hardship,
                                       findings=findings, reviewer=actor)
    file.income_per_head, file.employment = income, employment
    file.last_reviewed_on = max(d for d in (file.last_reviewed_on, reviewed_on) if d is not None)
    file.save(update_fields=["income_per_head", "employment", "last_reviewed_on", "updated_at"])
    audit_record(actor=actor, action="hardship.review_record", target=file, request=request,
                 detail={"review": review.pk, "still_in_hardship": still_in_hardship})
    return review


@transaction.atomic
def plan_set(*, actor, file: HardshipFile, kind: str, measures: str, request=None) -> AssistancePlan:
    file, errors = _open_live(actor, file)
    checks.choice(kind, AidKind, "kind", errors)
    measures = checks.text(measures, "measures", errors, max_length=4000, required=True)
    _raise(errors)
    plan, _created = AssistancePlan.objects.update_or_create(file=file, kind=kind,
                                                             defaults={"measures": measures, "updated_by": actor})
    audit_record(actor=actor, action="hardship.plan_set", target=file, request=request, detail={"kind": kind})
    return plan


@transaction.atomic
def assistance_record(*, actor, file: HardshipFile, given_on, kind: str, amount, giver_org: Org | None,
                      note: str = "", request=None) -> Assistance:
    file = _locked(file)
    _require(actor, file)
    _require_filed(file)
    errors: dict = {}
    given_on = checks.date(given_on, "given_on", errors)
    checks.choice(kind, AidKind, "kind", errors)
    amount = checks.money(amount, "amount", errors, positive=True)
    if giver_org is None or not can(actor, MANAGE, giver_org):
        errors["giver_org"] = _("Please choose a union you work for.")
    note = checks.text(note, "note", errors, max_length=300)
    _raise(errors)
    aid = Assistance.objects.create(file=file, given_on=given_on, kind=kind, amount=amount, giver_org=giver_org,
                                    note=note, recorded_by=actor)
    audit_record(actor=actor, action="hardship.assistance_record", target=file, request=request,
                 detail={"assistance": aid.pk, "amount": str(amount)})
    return aid


# --- standards, spot checks, purge -------------------------------------------------------------

@transaction.atomic
def living_standard_set(*, actor, org: Org, monthly_amount, effective_from, request=None) -> LivingStandard:
    if not can(actor, MANAGE, org):
        raise PermissionDenied
    errors: dict = {}
    amount = checks.money(monthly_amount, "monthly_amount", errors, positive=True)
    effective_from = checks.date(effective_from, "effective_from", errors, not_future=False)
    _raise(errors)
    standard, _created = LivingStandard.objects.update_or_create(
        org=org, effective_from=effective_from, defaults={"monthly_amount": amount, "created_by": actor})
    audit_record(actor=actor, action="hardship.standard_set", target=org, request=request,
                 detail={"amount": str(amount), "from": effective_from.isoformat()})
    return standard


def spot_check_size(population: int) -> int:
    share, whole = SPOT_CHECK_SHARE
    return -(-population * share // whole)  # integer ceiling: no float rounding at any size


def draw(population_ids: list[int], seed: int) -> list[int]:
    """The files drawn from `population_ids` by `seed`: the same inputs always give the same files."""
    ids = sorted(population_ids)
    return sorted(random.Random(seed).sample(ids, spot_check_size(len(ids))))


@transaction.atomic
def spot_check_draw(*, actor, org: Org, year: int, seed: int | None = None, request=None) -> SpotCheck:
    """Draw at least 30% of the filed files under `org` for this year's check; once per org and year."""
    if not can(actor, MANAGE, org):
        raise PermissionDenied
    errors: dict = {}
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year:
        errors["year"] = _("Please enter this year or an earlier one.")
    elif SpotCheck.objects.filter(org=org, year=year).exists():
        errors["year"] = _("The spot check for this year has already been drawn.")
    _raise(errors)
    population = list(HardshipFile.objects.filter(org__path__startswith=org.path, status=FileStatus.FILED)
                      .order_by("pk").values_list("pk", flat=True))
    if not population:  # an empty draw would use up the year's only draw
        raise ValidationError({"org": _("There is no filed file under this area to draw from.")})
    seed = secrets.randbits(62) if seed is None else seed
    check = SpotCheck.objects.create(org=org, year=year, seed=seed, population_count=len(population),
                                     population_ids=population, drawn_ids=draw(population, seed), drawn_by=actor)
    audit_record(actor=actor, action="hardship.spot_check_draw", target=org, request=request,
                 detail={"spot_check": check.pk, "seed": seed, "drawn": len(check.drawn_ids)})
    return check


def spot_check_redraw(check: SpotCheck) -> list[int]:
    """Re-draw from the stored population and seed, to verify a recorded draw."""
    return draw(check.population_ids, check.seed)


@transaction.atomic
def file_purge(*, actor, file: HardshipFile, today: dt.date | None = None, request=None) -> None:
    """Destroy a closed file after its retention date; refused (ValidationError) before it."""
    file = _locked(file)
    _require(actor, file)
    file.check_purge(today or timezone.localdate())
    audit_record(actor=actor, action="hardship.file_purge", target=file, request=request,
                 detail={"retain_until": file.retain_until.isoformat()})
    file.delete(today=today or timezone.localdate())
