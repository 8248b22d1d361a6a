"""The member pages of the cadre console: roster, detail, reveal, export, and the approval queue.

Resident IDs and mobile numbers are shown masked everywhere here; the one exception is the
response to an audited reveal, which shows the full ID once and is never cached or stored.
"""

import io
import re

import xlsxwriter
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.audit.services import audit_record
from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate, render_list
from gonghui.core.privacy import mask_mobile, mask_resident_id
from gonghui.core.scoping import APPROVE, EXPORT, REVEAL, VIEW, can, restrict
from gonghui.orgs.selectors import org_list

from . import selectors, services
from .forms import ReasonForm, RevealForm, WorkerFilterForm
from .models import Membership, MembershipEvent, MembershipStatus

PAGE_SIZE = 50
QUEUE_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_form(request):
    orgs = org_list(user=request.user).order_by("path")
    return WorkerFilterForm(request.GET or None, orgs=orgs)


def _with_status(qs):
    """Membership state per row as two EXISTS columns, so the roster does no query per row."""
    mine = Membership.objects.filter(worker=OuterRef("pk"))
    return qs.annotate(
        is_member=Exists(mine.filter(status=MembershipStatus.ACTIVE)),
        is_pending=Exists(mine.filter(status=MembershipStatus.PENDING)),
    )


@cadre_required
def worker_list(request):
    user = request.user
    form = _filter_form(request)
    qs = _with_status(selectors.worker_list(user=user, **form.filters()))
    context = {
        "form": form, "page_obj": paginate(request, qs, PAGE_SIZE),
        "may_export": bool(user.scope_paths(EXPORT)),
        "export_query": request.GET.urlencode(),
    }
    return render_list(request, "members/list.html", "members/_table.html", context)


def _detail_context(user, worker, **extra) -> dict:
    history = (
        worker.memberships.select_related("org", "transfer_from__org", "decided_by")
        .prefetch_related(Prefetch("events", queryset=MembershipEvent.objects.select_related("actor")))
        .order_by("applied_at", "pk")
    )
    may_reveal = bool(worker.org_id) and can(user, REVEAL, worker.org)
    return {"worker": worker, "history": history, "may_reveal": may_reveal} | extra


@cadre_required
def detail(request, pk):
    worker = selectors.worker_get(user=request.user, pk=pk, action=VIEW)
    return render(request, "members/detail.html", _detail_context(request.user, worker, reveal_form=RevealForm()))


@cadre_required
@require_POST
@never_cache
def reveal(request, pk):
    """Show one full resident ID, once, to a cadre with the reveal right who states a reason."""
    user = request.user
    worker = selectors.worker_get(user=user, pk=pk, action=REVEAL)
    form = RevealForm(request.POST)
    revealed = ""
    if form.is_valid():
        try:
            revealed = services.reveal_resident_id(
                actor=user, worker=worker, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = _detail_context(user, worker, reveal_form=form if not revealed else RevealForm(), revealed_id=revealed)
    return render(request, "members/detail.html", context, status=200 if revealed else 400)


def _safe_term(q: str) -> str:
    """A search term for the audit log: a number typed into the search box is logged masked."""
    if not re.search(r"\d{6,}", q):
        return q
    return mask_mobile(q) if len(q) == 11 and q.isdigit() else mask_resident_id(q)


@cadre_required
def export(request):
    """The filtered roster as .xlsx: masked resident IDs and mobiles only; every export is audited."""
    user = request.user
    if not user.scope_paths(EXPORT):
        raise PermissionDenied
    form = _filter_form(request)
    filters = form.filters()
    rows = restrict(selectors.worker_list(user=user, **filters), user, EXPORT).order_by("pk")
    headers = [pgettext("person", "Name"), _("Gender"), _("Resident ID"), _("Mobile number"), _("Employment form"),
               _("Union"), _("Employer"), _("Street/town where they work")]
    buffer = io.BytesIO()
    # Cells are written as plain strings: a name like "=HYPERLINK(...)" must never become a formula.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet(_("Members")[:31])
    bold = book.add_format({"bold": True})
    for col, title in enumerate(headers):
        sheet.write_string(0, col, str(title), bold)
    sheet.set_column(0, 0, 12)
    sheet.set_column(2, 3, 22)
    sheet.set_column(4, 7, 24)
    count = 0
    for count, w in enumerate(rows.select_related("street").iterator(chunk_size=2000), start=1):
        values = [w.name, w.get_gender_display(), w.id_masked, w.mobile_masked, w.get_employment_form_display(),
                  w.org.name if w.org_id else "", w.employer.name if w.employer_id else "",
                  w.street.name if w.street_id else ""]
        for col, value in enumerate(values):
            sheet.write_string(count, col, str(value))
    book.close()
    q = filters["q"]
    audit_record(actor=user, action="members.export", request=request, detail={
        "count": count,
        "filters": {
            "q": _safe_term(q),
            "employment_form": filters["employment_form"],
            "org": filters["org"].pk if filters["org"] is not None else None,
            "status": filters["status"],
        },
    })
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="members-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@cadre_required
def queue(request):
    applications = selectors.application_queue(user=request.user)
    return render(request, "members/queue.html", {
        "page_obj": paginate(request, applications, QUEUE_PAGE_SIZE),
    })


@cadre_required
@require_POST
def approve(request, pk):
    membership = selectors.membership_get(user=request.user, pk=pk, action=APPROVE)
    try:
        services.membership_approve(actor=request.user, membership=membership, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The application was approved."))
    return redirect("members:queue")


@cadre_required
@require_POST
def reject(request, pk):
    membership = selectors.membership_get(user=request.user, pk=pk, action=APPROVE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the reason for the rejection."))
        return redirect("members:queue")
    try:
        services.membership_reject(actor=request.user, membership=membership, reason=form.cleaned_data["reason"],
                                   request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The application was rejected."))
    return redirect("members:queue")


@cadre_required
@require_POST
def bulk_approve(request):
    """Approve the selected applications; rows outside the user's queue are ignored."""
    ids = {int(value) for value in request.POST.getlist("ids") if value.isdigit()}
    if not ids:
        messages.warning(request, _("Please select the applications to approve."))
        return redirect("members:queue")
    approved = 0
    for membership in selectors.application_queue(user=request.user).filter(pk__in=ids):
        try:
            services.membership_approve(actor=request.user, membership=membership, request=request)
        except ValidationError:
            continue
        approved += 1
    if approved:
        messages.success(request, _("Applications approved: %(n)d.") % {"n": approved})
    if len(ids) > approved:
        messages.warning(request, _("Applications not approved: %(n)d.") % {"n": len(ids) - approved})
    return redirect("members:queue")
