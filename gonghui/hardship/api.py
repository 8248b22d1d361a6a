"""/api/v1/hardship: the worker's own household file, and the files in a cadre's scope (masked)."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.orgs.models import Org

from . import selectors
from .schemas import ErrorOut, FileDetailOut, FileFilters, FileOut

router = Router(tags=["hardship"])


@router.get("/mine", response={200: FileDetailOut, 404: ErrorOut})
def my_file_api(request):
    """The signed-in worker's household file: the live one, else the latest closed one."""
    files = list(selectors.my_files(request.auth).select_related("householder"))
    file = next((f for f in files if f.is_live), files[0] if files else None)
    if file is None:
        return Status(404, {"detail": _("Your household has no hardship file.")})
    return file


@router.get("/files", response=list[FileOut])
@paginate(LimitOffsetPagination, max_limit=200)
def file_list_api(request, filters: Query[FileFilters]):
    """Files in the caller's scope (a worker sees only their own household), newest first."""
    org = None
    if filters.org_id is not None:
        org = Org.objects.filter(pk=filters.org_id).first()
        if org is None:
            return selectors.file_list(user=request.auth).none()
    return selectors.file_list(user=request.auth, status=str(filters.status or ""), cause=str(filters.cause or ""),
                               overdue=filters.overdue, never_assisted=filters.never_assisted, org=org)


@router.get("/files/{int:file_id}", response=FileDetailOut)
def file_get_api(request, file_id: int):
    return selectors.file_get(user=request.auth, pk=file_id)
