"""/api/v1/imports/: upload a roster or census file, follow its progress, fetch its error report.

Same services and selectors as the console pages; an organisation or job outside the caller's
scope answers 404, exactly like a missing one.
"""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.audit.services import audit_record
from gonghui.core.scoping import IMPORT, gate
from gonghui.orgs.models import Org

from .models import ImportKind
from .schemas import ErrorOut, ImportJobOut
from .selectors import job_get, job_list
from .services import import_start

router = Router(tags=["imports"])
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("", response={201: ImportJobOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}, url_name="imports_create")
def create(request, kind: Form[ImportKind], org_id: Form[int], file: File[UploadedFile]):
    """Upload a file (multipart: kind = roster | census, org_id, file); the import runs in the background.

    A refused file (wrong type, missing column, too large) answers 422 and leaves nothing behind;
    an organisation outside the caller's import scope answers 404. Follow the job with GET .../{id}.
    """
    org = gate(Org, request.auth, IMPORT, pk=org_id)
    job = import_start(user=request.auth, kind=kind.value, org=org, upload=file, request=request)
    return Status(201, job_get(user=request.auth, pk=job.pk))


@router.get("", response=list[ImportJobOut], url_name="imports_list")
@paginate(LimitOffsetPagination)
def list_jobs(request):
    return job_list(user=request.auth)


@router.get("/{int:job_id}", response={200: ImportJobOut, 401: ErrorOut, 404: ErrorOut}, url_name="imports_get")
def get_job(request, job_id: int):
    return job_get(user=request.auth, pk=job_id)


@router.get("/{int:job_id}/report", url_name="imports_report", response={200: None},
            openapi_extra={"responses": {200: {"description": "The error report (.xlsx)",
                                               "content": {XLSX_TYPE: {}}}}})
def report(request, job_id: int):
    """The error report: rows, columns, reasons and the original values, IDs and mobiles masked."""
    job = job_get(user=request.auth, pk=job_id)
    if not job.report:
        raise Http404
    audit_record(actor=request.auth, action="import.report_download", target=job, request=request)
    return FileResponse(job.report.open("rb"), as_attachment=True, content_type=XLSX_TYPE,
                        filename=_("import-%(id)s-errors.xlsx") % {"id": job.pk})
