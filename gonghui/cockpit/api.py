"""/api/v1/cockpit: the cockpit's figures for the caller's scope (or one org in it; out of scope is 404)."""

from datetime import date
from decimal import Decimal

from ninja import Router, Schema

from . import selectors
from .service_figures import service_figures
from .snapshots import growth_and_trend

router = Router(tags=["cockpit"])


class StageOut(Schema):
    stage: str
    label: str
    count: int


class FiguresOut(Schema):
    members: int
    new_form_members: int
    enterprises: int
    covered: int
    headcount: int
    establishment_rate: float | None
    membership_rate: float | None
    pipeline: list[StageOut]


class TileOut(Schema):
    org_id: int
    name: str
    kind: str
    figures: FiguresOut


class ServicesOut(Schema):
    since: date
    requests: int
    on_time_answer: Decimal | None
    satisfaction: Decimal | None
    hardship_files: int
    hardship_overdue: int
    aid_grants_paid: int
    aid_amount_paid: Decimal
    needs: int
    needs_answered_share: Decimal | None


class MonthOut(Schema):
    month_end: date
    members: int
    new_form_members: int
    enterprises: int
    covered: int
    headcount: int
    establishment_rate: float | None
    membership_rate: float | None


class CockpitOut(Schema):
    org_id: int | None
    name: str
    figures: FiguresOut
    growth: int | None
    trend: list[MonthOut]
    services: ServicesOut
    children: list[TileOut]


def _figures(f: selectors.Figures) -> dict:
    return {"members": f.members, "new_form_members": f.new_form_members, "enterprises": f.enterprises,
            "covered": f.covered, "headcount": f.headcount, "establishment_rate": f.establishment_rate,
            "membership_rate": f.membership_rate, "pipeline": f.pipeline}


@router.get("", response=CockpitOut)
def cockpit_api(request, org_id: int | None = None):
    """Members, new-form members, census and covered enterprises, both rates and the plan pipeline, with one
    entry per child org; and, for the year to date, requests with the on-time answer and satisfaction rates
    (percentages), hardship files on record and overdue for review, and aid paid; the growth of members since
    the last month end and the month-end trend. Without `org_id`: the top of the caller's scope."""
    org = selectors.cockpit_org(user=request.auth, pk=org_id) if org_id is not None else None
    result = selectors.cockpit_figures(user=request.auth, org=org)
    org = result["org"]
    subtrees = [org] if org else [t.org for t in result["tiles"]]
    services = service_figures(user=request.auth, orgs=subtrees)
    moving = growth_and_trend(result["total"], subtrees)
    return {
        "org_id": org.pk if org else None,
        "name": org.name if org else "",
        "figures": _figures(result["total"]),
        "growth": moving["growth"],
        "trend": moving["trend"],
        "services": {name: getattr(services, name) for name in ServicesOut.model_fields},
        "children": [{"org_id": t.org.pk, "name": t.org.name, "kind": t.org.kind, "figures": _figures(t.figures)}
                     for t in result["tiles"]],
    }
