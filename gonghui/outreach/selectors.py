"""Reads of the establishment plans, always scoped to the acting user (through the enterprise's street or union)."""

from django.db.models import Count, OuterRef, Subquery

from gonghui.core.scoping import VIEW, gate, restrict

from .models import BOARD_STAGES, EstablishmentPlan, PlanVisit, Stage

BOARD_CARDS = 50  # cards shown per column; the count above the column is always the full number


def plan_list(*, user, street=None, demonstration: bool | None = None, stage: str = "", commissioner=None,
              action: str = VIEW):
    qs = restrict(EstablishmentPlan.objects.all(), user, action).select_related(
        "enterprise", "enterprise__street", "commissioner")
    if street is not None:
        qs = qs.filter(enterprise__street_id=getattr(street, "pk", street))
    if demonstration is not None:
        qs = qs.filter(demonstration=demonstration)
    if stage:
        qs = qs.filter(stage=stage)
    if commissioner is not None:
        qs = qs.filter(commissioner_id=getattr(commissioner, "pk", commissioner))
    return qs.order_by("target_date", "enterprise__name", "pk")


def with_last_visit(plans):
    """`plans` annotated with `last_visit_on`, the date of the latest visit (None before the first)."""
    latest = PlanVisit.objects.filter(plan=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    return plans.annotate(last_visit_on=Subquery(latest))


def plan_board(*, user, street=None, demonstration: bool | None = None) -> list[dict]:
    """One column per stage: its label, the number of plans and the first cards."""
    qs = plan_list(user=user, street=street, demonstration=demonstration)
    counts = dict(qs.order_by().values_list("stage").annotate(n=Count("*")))
    columns = []
    for stage in BOARD_STAGES:
        n = counts.get(stage, 0)
        cards = list(qs.filter(stage=stage)[:BOARD_CARDS]) if n else []
        columns.append({"stage": stage, "label": Stage(stage).label, "count": n, "cards": cards,
                        "more": max(0, n - len(cards))})
    return columns


def plan_get(*, user, pk, action: str = VIEW) -> EstablishmentPlan:
    """One plan the user may `action` on; Http404 for missing and out-of-scope alike."""
    return gate(EstablishmentPlan.objects.select_related("enterprise", "enterprise__street", "enterprise__union",
                                                         "commissioner"), user, action, pk=pk)
