"""Console pages for the hardship files: list with the two watch lists, detail, and one form per action.

Names and resident IDs are masked on every page; the actions all go through the services, so a
page can never do what the service refuses.
"""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate
from gonghui.core import privacy
from gonghui.core.scoping import MANAGE, VIEW, gate, restrict
from gonghui.members.models import Worker
from gonghui.orgs.models import Org

from . import exports, selectors, services
from .forms import (
    AssistanceForm,
    CloseForm,
    FamilyFormSet,
    FamilyLeaveForm,
    FamilyMemberForm,
    FileCreateForm,
    FileEditForm,
    FileFilterForm,
    NoteForm,
    PlanForm,
    PublicityForm,
    ReviewForm,
    SpotCheckForm,
    StandardForm,
    VisitForm,
    family_rows,
)
from .models import FileStatus

PER_PAGE = 50
FILTER_PARAMS = ("status", "cause", "list", "org")
_FAMILY_KEY = re.compile(r"^family-(\d+)-(\w+)$")


def add_household_errors(form, formset, exc: ValidationError, filled: list[int]) -> None:
    """A service error on `family-<n>-<field>` goes to the n-th filled row of the formset."""
    rest = {}
    for key, errors in exc.message_dict.items():
        match = _FAMILY_KEY.match(key)
        if match and int(match[1]) < len(filled):
            target = formset.forms[filled[int(match[1])]]
            target.add_error(match[2] if match[2] in target.fields else None, errors)
        else:
            rest[key] = errors
    if rest:
        add_service_errors(form, ValidationError(rest))


def household_submit(request, form, formset, submit):
    """Validate the form and the family rows, then call `submit(data, family)`; None when refused."""
    if not (form.is_valid() and formset.is_valid()):
        return None
    filled = [i for i, f in enumerate(formset.forms) if f.cleaned_data]
    try:
        return submit(form.cleaned_data, family_rows(formset))
    except ValidationError as exc:
        add_household_errors(form, formset, exc, filled)
    return None


def _within_org(request) -> Org | None:
    """`?org=<pk>` narrows the list to one subtree (the cockpit's figures link here): 404 when out of scope."""
    pk = request.GET.get("org", "").strip()
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    return gate(Org, request.user, VIEW, pk=int(pk))


@cadre_required
def file_list(request):
    form = FileFilterForm(request.GET or None)
    org = _within_org(request)
    qs = selectors.file_list(user=request.user, org=org, **form.filters())
    return render(request, "hardship/list.html", {
        "form": form, "page_obj": paginate(request, qs, PER_PAGE), "within": org,
        "overdue_count": selectors.overdue_review_list(user=request.user).count(),
        "never_assisted_count": selectors.never_assisted_list(user=request.user).count(),
        "may_manage": bool(request.user.scope_paths(MANAGE)),
        "may_export": exports.may_export(request.user, org),
        "export_query": urlencode({k: request.GET[k] for k in FILTER_PARAMS if request.GET.get(k, "").strip()}),
    })


@cadre_required
@require_http_methods(["GET"])
def export(request):
    """The list with the same filters as .xlsx: names and resident IDs masked, every export audited.

    An org outside the user's scope answers 404 as the list does; no export right on it, 403.
    """
    form = FileFilterForm(request.GET or None)
    org = _within_org(request)
    out, _count = exports.export_file(user=request.user, filters=form.filters(), org=org, request=request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = FileResponse(out, as_attachment=True, filename=f"hardship-files-{stamp}.xlsx",
                            content_type=exports.XLSX)
    response["Cache-Control"] = "no-store"
    return response


@cadre_required
def detail(request, pk):
    file = selectors.file_get(user=request.user, pk=pk)
    householder = file.householder
    standard = selectors.living_standard_for(file.org)
    return render(request, "hardship/detail.html", {
        "file": file, "Status": FileStatus,
        "householder_name": privacy.mask_name(householder.name), "householder_mobile": householder.mobile_masked,
        "family": file.family.all(), "visits": file.visits.select_related("recorded_by"),
        "reviews": file.reviews.select_related("reviewer"), "plans": file.plans.all(),
        "assistance": file.assistance.select_related("giver_org"),
        "assistance_total": file.assistance.aggregate(total=Sum("amount"))["total"],
        "events": file.events.select_related("actor"), "archive": getattr(file, "archive", None),
        "standard": standard, "below_standard": standard is not None and file.income_per_head < standard.monthly_amount,
        "actions": _actions(request.user, file), "may_manage": services.may_manage(request.user, file),
        "review_overdue": file.status == FileStatus.FILED and file.last_reviewed_on is not None
        and file.last_reviewed_on < selectors.review_cutoff(),
        "leave_form": FamilyLeaveForm(),
    })


# What each action page does: its title, its form, and the status it moves the file to (None: not a move).
ACTIONS = {
    "check": (gettext_lazy("Grassroots check"), NoteForm, FileStatus.CHECKED),
    "visit": (gettext_lazy("Record a home visit"), VisitForm, None),
    "review": (gettext_lazy("Review by the higher union"), NoteForm, FileStatus.REVIEWED),
    "publicity": (gettext_lazy("Start the publicity"), PublicityForm, FileStatus.PUBLICITY),
    "file": (gettext_lazy("File the household"), NoteForm, FileStatus.FILED),
    "exit": (gettext_lazy("Exit from hardship"), CloseForm, FileStatus.EXITED),
    "cancel": (gettext_lazy("Cancel the file"), CloseForm, FileStatus.CANCELLED),
    "annual-review": (gettext_lazy("Annual review"), ReviewForm, None),
    "plan": (gettext_lazy("Assistance plan"), PlanForm, None),
    "family": (gettext_lazy("Add a family member"), FamilyMemberForm, None),
    "edit": (gettext_lazy("Causes and evidence"), FileEditForm, None),
    "assistance": (gettext_lazy("Record assistance"), AssistanceForm, None),
}


def _actions(user, file) -> list[tuple[str, str]]:
    """The actions this user may take on this file now, as (slug, title)."""
    allowed = set(file.allowed_statuses())
    may = services.may_manage(user, file)
    out = []
    for slug, (title, _form, to_status) in ACTIONS.items():
        if to_status == FileStatus.REVIEWED:
            ok = to_status in allowed and services.may_review_higher(user, file)
        elif to_status is not None:
            ok = may and to_status in allowed
        elif slug in ("annual-review", "assistance"):
            ok = may and file.status == FileStatus.FILED
        else:
            ok = may and file.is_live
        if ok:
            out.append((slug, str(title)))
    return out


def _giver_orgs(user):
    return restrict(Org.objects.all(), user, MANAGE).order_by("path")


def _submit(request, file, slug, data):
    to_status = ACTIONS[slug][2]
    if to_status is not None:
        return services.file_transition(actor=request.user, file=file, to_status=to_status, request=request, **data)
    if slug == "family":
        return services.family_member_add(actor=request.user, file=file, member=data, request=request)
    handler = {"visit": services.visit_record, "edit": services.file_update, "annual-review": services.review_record,
               "plan": services.plan_set, "assistance": services.assistance_record}[slug]
    return handler(actor=request.user, file=file, request=request, **data)


@cadre_required
@require_http_methods(["GET", "POST"])
def action(request, pk, slug):
    if slug not in ACTIONS:
        raise Http404
    file = selectors.file_get(user=request.user, pk=pk)
    # The page is open to whoever may act on the file; the service refuses a move the status does not allow.
    if not (services.may_review_higher(request.user, file) if slug == "review"
            else services.may_manage(request.user, file)):
        raise PermissionDenied
    title, form_class, _to = ACTIONS[slug]
    kwargs = {"orgs": _giver_orgs(request.user)} if form_class is AssistanceForm else {}
    if form_class is FileEditForm:
        kwargs["initial"] = {"main_cause": file.main_cause, "secondary_causes": file.secondary_causes,
                             "evidence": file.evidence}
    form = form_class(request.POST if request.method == "POST" else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            _submit(request, file, slug, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved: %(action)s.") % {"action": title})
            return redirect("hardship:detail", pk=file.pk)
    return render(request, "hardship/form.html", {"form": form, "file": file, "title": title,
                                                  "householder_name": privacy.mask_name(file.householder.name)})


@cadre_required
@require_http_methods(["GET", "POST"])
def create(request):
    """A cadre opens a file after visiting the household."""
    if not request.user.scope_paths(MANAGE):
        raise PermissionDenied
    form = FileCreateForm(request.POST or None)
    formset = FamilyFormSet(request.POST or None, prefix="family")

    def submit(data, family):
        worker = restrict(Worker.objects.all(), request.user, MANAGE).filter(
            id_hash=privacy.blind_index(data.pop("householder_resident_id"))).first()
        if worker is None:
            raise ValidationError({"householder_resident_id": _(
                "No worker with this resident ID is registered in your unions.")})
        return services.file_create(actor=request.user, householder=worker, family=family, request=request, **data)

    if request.method == "POST":
        file = household_submit(request, form, formset, submit)
        if file is not None:
            messages.success(request, _("The hardship file was opened."))
            return redirect("hardship:detail", pk=file.pk)
    return render(request, "hardship/create.html", {"form": form, "formset": formset})


@cadre_required
@require_http_methods(["GET", "POST"])
def spot_checks(request):
    orgs = _giver_orgs(request.user)
    form = SpotCheckForm(request.POST or None, orgs=orgs, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not orgs.exists():
            raise PermissionDenied
        if form.is_valid():
            try:
                check = services.spot_check_draw(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The spot check was drawn."))
                return redirect("hardship:spot_check", pk=check.pk)
    return render(request, "hardship/spot_checks.html", {
        "form": form if orgs.exists() else None,
        "page_obj": paginate(request, selectors.spot_check_list(user=request.user), PER_PAGE)})


@cadre_required
def spot_check(request, pk):
    check = selectors.spot_check_get(user=request.user, pk=pk)
    drawn = selectors.file_list(user=request.user).filter(pk__in=check.drawn_ids).order_by("pk")
    return render(request, "hardship/spot_check.html", {
        "check": check, "drawn": drawn, "verified": services.spot_check_redraw(check) == check.drawn_ids,
        "share": round(100 * len(check.drawn_ids) / check.population_count) if check.population_count else 0})


@cadre_required
@require_http_methods(["GET", "POST"])
def standards(request):
    orgs = _giver_orgs(request.user)
    form = StandardForm(request.POST or None, orgs=orgs)
    if request.method == "POST":
        if not orgs.exists():
            raise PermissionDenied
        if form.is_valid():
            try:
                services.living_standard_set(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The minimum living standard was saved."))
                return redirect(reverse("hardship:standards"))
    return render(request, "hardship/standards.html", {
        "form": form if orgs.exists() else None, "standards": selectors.living_standard_list(user=request.user)})


@cadre_required
@require_POST
def family_leave(request, pk, member_pk):
    """A member left the household: marked on file with the reason, never deleted."""
    file = selectors.file_get(user=request.user, pk=pk)
    member = get_object_or_404(file.family.all(), pk=member_pk)
    if not services.may_manage(request.user, file):
        raise PermissionDenied
    form = FamilyLeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[name].label}: {' '.join(errs)}"
                                         for name, errs in form.errors.items()))
        return redirect("hardship:detail", pk=file.pk)
    try:
        services.family_member_leave(actor=request.user, file=file, member=member, request=request,
                                     **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The family member was marked as having left the household."))
    return redirect("hardship:detail", pk=file.pk)
