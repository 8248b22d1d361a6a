"""The file's life cycle through `file_transition`: allowed moves, refused moves (nothing changed), closing, purge."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core import privacy
from gonghui.hardship import services
from gonghui.hardship.models import (
    ArchiveRecord,
    FamilyMember,
    FileEvent,
    FileStatus,
    HardshipFile,
    HomeVisit,
)
from gonghui.hardship.selectors import hardship_file_exists
from gonghui.testing import snapshot

from .conftest import CHILD_ID, SPOUSE_ID, apply, create, to_filed

MODELS = (HardshipFile, FileEvent, HomeVisit, ArchiveRecord, FamilyMember, AuditEvent)


def test_worker_applies_for_own_household(district):
    file = apply(district)
    assert file.householder == district.worker1 and file.org == district.union_a
    assert file.status == FileStatus.APPLIED and file.source == "online"
    assert file.secondary_causes == ["education"]
    spouse, child = file.family.order_by("pk")
    assert spouse.id_hash == privacy.blind_index(SPOUSE_ID) and privacy.decrypt(spouse.id_cipher) == SPOUSE_ID
    assert SPOUSE_ID not in spouse.id_cipher and spouse.id_masked == privacy.mask_resident_id(SPOUSE_ID)
    assert child.birth_date == dt.date(2015, 9, 1)  # derived from the resident ID
    assert list(file.events.values_list("from_status", "to_status")) == [("", FileStatus.APPLIED)]
    assert AuditEvent.objects.filter(action="hardship.file_create", target_id=str(file.pk)).exists()
    assert CHILD_ID not in repr(list(FamilyMember.objects.values()))


def test_one_live_file_per_householder(district):
    apply(district)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        apply(district)
    assert "householder" in exc.value.message_dict
    assert snapshot(*MODELS) == before
    # The database itself refuses, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipFile.objects.create(householder=district.worker1, org=district.union_a, source="visit",
                                    main_cause="illness", income_per_head=1, employment="employed",
                                    initial_income_per_head=1, initial_employment="employed")


def test_full_life_cycle(district):
    file = to_filed(district, apply(district))
    assert file.status == FileStatus.FILED
    assert list(file.events.values_list("to_status", flat=True)) == [
        "applied", "checked", "visited", "reviewed", "publicity", "filed"]
    assert file.publicity_start == timezone.localdate()
    assert file.publicity_ends_at == services.publicity_end(file.publicity_start)
    # Filed the moment the publicity ended; the review clock starts that day.
    assert file.filed_on == file.last_reviewed_on == timezone.localdate(file.publicity_ends_at)
    assert hardship_file_exists(district.worker1) and not hardship_file_exists(district.worker_b)


def test_publicity_counts_working_days_only(district):
    # Friday 20 November 2026 and four more working days (the weekend does not count).
    assert timezone.localtime(services.publicity_end(dt.date(2026, 11, 20))).date() == dt.date(2026, 11, 26)
    assert timezone.localtime(services.publicity_end(dt.date(2026, 11, 21))).date() == dt.date(2026, 11, 27)
    # Over the 2026 National Day holiday the five working days stretch to 12 October.
    assert timezone.localtime(services.publicity_end(dt.date(2026, 9, 30))).date() > dt.date(2026, 10, 7)


def _refused(district, file, actor, error, **kwargs):
    before = snapshot(*MODELS)
    with pytest.raises(error):
        services.file_transition(actor=actor, file=file, **kwargs)
    assert snapshot(*MODELS) == before


def test_refused_moves_change_nothing(district):
    file = apply(district)
    _refused(district, file, district.street1_user, ValidationError, to_status=FileStatus.FILED)
    _refused(district, file, district.street1_user, ValidationError, to_status="approved")  # unknown status
    _refused(district, file, district.street2_user, PermissionDenied, to_status=FileStatus.CHECKED)
    _refused(district, file, district.worker1_user, PermissionDenied, to_status=FileStatus.CHECKED)
    services.file_transition(actor=district.grassroots1, file=file, to_status=FileStatus.CHECKED)
    # "Home visit done" needs a recorded visit.
    _refused(district, file, district.grassroots1, ValidationError, to_status=FileStatus.VISITED)
    services.visit_record(actor=district.grassroots1, file=file, visited_on=timezone.localdate(),
                          visitors="王干事", findings="属实")
    # The review belongs to the higher union, not to the file's own grassroots union.
    _refused(district, file, district.grassroots1, PermissionDenied, to_status=FileStatus.REVIEWED)
    services.file_transition(actor=district.street1_user, file=file, to_status=FileStatus.REVIEWED)
    _refused(district, file, district.grassroots1, ValidationError, to_status=FileStatus.PUBLICITY)  # no start
    _refused(district, file, district.grassroots1, ValidationError, to_status=FileStatus.PUBLICITY,
             publicity_start="2026-13-01")
    file = services.file_transition(actor=district.grassroots1, file=file, to_status=FileStatus.PUBLICITY,
                                    publicity_start=timezone.localdate())
    # Not before the publicity has run its five working days.
    _refused(district, file, district.grassroots1, ValidationError, to_status=FileStatus.FILED,
             now=file.publicity_ends_at - dt.timedelta(minutes=1))
    _refused(district, file, district.grassroots1, ValidationError, to_status=FileStatus.EXITED)  # not filed yet
    _refused(district, file, district.grassroots1, ValidationError, to_status=FileStatus.CANCELLED)  # no reason


def test_exit_and_cancel_write_an_archive_record(files):
    day = timezone.localdate()
    file = services.file_transition(actor=files.grassroots1, file=files.file1, to_status=FileStatus.EXITED,
                                    reason="配偶康复，家庭收入超过标准。")
    assert file.status == FileStatus.EXITED and file.closed_on == day
    assert file.retain_until == day.replace(year=day.year + 10)
    assert file.archive.kind == FileStatus.EXITED and file.archive.closed_by == files.grassroots1
    assert not hardship_file_exists(files.worker1)
    _refused(files, file, files.grassroots1, ValidationError, to_status=FileStatus.FILED)  # closed for good
    # After an exit the household may apply again.
    assert apply(files).status == FileStatus.APPLIED
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError):
        create(files, files.worker_b, actor=files.district)  # worker_b's file is still live
    assert snapshot(*MODELS) == before


def test_cancel_any_live_stage(files):
    file = services.file_transition(actor=files.district, file=files.file2, to_status=FileStatus.CANCELLED,
                                    reason="隐瞒收入", closed_on=timezone.localdate())
    assert file.archive.kind == FileStatus.CANCELLED and file.archive.reason == "隐瞒收入"


def test_purge_refused_before_retention_ends(files):
    live = files.file2
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError):
        services.file_purge(actor=files.district, file=live, today=dt.date(2099, 1, 1))  # never a live file
    file = services.file_transition(actor=files.grassroots1, file=files.file1, to_status=FileStatus.EXITED,
                                    reason="脱困")
    before = snapshot(*MODELS)
    for day in (file.closed_on, file.retain_until - dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.file_purge(actor=files.street1_user, file=file, today=day)
        with pytest.raises(ValidationError):
            file.delete()  # the model guards itself as well
    assert snapshot(*MODELS) == before
    services.file_purge(actor=files.street1_user, file=file, today=file.retain_until)
    assert not HardshipFile.objects.filter(pk=file.pk).exists()
