"""Re-running the pre-check over a whole campaign, in a fixed number of queries (issue 4).

At submission `services.application_submit` refuses anyone who is not an active member of a union the
campaign covers, or who has no hardship file (filed here, or declared) for a category that needs one,
and records the income and document findings (`services.precheck`). Memberships end and hardship files
are exited or cancelled after people apply, so before the decisions this re-evaluates every undecided
application the same way and stores `precheck_ok` / `precheck_reasons`: one locked read of the
campaign, one read of its applications with both registry checks as EXISTS sub-queries, one UPDATE of
the rows whose findings changed (a JSON list of new values joined on the primary key), one audit row.
Decided applications keep the findings their reviewer saw: decisions are final.
"""

import json

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, TextField
from django.db.models.functions import Cast

from gonghui.audit.services import audit_record
from gonghui.core.scoping import MANAGE, can
from gonghui.hardship.models import FileStatus, HardshipFile
from gonghui.members.models import Membership, MembershipStatus

from .models import Application, Campaign, Status
from .retry import retry_on_lock
from .services import precheck

NOT_MEMBER = {"code": "not_active_member", "field": "campaign"}
NO_HARDSHIP_FILE = {"code": "hardship_file_missing", "field": "hardship_file"}


def findings(campaign: Campaign, *, member: bool, hardship_ok: bool, income, evidence) -> list[dict]:
    """The findings of one application: the two submission rules first, then `precheck`'s own."""
    reasons = [] if member else [dict(NOT_MEMBER)]
    if not hardship_ok:
        reasons.append(dict(NO_HARDSHIP_FILE))
    return reasons + precheck(campaign, income=income, evidence=evidence)


def pending_with_registry_checks(campaign: Campaign):
    """The undecided applications of `campaign`, each with whether its applicant is still an active member
    under the campaign's org (`selectors.active_membership_in`) and householder of a filed hardship file
    (`gonghui.hardship.selectors.hardship_file_exists`)."""
    member = Membership.objects.filter(worker_id=OuterRef("worker_id"), status=MembershipStatus.ACTIVE,
                                       org__path__startswith=campaign.org.path)
    on_record = HardshipFile.objects.filter(householder_id=OuterRef("worker_id"), status=FileStatus.FILED)
    return (Application.objects.filter(campaign=campaign, status=Status.SUBMITTED)
            .annotate(member=Exists(member), on_record=Exists(on_record),
                      evidence_text=Cast("evidence", TextField()), reasons_text=Cast("precheck_reasons", TextField()))
            .values_list("pk", "member", "on_record", "category__requires_hardship_file", "declared_hardship_file",
                         "income_per_head", "evidence_text", "precheck_ok", "reasons_text"))


def _decoder():
    """json.loads once per distinct text: a campaign's document lists and findings take only a few forms, and
    decoding them row by row was most of the run's time. The decoded values are shared, so read only."""
    seen: dict = {}

    def loads(text):
        if text not in seen:
            seen[text] = json.loads(text) if text else []
        return seen[text]

    return loads


def _store(changes: list[tuple[int, bool, list]]) -> None:
    """One UPDATE for all changed rows, whatever their number: the new values travel as one JSON parameter."""
    table = connection.ops.quote_name(Application._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (f"UPDATE {table} AS a SET precheck_ok = v.ok, precheck_reasons = v.reasons "
               "FROM jsonb_to_recordset(%s::jsonb) AS v(id bigint, ok boolean, reasons jsonb) WHERE a.id = v.id")
        payload = [{"id": pk, "ok": ok, "reasons": reasons} for pk, ok, reasons in changes]
    else:
        # SQLite >= 3.33 (UPDATE ... FROM). The findings go in as the text the ORM would store (json.dumps),
        # carried as a JSON string, so stored text stays comparable whichever path wrote it.
        sql = (f"UPDATE {table} SET precheck_ok = v.ok, precheck_reasons = v.reasons FROM ("
               "SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS ok, "
               "json_extract(value, '$[2]') AS reasons FROM json_each(%s)) AS v "
               f"WHERE {table}.id = v.id")
        payload = [[pk, ok, json.dumps(reasons)] for pk, ok, reasons in changes]
    with connection.cursor() as cur:
        cur.execute(sql, [json.dumps(payload)])


@retry_on_lock
@transaction.atomic
def campaign_precheck_all(*, campaign: Campaign, actor=None, request=None) -> dict:
    """Re-evaluate every undecided application of `campaign` and store the findings that changed.

    `actor` None is the system (a scheduled job); a person needs MANAGE on the campaign's org. The campaign
    row is locked first, as approvals and the lottery do, so no decision lands between read and write.
    Returns {"checked", "changed", "failing"}.
    """
    if actor is not None and not can(actor, MANAGE, campaign.org):
        raise PermissionDenied
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    changes, failing, loads = [], 0, _decoder()
    rows = pending_with_registry_checks(campaign)
    for pk, member, on_record, requires, declared, income, evidence, old_ok, old_reasons in rows:
        reasons = findings(campaign, member=member, hardship_ok=not requires or declared or on_record,
                           income=income, evidence=loads(evidence))
        failing += bool(reasons)
        if reasons != loads(old_reasons) or old_ok != (not reasons):
            changes.append((pk, not reasons, reasons))
    if changes:
        _store(changes)
    result = {"checked": len(rows), "changed": len(changes), "failing": failing}
    audit_record(actor=actor, action="campaigns.precheck_all", target=campaign, request=request, detail=result)
    return result
