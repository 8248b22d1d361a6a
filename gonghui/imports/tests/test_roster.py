"""Roster import through the engine: exact report rows, good rows committed, idempotent re-import."""

import datetime as dt
import random

import pytest
from django.db import transaction
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core import privacy
from gonghui.core.validators import resident_id_check_char
from gonghui.imports.models import ImportStatus
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.members.services import card_number, membership_apply, membership_leave
from gonghui.testing import make_credit_code, make_resident_id, make_user, make_worker

from .helpers import ROSTER_HEADERS, csv_bytes, media_files, report_rows, run_import, xlsx_bytes

RNG = random.Random(20240301)
ID_A, ID_B, ID_C, ID_D, ID_E, ID_F, ID_G, ID_H, ID_I = (make_resident_id(RNG) for _ in range(9))
WRONG_CHECK = ID_A[:17] + ("0" if ID_A[17] != "0" else "1")
NUMERIC_ID = "110105199003071239"
FORMS = "正式职工、劳务派遣、灵活就业、外卖骑手、快递员、网约车司机、货车司机、家政服务员、网络主播、其他"


ELSEWHERE_ID = "11010519850505123" + resident_id_check_char("11010519850505123")
UNKNOWN_CODE = make_credit_code(random.Random(99))


@pytest.fixture
def elsewhere(district):
    """An active member of union_b (street2), outside street1's sight."""
    return make_worker(name="外街人", org=district.union_b, resident_id=ELSEWHERE_ID, mobile="13700009999")


def mixed_rows(district):
    code_a = district.enterprise_a.credit_code
    return [
        ROSTER_HEADERS,
        ["张一", ID_A, "13800000001", "外卖骑手", "", ""],  # 2 good
        ["张二", WRONG_CHECK, "13800000002", "快递员", "", ""],  # 3 bad check character
        ["张三", NUMERIC_ID, "13800000003", "快递员", "", ""],  # 4 ID typed as a number
        ["张四", ID_B, "1234567", "快递员", "", ""],  # 5 bad mobile
        ["张五", ID_A, "13800000005", "快递员", "", ""],  # 6 same person as row 2
        ["外街人", ELSEWHERE_ID, "", "快递员", "", ""],  # 7 active member elsewhere
        ["张七", ID_C, "", "宇航员", "", ""],  # 8 unknown employment form
        ["", ID_D, "", "快递员", "", ""],  # 9 no name
        ["张九", ID_E, "", "正式职工", code_a, "2024-03-01"],  # 10 good, employer and join date
        ["张十", ID_F, "", "快递员", UNKNOWN_CODE, ""],  # 11 employer not in the census
        ["李四", "110105199003071239", "", "正式职工", "", ""],  # 12 worker1: already here -> unchanged
        ["", "", "", "", "", ""],  # 13 blank: skipped
        ["张十三", ID_G, "13900001234", "网约车司机", "", ""],  # 14 good, mobile typed as a number
        ["张十四", ID_H, "", "快递员", "", "2024-13-45"],  # 15 impossible join date
        ["张十五", ID_I, "12", "潜水员", "", ""],  # 16 two errors in one row
    ]


def expected_report(district):
    return [
        (3, "身份证号", "The resident ID check character is wrong; please check each digit."),
        (4, "身份证号", "Excel stored this resident ID as a number, which loses its last digits. Format the "
                        "“身份证号” column as text and type the numbers in again."),
        (5, "手机号", "The mobile number must be 11 digits starting with 13-19."),
        (6, "身份证号", "This resident ID already appears in row 2 of this file."),
        (7, "身份证号", "This person is already an active member of another union; ask for a transfer instead "
                        "of importing."),
        (8, "用工形式", f"Unknown employment form “宇航员”; use one of: {FORMS}."),
        (9, "姓名", "Please enter the real name (1 to 50 characters)."),
        (11, "工作单位统一社会信用代码", f"No enterprise with the credit code {UNKNOWN_CODE} is in the census; "
                                         "import the enterprise first or leave the cell empty."),
        (15, "入会日期", "Please enter the join date as YYYY-MM-DD."),
        (16, "手机号", "The mobile number must be 11 digits starting with 13-19."),
        (16, "用工形式", f"Unknown employment form “潜水员”; use one of: {FORMS}."),
    ]


def test_mixed_file_reports_each_bad_row_and_commits_the_good(district, elsewhere,
                                                              django_capture_on_commit_callbacks):
    before_workers = set(Worker.objects.values_list("pk", flat=True))
    data = xlsx_bytes(mixed_rows(district), numeric={(3, 1), (13, 2)})
    job = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.union_a,
                     data=data)

    assert job.status == ImportStatus.DONE, job.message
    assert (job.total_rows, job.processed_rows) == (14, 14)  # the blank row 13 is skipped
    assert (job.created_count, job.unchanged_count, job.failed_count, job.updated_count) == (3, 1, 10, 0)
    rows = report_rows(job)
    assert rows[0][:3] == ["Row", "Column", "Reason"] and rows[0][3:] == ROSTER_HEADERS
    assert [(int(r[0]), r[1], r[2]) for r in rows[1:]] == expected_report(district)
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors_preview] == expected_report(district)

    created = Worker.objects.exclude(pk__in=before_workers)
    assert sorted(created.values_list("name", flat=True)) == ["张一", "张九", "张十三"]
    by_name = {w.name: w for w in created.select_related("org", "employer")}
    one = by_name["张一"]
    assert privacy.decrypt(one.id_cipher) == ID_A and one.id_hash == privacy.blind_index(ID_A)
    assert one.id_masked == privacy.mask_resident_id(ID_A)
    assert one.gender == ("M" if int(ID_A[16]) % 2 else "F")
    assert one.birth_date == dt.date(int(ID_A[6:10]), int(ID_A[10:12]), int(ID_A[12:14]))
    assert (one.org, one.street_id, one.employment_form, one.mobile) == (
        district.union_a, district.street1.pk, "delivery_rider", "13800000001")
    assert by_name["张十三"].mobile == "13900001234"
    assert by_name["张九"].employer == district.enterprise_a
    for worker in created:
        m = Membership.objects.get(worker=worker)
        assert (m.status, m.org, m.card_no, m.decided_by) == (
            MembershipStatus.ACTIVE, district.union_a, card_number(m.pk), district.street1_user)
    assert Membership.objects.get(worker=by_name["张九"]).joined_on == dt.date(2024, 3, 1)
    assert Membership.objects.get(worker=one).joined_on == timezone.localdate()
    # The member elsewhere is untouched.
    assert Membership.objects.get(worker=elsewhere).org == district.union_b

    audit = AuditEvent.objects.get(action="import.roster")
    assert audit.actor == district.street1_user and audit.target_id == str(job.pk)
    assert audit.detail == {"status": "done", "org": district.union_a.pk, "rows": 14, "created": 3, "updated": 0,
                            "unchanged": 1, "failed": 10}
    assert not job.upload and not any(f.startswith("imports/uploads/") for f in media_files())


def test_report_masks_names_resident_ids_and_mobiles(district, elsewhere, django_capture_on_commit_callbacks):
    data = xlsx_bytes(mixed_rows(district), numeric={(3, 1), (13, 2)})
    job = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.union_a,
                     data=data)
    with job.report.open("rb") as fh:
        raw = fh.read()
    rows = report_rows(job)
    text = repr(rows)
    for number in (ID_A, ID_B, WRONG_CHECK, NUMERIC_ID, ELSEWHERE_ID, ID_C, ID_D, ID_F, ID_H, ID_I, "1234567"):
        assert number not in text
    import zipfile, io  # noqa: E401,I001 - the xlsx's XML itself, not only what calamine shows
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xml"))
    for number in (ID_A, ID_B, WRONG_CHECK, ELSEWHERE_ID, ID_C, ID_D, ID_F, ID_H, ID_I):
        assert number not in xml
    by_row = {int(r[0]): r for r in rows[1:]}
    assert by_row[3][3:5] == ["张*", privacy.mask_resident_id(WRONG_CHECK)]
    assert by_row[16][3] == "张*五" and "张十五" not in text
    assert by_row[4][4] == "110105********1200"  # the 15 digits Excel kept, masked
    assert by_row[5][5] == "123****4567"
    assert by_row[8][6] == "宇航员"


def test_reimport_creates_nothing_twice(district, elsewhere, django_capture_on_commit_callbacks):
    data = xlsx_bytes(mixed_rows(district), numeric={(3, 1), (13, 2)})
    run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.union_a, data=data)
    counts = (Worker.objects.count(), Membership.objects.count())
    again = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.union_a,
                       data=data)
    assert (Worker.objects.count(), Membership.objects.count()) == counts
    assert (again.created_count, again.unchanged_count, again.failed_count) == (0, 4, 10)
    assert AuditEvent.objects.filter(action="import.roster").count() == 2


def test_chunks_commit_separately_and_duplicates_span_chunks(district, settings, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    import gonghui.members.importers as roster
    from gonghui.imports.models import ImportJob

    settings.IMPORT_CHUNK_ROWS = 2
    progress, real_check = [], roster.Batch.check

    def spy(self, rows):  # what a progress poll would read as each chunk starts
        job = ImportJob.objects.get()
        progress.append((job.status, job.total_rows, job.processed_rows, job.created_count))
        return real_check(self, rows)

    monkeypatch.setattr(roster.Batch, "check", spy)
    ids = [make_resident_id(RNG) for _ in range(5)]
    rows = [ROSTER_HEADERS] + [[f"工{i}", n, "", "快递员", "", ""] for i, n in enumerate(ids)] + [
        ["重复", ids[0], "", "快递员", "", ""]]
    job = run_import(django_capture_on_commit_callbacks, user=district.grassroots1, org=district.union_a,
                     data=xlsx_bytes(rows))
    assert (job.total_rows, job.processed_rows, job.created_count, job.failed_count) == (6, 6, 5, 1)
    assert progress == [("running", 6, 0, 0), ("running", 6, 2, 2), ("running", 6, 4, 4)]
    assert job.errors_preview == [{"row": 7, "column": "身份证号",
                                   "reason": "This resident ID already appears in row 2 of this file."}]
    # Ids allocated chunk by chunk never collide and card numbers follow them.
    cards = list(Membership.objects.filter(worker__name__startswith="工").values_list("pk", "card_no"))
    assert len(cards) == 5 and all(card == card_number(pk) for pk, card in cards)


def test_member_elsewhere_is_named_when_the_importer_can_see_it(district, elsewhere,
                                                               django_capture_on_commit_callbacks):
    rows = [ROSTER_HEADERS, ["外街人", ELSEWHERE_ID, "", "快递员", "", ""]]
    job = run_import(django_capture_on_commit_callbacks, user=district.district, org=district.union_a,
                     data=xlsx_bytes(rows))
    assert job.errors_preview[0]["reason"] == (
        "This person is already an active member of “西城商贸公司工会”; ask for a transfer instead of importing.")


def test_pending_applicant_is_reported_and_former_member_joins_again(district, django_capture_on_commit_callbacks):
    applicant_id, former_id = make_resident_id(RNG), make_resident_id(RNG)
    applicant = make_user("applicant", mobile="13600000001")
    membership_apply(user=applicant, name="申请人", resident_id=applicant_id, employment_form="courier",
                     org=district.joint1)
    former = make_worker(name="老会员", org=district.union_a, resident_id=former_id, mobile="13600000002")
    membership_leave(actor=district.grassroots1, membership=former.memberships.get())
    rows = [ROSTER_HEADERS, ["申请人", applicant_id, "", "快递员", "", ""],
            ["老会员", former_id, "13600000003", "网约车司机", "", "2023-05-06"]]
    job = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.union_a,
                     data=xlsx_bytes(rows))
    assert job.errors_preview == [{"row": 2, "column": "身份证号", "reason": (
        "This person has an application waiting for approval; decide it before importing them.")}]
    assert job.created_count == 1
    former.refresh_from_db()
    assert (former.org, former.employment_form, former.mobile) == (district.union_a, "ride_hailing", "13600000003")
    assert list(former.memberships.values_list("status", flat=True).order_by("pk")) == ["left", "active"]
    assert former.memberships.get(status="active").joined_on == dt.date(2023, 5, 6)


def test_csv_in_gb18030_with_english_headers_and_scientific_ids(district, django_capture_on_commit_callbacks):
    ids = [make_resident_id(RNG) for _ in range(2)]
    rows = [["Name", "Resident ID", "Mobile", "Employment form", "Join date"],
            ["王一", ids[0], "13800000011", "外卖骑手", "2024/3/1"],
            ["王二", "1.10105E+17", "", "Courier", ""],
            ["王三", ids[1], "", "domestic", "20240102"]]
    job = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.joint1,
                     data=csv_bytes(rows, encoding="gb18030"), name="名册.csv")
    assert job.status == ImportStatus.DONE and job.file_name == "名册.csv"
    assert (job.created_count, job.failed_count) == (2, 1)
    assert job.errors_preview[0]["row"] == 3 and job.errors_preview[0]["column"] == "Resident ID"
    assert "stored this resident ID as a number" in job.errors_preview[0]["reason"]
    one = Worker.objects.get(name="王一")
    assert one.memberships.get().joined_on == dt.date(2024, 3, 1)
    assert Worker.objects.get(name="王三").employment_form == "domestic"


def test_csv_in_utf8_and_rows_numbered_as_in_the_sheet(district, django_capture_on_commit_callbacks):
    rows = [[], ["姓名", "身份证号", "用工形式"], ["赵一", "bad", "快递员"]]
    job = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.joint1,
                     data=csv_bytes(rows), name="roster.csv")
    assert job.errors_preview == [{"row": 3, "column": "身份证号", "reason": (
        "The resident ID must be 18 characters: 17 digits and a digit or X.")}]


def test_rights_lost_before_the_task_runs_stop_the_job(district, django_capture_on_commit_callbacks):
    from gonghui.imports.engine import run_job
    from gonghui.imports.services import import_start

    from .helpers import upload

    with django_capture_on_commit_callbacks(execute=False):
        job = import_start(user=district.grassroots1, kind="roster", org=district.union_a,
                           upload=upload(xlsx_bytes([ROSTER_HEADERS, ["甲", ID_A, "", "快递员", "", ""]])))
    district.grassroots1.grants.all().delete()
    before = Worker.objects.count()
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.message
    assert Worker.objects.count() == before and not job.upload
    run_job(job.pk)  # a redelivered task does nothing
    assert AuditEvent.objects.filter(action="import.roster").count() == 1


def test_a_chunk_that_meets_a_concurrent_insert_is_retried(district, monkeypatch, django_capture_on_commit_callbacks):
    """A row with the same blind index appears between our look-up and our insert: the unique index
    refuses the chunk (on PostgreSQL as psycopg's own error from COPY), the chunk's transaction rolls
    back whole and is run again. (Here the intruder is written inside that transaction, so it goes too.)"""
    import gonghui.members.importers as roster

    number = make_resident_id(RNG)
    real_allocate, calls = roster.allocate_ids, []

    def racing_allocate(model, count):
        if model is Worker and not calls:
            calls.append(1)
            with transaction.atomic():  # a savepoint that stays: the racing registration
                make_worker(name="抢先", org=district.union_b, resident_id=number, mobile="13500000000")
        return real_allocate(model, count)

    monkeypatch.setattr(roster, "allocate_ids", racing_allocate)
    rows = [ROSTER_HEADERS, ["抢先", number, "", "快递员", "", ""], ["乙", make_resident_id(RNG), "", "快递员", "", ""]]
    job = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.union_a,
                     data=xlsx_bytes(rows))
    assert job.status == ImportStatus.DONE and calls == [1]
    # The intruder went with the rolled-back first attempt; the retry imports both rows, once.
    assert (job.created_count, job.failed_count, job.processed_rows) == (2, 0, 2)
    assert Worker.objects.filter(id_hash=privacy.blind_index(number)).count() == 1
