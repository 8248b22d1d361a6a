"""Reads of the hardship files, always scoped to the acting user (the file's union, or the householder)."""

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Count, DecimalField, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonghui.core.scoping import EXPORT, VIEW, can, gate, minimal_paths, restrict
from gonghui.orgs.models import Org

from .models import Assistance, FamilyMember, FileStatus, HardshipFile, LivingStandard, SpotCheck

REVIEW_INTERVAL_DAYS = 365


def review_cutoff(today: dt.date | None = None) -> dt.date:
    """Files last reviewed (or filed) before this day are overdue for their annual review."""
    return (today or timezone.localdate()) - dt.timedelta(days=REVIEW_INTERVAL_DAYS)


def _orgs_under(paths):
    return Org.objects.filter(reduce(or_, (Q(path__startswith=p) for p in minimal_paths(paths)))).values("pk")


def scoped_files(user, action: str = VIEW):
    """The files `user` may `action` on: a cadre's org subtrees, anyone else their own household's files.

    For a cadre this is the same set `restrict` gives (SCOPE_ORG_FIELDS is just "org"), written as
    `org_id IN (orgs under these paths)` and without restrict's "or my own household": so both SQLite and
    PostgreSQL look files up per union in the (org, status, last_reviewed_on) index instead of scanning it.
    A cadre sees their own household's file in the portal.
    """
    paths = user.scope_paths(action) if user is not None and user.is_authenticated and user.is_active else []
    if paths:
        return HardshipFile.objects.filter(org_id__in=_orgs_under(paths))
    return restrict(HardshipFile.objects.all(), user, action)


def file_list(*, user, status: str = "", cause: str = "", org=None, overdue: bool = False,
              never_assisted: bool = False, today: dt.date | None = None, action: str = VIEW):
    # prefetch, not select_related: a page takes its 50 files from the index first and then reads their
    # householders and unions, instead of joining those of every file in scope before sorting (79,464
    # overdue files district-wide in bench_care: 387 ms against 81 ms for the hand-written SQL on SQLite).
    qs = scoped_files(user, action)
    if org is not None:
        if can(user, action, org):
            # The org's subtree lies inside the user's scope: one `org_id IN (...)` instead of two, which
            # SQLite would otherwise evaluate both for the count and for the page.
            qs = HardshipFile.objects.filter(org_id__in=_orgs_under([org.path]))
        else:
            qs = qs.filter(org_id__in=_orgs_under([org.path]))
    qs = qs.prefetch_related("householder", "org")
    if status:
        qs = qs.filter(status=status)
    if cause:
        qs = qs.filter(main_cause=cause)
    if overdue:
        # One range scan of the (org, status, last_reviewed_on) index per union in scope.
        qs = qs.filter(status=FileStatus.FILED, last_reviewed_on__lt=review_cutoff(today))
    if never_assisted:
        qs = qs.filter(status=FileStatus.FILED).filter(~Exists(Assistance.objects.filter(file=OuterRef("pk"))))
    return qs.order_by("-pk")


def overdue_review_list(*, user, org=None, today: dt.date | None = None):
    """Filed files whose last review (or the filing) is more than a year old, oldest first."""
    return file_list(user=user, org=org, overdue=True, today=today).order_by("last_reviewed_on", "pk")


def never_assisted_list(*, user, org=None):
    """Filed files that have never received any assistance."""
    return file_list(user=user, org=org, never_assisted=True)


# The columns of the export, read as plain values: no model instance, nothing decrypted (the stored masked ID).
EXPORT_COLUMNS = ("pk", "org__name", "org__path", "householder__name", "householder__id_masked", "main_cause",
                  "secondary_causes", "family_size", "income_per_head", "status", "filed_on", "last_reviewed_on",
                  "assistance_count", "assistance_total")


def _per_file(queryset, aggregate, output_field):
    """One correlated aggregate per file, so the counts do not multiply each other as two joins would."""
    inner = queryset.filter(file=OuterRef("pk")).order_by().values("file").annotate(v=aggregate).values("v")
    return Coalesce(Subquery(inner, output_field=output_field), Value(0), output_field=output_field)


def file_export_rows(*, user, status: str = "", cause: str = "", org=None, overdue: bool = False,
                     never_assisted: bool = False, today: dt.date | None = None):
    """The rows of `file_list` under the export right, as tuples of EXPORT_COLUMNS in the list's order.

    Household size (the householder and the members still living in it) and the number and total of the
    assistance given are computed by the database in the same query: one query for any number of files.
    """
    qs = file_list(user=user, status=status, cause=cause, org=org, overdue=overdue, never_assisted=never_assisted,
                   today=today, action=EXPORT).prefetch_related(None)
    qs = qs.annotate(
        family_size=_per_file(FamilyMember.objects.filter(left_on__isnull=True), Count("*"), IntegerField()) + 1,
        assistance_count=_per_file(Assistance.objects.all(), Count("*"), IntegerField()),
        assistance_total=_per_file(Assistance.objects.all(), Sum("amount"),
                                   DecimalField(max_digits=14, decimal_places=2)),
    )
    return qs.values_list(*EXPORT_COLUMNS)


def standards_in_force(on: dt.date | None = None) -> dict[int, object]:
    """{org id: monthly amount} of the standard each org set that is in force on the day (latest first wins)."""
    rows = (LivingStandard.objects.filter(effective_from__lte=on or timezone.localdate())
            .order_by("org_id", "effective_from").values_list("org_id", "monthly_amount"))
    return dict(rows)


def standard_for_path(standards: dict[int, object], path: str):
    """The amount `living_standard_for` would give an org with this path: its own, else the nearest ancestor's."""
    for org_id in reversed([int(part) for part in path.strip("/").split("/") if part]):
        if org_id in standards:
            return standards[org_id]
    return None


def file_get(*, user, pk, action: str = VIEW) -> HardshipFile:
    """One file the user may `action` on; Http404 for missing and out-of-scope alike."""
    return gate(HardshipFile.objects.select_related("householder", "org", "org__parent"), user, action, pk=pk)


def my_files(user):
    """The files where the signed-in worker is the householder, the live one first."""
    if not user.is_authenticated:
        return HardshipFile.objects.none()
    return HardshipFile.objects.filter(householder__user=user).select_related("org").order_by("-pk")


def hardship_file_exists(worker) -> bool:
    """Public: whether `worker` is the householder of a live, filed hardship file (used by aid campaigns)."""
    if worker is None or getattr(worker, "pk", None) is None:
        return False
    return HardshipFile.objects.filter(householder_id=worker.pk, status=FileStatus.FILED).exists()


def living_standard_for(org, on: dt.date | None = None) -> LivingStandard | None:
    """The minimum living standard in force for `org` on the day: its own, or the nearest ancestor's."""
    if org is None:
        return None
    return (LivingStandard.objects.filter(org_id__in=org.ancestor_ids(), effective_from__lte=on or timezone.localdate())
            .order_by("-org__depth", "-effective_from").first())


def living_standard_list(*, user):
    return restrict(LivingStandard.objects.all(), user, VIEW).select_related("org").order_by("org__path",
                                                                                            "-effective_from")


def spot_check_list(*, user):
    return restrict(SpotCheck.objects.all(), user, VIEW).select_related("org", "drawn_by")


def spot_check_get(*, user, pk) -> SpotCheck:
    return gate(SpotCheck.objects.select_related("org", "drawn_by"), user, VIEW, pk=pk)
