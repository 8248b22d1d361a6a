"""Roster import: a cadre's member list (姓名, 身份证号 ...) into one union of their subtree.

Run by gonghui.imports.engine one chunk at a time, inside the chunk's transaction. Each row is
validated by `worker_identity`, the same function the single-record path uses (so the messages
are the same), and new people are written with the database's bulk path: two `allocate_ids`
and two `fast_insert` per chunk, never one ORM save per row. Imported members become ACTIVE
members of the target union straight away: the cadre vouches for them. Re-importing a file is
harmless: a person already active in the target union counts as unchanged.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import privacy
from gonghui.core.bulk import allocate_ids, fast_insert
from gonghui.core.choices import EmploymentForm
from gonghui.core.scoping import VIEW, can
from gonghui.core.validators import check_credit_code
from gonghui.enterprises.models import Enterprise
from gonghui.imports.engine import Checked, ChunkResult
from gonghui.imports.parsing import Column, cell_text, english
from gonghui.orgs.models import Org

from .models import Membership, MembershipStatus, Worker
from .services import card_number, worker_identity

COLUMNS = (
    Column("name", "姓名", ("name", "full name", "real name", "真实姓名")),
    Column("resident_id", "身份证号", ("身份证号码", "公民身份号码", "身份证", "resident id", "id number", "id card")),
    Column("mobile", "手机号", ("手机号码", "手机", "联系电话", "mobile", "phone"), required=False),
    Column("employment_form", "用工形式", ("就业形态", "employment form", "form of employment")),
    Column("employer", "工作单位统一社会信用代码",
           ("单位统一社会信用代码", "统一社会信用代码", "employer credit code", "employer"), required=False),
    Column("joined_on", "入会日期", ("入会时间", "join date", "joined on"), required=False),
)

# The Chinese labels cadres type, first one as shown in the template's drop-down. Spelled out
# here because the interface translations are compiled later and must not decide what parses.
FORM_LABELS = {
    EmploymentForm.REGULAR: ("正式职工", "正式员工", "在岗职工", "合同制职工"),
    EmploymentForm.DISPATCHED: ("劳务派遣", "派遣工", "劳务派遣工"),
    EmploymentForm.FLEXIBLE: ("灵活就业", "灵活就业人员"),
    EmploymentForm.DELIVERY_RIDER: ("外卖骑手", "外卖送餐员", "骑手"),
    EmploymentForm.COURIER: ("快递员", "快递小哥"),
    EmploymentForm.RIDE_HAILING: ("网约车司机", "网约车驾驶员"),
    EmploymentForm.TRUCK_DRIVER: ("货车司机",),
    EmploymentForm.DOMESTIC: ("家政服务员", "家政工"),
    EmploymentForm.STREAMER: ("网络主播", "主播"),
    EmploymentForm.OTHER: ("其他",),
}


def _form_key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


FORMS = {_form_key(label): value for value, labels in FORM_LABELS.items() for label in labels}
FORMS.update({_form_key(value): value for value in EmploymentForm.values})
FORMS.update({_form_key(english(EmploymentForm(value).label)): value for value in EmploymentForm.values})

# For the blank template (gonghui.imports.report.blank_template).
TEXT_FIELDS = frozenset({"resident_id", "mobile", "employer"})
CHOICES = {"employment_form": [labels[0] for labels in FORM_LABELS.values()]}
NOTES = {
    "name": gettext_lazy("The real name, as on the resident ID card."),
    "resident_id": gettext_lazy("18 characters. Keep this column formatted as text: Excel turns long numbers "
                                "into numbers and loses the last digits."),
    "mobile": gettext_lazy("Optional. 11 digits starting with 13 to 19."),
    "employment_form": gettext_lazy("One of the values in the drop-down list."),
    "employer": gettext_lazy("Optional. The employer's unified social credit code; the enterprise must already "
                             "be in the census."),
    "joined_on": gettext_lazy("Optional, as YYYY-MM-DD; empty means today."),
}

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$|^(\d{4})(\d{2})(\d{2})$")
# Excel's 1900 date system counts days from 1899-12-30 (its phantom 29 Feb 1900 included).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# How a CSV saved by Excel shows an 18-digit number: 1.10105E+17.
_SCIENTIFIC_RE = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)

WORKER_FIELDS = ("id", "name", "id_cipher", "id_hash", "id_masked", "gender", "birth_date", "mobile",
                 "employment_form", "employer", "street", "org", "created_at")
MEMBERSHIP_FIELDS = ("id", "worker", "org", "status", "card_no", "joined_on", "applied_at", "decided_at",
                     "decided_by", "note")


def check_target(*, org: Org) -> None:
    if not org.is_joinable:
        raise ValidationError({"org_id": _("This organisation does not take members directly; choose a "
                                           "grassroots, joint or industry union.")})


def masked_row(table, cells: list) -> list[str]:
    """The row's original values for the error report, with the personal ones masked as on every
    page (name, resident ID, mobile): the row number is what finds the row in the cadre's own file."""
    values = [cell_text(c) for c in cells] + [""] * (len(table.headers) - len(cells))
    values = values[:len(table.headers)]
    masks = (("name", privacy.mask_name), ("resident_id", privacy.mask_resident_id), ("mobile", privacy.mask_mobile))
    for name, mask in masks:
        index = table.columns.get(name)
        if index is not None:
            values[index] = mask(values[index])
    return values


def parse_join_date(value, today: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(value))  # a date cell formatted as a number
    else:
        text = cell_text(value)
        if not text:
            return today
        match = _DATE_RE.match(text)
        try:
            if not match:
                raise ValueError
            y, m, d = (int(g) for g in (match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)))
            day = dt.date(y, m, d)
        except ValueError:
            raise ValidationError(_("Please enter the join date as YYYY-MM-DD.")) from None
    if day > today:
        raise ValidationError(_("The join date cannot be in the future."))
    return day


class Batch:
    """The roster import of one job: `check` validates a chunk (no database), `save` looks up and
    writes it inside the chunk's transaction; `remember` keeps the file's resident IDs seen so far."""

    def __init__(self, *, job, table):
        self.org = job.org
        self.user = job.created_by
        self.today = timezone.localdate()
        self.columns = table.columns
        self.id_header = table.header_of("resident_id")
        self.seen: dict[str, int] = {}  # blind index -> row of its first occurrence, whole file

    def remember(self, state: dict) -> None:
        self.seen.update(state)

    def check(self, rows) -> Checked:
        """Per-row checks needing no database, and de-duplication within the file."""
        col = self.columns
        i_name, i_id, i_form = col["name"], col["resident_id"], col["employment_form"]
        i_mobile, i_employer, i_joined = col.get("mobile"), col.get("employer"), col.get("joined_on")
        seen, chunk_seen = self.seen, {}
        passed, errors = [], []
        today = self.today
        for row, cells in rows:
            width = len(cells)
            problems = []
            name = cells[i_name] if i_name < width else ""
            raw_id = cells[i_id] if i_id < width else ""
            mobile = cells[i_mobile] if i_mobile is not None and i_mobile < width else ""
            numeric_id = (isinstance(raw_id, int | float) and not isinstance(raw_id, bool)) or (
                isinstance(raw_id, str) and _SCIENTIFIC_RE.match(raw_id.strip()) is not None)
            try:
                identity = worker_identity(
                    name=name if name.__class__ is str else cell_text(name),
                    resident_id="" if numeric_id else (raw_id if raw_id.__class__ is str else cell_text(raw_id)),
                    mobile=mobile if mobile.__class__ is str else cell_text(mobile),
                )
            except ValidationError as exc:
                identity = None
                for field_name, messages in exc.message_dict.items():
                    problems.append((row, field_name, messages[0]))
                if numeric_id:
                    problems = [
                        p if p[1] != "resident_id" else (row, "resident_id", _(
                            "Excel stored this resident ID as a number, which loses its last digits. Format "
                            "the “%(column)s” column as text and type the numbers in again."
                        ) % {"column": self.id_header}) for p in problems
                    ]
            form_text = cells[i_form] if i_form < width else ""
            form_text = form_text.strip() if form_text.__class__ is str else cell_text(form_text)
            form = FORMS.get(_form_key(form_text)) if form_text else None
            if form is None:
                problems.append((row, "employment_form", _(
                    "Unknown employment form “%(value)s”; use one of: %(choices)s.") % {
                        "value": form_text, "choices": "、".join(CHOICES["employment_form"])}
                    if form_text else _("Please choose an employment form from the list.")))
            employer = cells[i_employer] if i_employer is not None and i_employer < width else ""
            employer = employer.strip() if employer.__class__ is str else cell_text(employer)
            if employer:
                try:
                    employer = check_credit_code(employer)
                except ValidationError as exc:
                    problems.append((row, "employer", exc.messages[0]))
            joined = cells[i_joined] if i_joined is not None and i_joined < width else ""
            try:
                joined = parse_join_date(joined, today) if joined != "" else today
            except ValidationError as exc:
                problems.append((row, "joined_on", exc.messages[0]))
            if identity is not None:
                first = seen.get(identity["id_hash"]) or chunk_seen.get(identity["id_hash"])
                if first:
                    problems.append((row, "resident_id", _(
                        "This resident ID already appears in row %(row)d of this file.") % {"row": first}))
                else:
                    chunk_seen[identity["id_hash"]] = row
            if problems:
                errors.extend(problems)
            else:
                passed.append((row, identity, form, employer, joined))
        return Checked(passed=passed, errors=errors, state=chunk_seen)

    def save(self, checked: Checked) -> ChunkResult:
        """Look up employers and known people, then write the new members (inside the chunk's transaction)."""
        passed, errors = checked.passed, list(checked.errors)
        result = ChunkResult(errors=errors)
        codes = {p[3] for p in passed if p[3]}
        employers = {}
        if codes:
            employers = {c: (pk, street) for c, pk, street in
                         Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "id", "street_id")}
        hashes = [p[1]["id_hash"] for p in passed]
        existing = dict(Worker.objects.filter(id_hash__in=hashes).values_list("id_hash", "id")) if hashes else {}
        active, pending = {}, set()  # worker id -> org of the active membership; workers with an application
        if existing:
            for worker_id, org_id, status in Membership.objects.filter(
                worker_id__in=existing.values(), status__in=(MembershipStatus.ACTIVE, MembershipStatus.PENDING)
            ).values_list("worker_id", "org_id", "status"):
                if status == MembershipStatus.ACTIVE:
                    active[worker_id] = org_id
                else:
                    pending.add(worker_id)
        other_orgs = {}
        elsewhere = {o for o in active.values() if o != self.org.pk}
        if elsewhere:
            other_orgs = {o.pk: o for o in Org.objects.filter(pk__in=elsewhere).only("id", "name", "path")}

        new, rejoin = [], []
        for row, identity, form, code, joined in passed:
            employer = None
            if code:
                employer = employers.get(code)
                if employer is None:
                    errors.append((row, "employer", _(
                        "No enterprise with the credit code %(code)s is in the census; import the enterprise "
                        "first or leave the cell empty.") % {"code": code}))
                    continue
            worker_id = existing.get(identity["id_hash"])
            if worker_id is None:
                new.append((identity, form, employer, joined))
                continue
            org_id = active.get(worker_id)
            if org_id == self.org.pk:
                result.unchanged += 1
            elif org_id is not None:
                other = other_orgs.get(org_id)
                errors.append((row, "resident_id", _(
                    "This person is already an active member of “%(union)s”; ask for a transfer instead of "
                    "importing.") % {"union": other.name} if other is not None and can(self.user, VIEW, other)
                    else _("This person is already an active member of another union; ask for a transfer instead "
                           "of importing.")))
            elif worker_id in pending:
                errors.append((row, "resident_id", _(
                    "This person has an application waiting for approval; decide it before importing them.")))
            else:  # known person without a current membership: they join again
                rejoin.append((worker_id, identity, form, employer, joined))
        result.created = self._insert(new, rejoin)
        return result

    def _insert(self, new, rejoin) -> int:
        if not new and not rejoin:
            return 0
        org, street = self.org.pk, self.org.street_id
        now = timezone.now()
        now_db = Worker._meta.get_field("created_at").get_db_prep_value(now, connection)
        worker_ids = allocate_ids(Worker, len(new))
        fast_insert(Worker, WORKER_FIELDS, (
            (wid, i["name"], i["id_cipher"], i["id_hash"], i["id_masked"], i["gender"], i["birth_date"], i["mobile"],
             form, employer[0] if employer else None, employer[1] if employer else street, org, now_db)
            for wid, (i, form, employer, _joined) in zip(worker_ids, new, strict=True)
        ))
        for worker_id, identity, form, employer, _joined in rejoin:
            changes = {"org_id": org, "employment_form": form, "street_id": employer[1] if employer else street}
            if employer:
                changes["employer_id"] = employer[0]
            if identity["mobile"]:
                changes["mobile"] = identity["mobile"]
            Worker.objects.filter(pk=worker_id).update(**changes)
        joins = [(wid, n[3]) for wid, n in zip(worker_ids, new, strict=True)] + [(r[0], r[4]) for r in rejoin]
        membership_ids = allocate_ids(Membership, len(joins))
        user = self.user.pk if self.user else None
        fast_insert(Membership, MEMBERSHIP_FIELDS, (
            (mid, wid, org, MembershipStatus.ACTIVE.value, card_number(mid), joined, now_db, now_db, user, "")
            for mid, (wid, joined) in zip(membership_ids, joins, strict=True)
        ))
        return len(joins)
