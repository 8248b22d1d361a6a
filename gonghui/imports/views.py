"""Console pages for imports: upload, job list, job page with live progress, downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.audit.services import audit_record
from gonghui.core.scoping import IMPORT, gate
from gonghui.orgs.models import Org

from . import report
from .engine import importer_for
from .forms import ImportForm
from .models import ImportKind
from .selectors import importable_orgs, job_get, job_list
from .services import import_start

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import_right(user):
    if not user.scope_paths(IMPORT):
        raise PermissionDenied


@login_required
@require_GET
def job_list_view(request):
    jobs = job_list(user=request.user)
    can_import = bool(request.user.scope_paths(IMPORT))
    if not can_import and not jobs.exists():
        raise PermissionDenied
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page, "can_import": can_import})


@login_required
@require_http_methods(["GET", "POST"])
def job_new(request):
    _require_import_right(request.user)
    orgs = importable_orgs(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        org = gate(Org, request.user, IMPORT, pk=form.cleaned_data["org_id"])
        try:
            job = import_start(user=request.user, kind=form.cleaned_data["kind"], org=org,
                               upload=form.cleaned_data["file"], request=request)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The file was accepted; the import is running."))
            return redirect("imports:detail", pk=job.pk)
    return render(request, "imports/new.html", {"form": form, "kinds": ImportKind.choices})


@login_required
@require_GET
def job_detail(request, pk):
    return render(request, "imports/detail.html", {"job": job_get(user=request.user, pk=pk)})


@login_required
@require_GET
def job_progress(request, pk):
    """The progress fragment the job page polls (HTMX) while the job runs."""
    return render(request, "imports/_progress.html", {"job": job_get(user=request.user, pk=pk)})


@login_required
@require_GET
def job_report(request, pk):
    job = job_get(user=request.user, pk=pk)
    if not job.report:
        raise Http404
    audit_record(actor=request.user, action="import.report_download", target=job, request=request)
    return FileResponse(job.report.open("rb"), as_attachment=True, content_type=XLSX_TYPE,
                        filename=_("import-%(id)s-errors.xlsx") % {"id": job.pk})


@login_required
@require_GET
def blank_template_view(request, kind):
    _require_import_right(request.user)
    if kind not in ImportKind.values:
        raise Http404
    names = {ImportKind.ROSTER: _("member-roster-template.xlsx"), ImportKind.CENSUS: _("census-template.xlsx")}
    response = HttpResponse(report.blank_template(importer_for(kind)), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, names[kind])
    return response
