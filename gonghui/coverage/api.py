"""/api/v1/coverage: the coverage page's figures (R2.5) as JSON, for the caller's scope or one org in it.

The same `coverage_report` as the page, scoped the same way: an org outside the caller's scope is 404
(as a missing one), a malformed id 422, an account without a cadre role 403 (the page's door).
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from . import selectors
from .exports import row_label
from .schemas import UnionCoverageOut

router = Router(tags=["coverage"])


def _census(row, kind: str = "", label: str = "") -> dict:
    return {
        "key": str(row.key),
        "label": label or row_label(row, kind, mark_non_public=False),
        "org_id": row.key if kind == "street" and row.key != selectors.NO_STREET else None,
        "non_public": row.extra.get("non_public") if kind == "ownership" else None,
        **{name: getattr(row, name) for name in ("enterprises", "covered", "uncovered", "establishment_rate",
                                                  "headcount", "uncovered_headcount", "members", "membership_rate")},
    }


def _form(row, label: str = "") -> dict:
    return {"key": str(row.key), "label": label or row.label, "new_form": bool(row.extra.get("new_form", True)),
            "members": row.members, "workers": row.workers, "non_members": row.non_members}


@router.get("", response=UnionCoverageOut)
def coverage_api(request, org_id: int | None = None):
    """Union establishment rate (建会率) and membership rate (入会率) with their counts: in total, by street,
    industry and ownership (with all non-public enterprises), members by employment form, and the last 12
    month ends. Without `org_id`: the caller's whole scope; with it, that org's subtree (404 outside the scope)."""
    user = request.auth
    if not user.is_cadre:
        raise PermissionDenied
    org = selectors.coverage_org(user=user, pk=org_id) if org_id is not None else None
    today = timezone.localdate()
    report = selectors.coverage_report(user=user, org=org, today=today)
    return {
        "org_id": org.pk if org else None,
        "name": org.name if org else "",
        "as_of": today,
        "total": _census(report["total"], label=_("Total")),
        "streets": [_census(r, "street") for r in report["streets"]],
        "industries": [_census(r, "industry") for r in report["industries"]],
        "ownerships": [_census(r, "ownership") for r in report["ownerships"]],
        "non_public": _census(report["non_public"], label=_("All non-public enterprises")),
        "forms": [_form(r) for r in report["forms"]],
        "new_forms": _form(report["new_forms"], _("New employment forms (新就业形态)")),
        "trend": [{k: p[k] for k in ("month_end", "as_of", "members", "covered", "establishment_rate",
                                     "membership_rate")} for p in report["trend"]],
    }
