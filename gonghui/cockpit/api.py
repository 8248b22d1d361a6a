"""/api/v1/cockpit: the cockpit's figures for the caller's scope (or one org in it; out of scope is 404)."""

from ninja import Router, Schema

from . import selectors

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


class CockpitOut(Schema):
    org_id: int | None
    name: str
    figures: FiguresOut
    children: list[TileOut]


def _figures(f: selectors.Figures) -> dict:
    return {"members": f.members, "new_form_members": f.new_form_members, "enterprises": f.enterprises,
            "covered": f.covered, "headcount": f.headcount, "establishment_rate": f.establishment_rate,
            "membership_rate": f.membership_rate, "pipeline": f.pipeline}


@router.get("", response=CockpitOut)
def cockpit_api(request, org_id: int | None = None):
    """Members, new-form members, census and covered enterprises, both rates and the plan pipeline, with one
    entry per child org. Without `org_id`: the top of the caller's scope."""
    org = selectors.cockpit_org(user=request.auth, pk=org_id) if org_id is not None else None
    result = selectors.cockpit_figures(user=request.auth, org=org)
    org = result["org"]
    return {
        "org_id": org.pk if org else None,
        "name": org.name if org else "",
        "figures": _figures(result["total"]),
        "children": [{"org_id": t.org.pk, "name": t.org.name, "kind": t.org.kind, "figures": _figures(t.figures)}
                     for t in result["tiles"]],
    }
