"""Reads of import jobs, always scoped: a job is visible to whoever uploaded it and to the
cadres whose import scope covers its target organisation."""

from django.http import Http404

from gonghui.core.scoping import IMPORT, restrict
from gonghui.orgs.models import Org, OrgStatus

from .models import ImportJob


def job_list(*, user):
    qs = ImportJob.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    return (restrict(qs, user, IMPORT) | qs.filter(created_by=user)).select_related("org", "created_by")


def job_get(*, user, pk) -> ImportJob:
    """One job, or 404 alike for a missing job and one outside the user's sight."""
    try:
        return job_list(user=user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def importable_orgs(*, user):
    """Active organisations the user may import into (rosters need a joinable union, checked later)."""
    return restrict(Org.objects.filter(status=OrgStatus.ACTIVE), user, IMPORT).order_by("path")
