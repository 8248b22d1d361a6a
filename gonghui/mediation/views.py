"""Console pages of mediation: committees and mediators (cadres), cases (cadres in scope),
"My cases" (a mediator), and the case actions open to the assigned mediator or a managing cadre."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.appeals.models import Appeal
from gonghui.audit.services import audit_record
from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate
from gonghui.core.scoping import MANAGE
from gonghui.orgs.selectors import org_list

from . import selectors, services
from .access import cadre_or_mediator_required, mediator_required
from .forms import (
    AgreementForm,
    AssignForm,
    CaseFilterForm,
    CaseForm,
    CommitteeForm,
    FailureForm,
    FromAppealForm,
    MediatorForm,
    SessionForm,
    WithdrawForm,
)
from .models import Status

PER_PAGE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _list(request, cases, title, mine):
    form = CaseFilterForm(request.GET or None)
    if form.is_bound and form.status_value():
        cases = cases.filter(status=form.status_value())
    return render(request, "mediation/cases.html", {
        "page": paginate(request, cases.order_by("-opened_at", "-pk"), PER_PAGE), "form": form, "title": title,
        "mine": mine, "may_open": not mine and selectors.committee_list(user=request.user, action=MANAGE).exists(),
    })


@cadre_or_mediator_required
def case_list(request):
    if not request.user.is_cadre:  # a mediator without a cadre role has only their own cases
        return redirect("mediation:mine")
    return _list(request, selectors.case_list(user=request.user), _("Mediation cases"), mine=False)


@mediator_required
def my_cases(request):
    return _list(request, selectors.my_cases(user=request.user), _("My mediation cases"), mine=True)


@cadre_or_mediator_required
def detail(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    return render(request, "mediation/detail.html", {
        "case": case, "sessions": case.sessions.select_related("recorded_by"), "events": case.events.select_related(
            "actor"), "may_manage": selectors.may_manage_case(request.user, case),
        "may_mediate": selectors.may_mediate(request.user, case), "Status": Status,
    })


def _form_page(request, form, title, case=None):
    return render(request, "mediation/form.html", {"form": form, "title": title, "case": case})


def _run(request, form, service, success, redirect_to, **kwargs):
    """Call the service with the form's data; on a ValidationError show it next to its field."""
    try:
        service(actor=request.user, request=request, **kwargs, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, success)
    return redirect(*redirect_to)


def _case_to_mediate(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    if not selectors.may_mediate(request.user, case):
        raise PermissionDenied
    return case


def _add_form(request, choices, make_form, service, success, url_name):
    """The add-form of a registry page and, after a good POST, the redirect. No form when the user manages
    nothing; a POST is then refused."""
    if not choices.exists():
        if request.method == "POST":
            raise PermissionDenied
        return None, None
    form = make_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return form, _run(request, form, service, success, (url_name,))
    return form, None


@cadre_required
@require_http_methods(["GET", "POST"])
def committees(request):
    user = request.user
    orgs = org_list(user=user, action=MANAGE).order_by("path")
    form, done = _add_form(request, orgs, lambda data: CommitteeForm(data, orgs=orgs), services.committee_create,
                           _("The committee was created."), "mediation:committees")
    if done:
        return done
    return render(request, "mediation/committees.html", {
        "committees": selectors.committee_list(user=user), "form": form})


@cadre_required
@require_http_methods(["GET", "POST"])
def mediators(request):
    user = request.user
    committees = selectors.committee_list(user=user, action=MANAGE)
    form, done = _add_form(request, committees, lambda data: MediatorForm(data, committees=committees),
                           services.mediator_add, _("The mediator was added."), "mediation:mediators")
    if done:
        return done
    return render(request, "mediation/mediators.html", {
        "mediators": selectors.mediator_list(user=user), "form": form,
        "manageable": set(selectors.mediator_list(user=user, action=MANAGE).values_list("pk", flat=True))})


@cadre_required
@require_POST
def mediator_toggle(request, pk):
    mediator = get_object_or_404(selectors.mediator_list(user=request.user, action=MANAGE), pk=pk)
    services.mediator_set_active(actor=request.user, mediator=mediator, active=not mediator.active, request=request)
    messages.success(request, _("The mediator was updated."))
    return redirect("mediation:mediators")


@cadre_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    user = request.user
    committees = selectors.committee_list(user=user, action=MANAGE)
    if not committees.exists():
        raise PermissionDenied
    form = CaseForm(request.POST or None, committees=committees,
                    mediators=selectors.mediator_list(user=user, action=MANAGE).filter(active=True))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case was opened."))
            return redirect("mediation:detail", pk=case.pk)
    return _form_page(request, form, _("Open a mediation case"))


@cadre_required
@require_http_methods(["GET", "POST"])
def from_appeal(request):
    """A worker's request (by its number) becomes a case; the request must be one the cadre may see."""
    user = request.user
    committees = selectors.committee_list(user=user, action=MANAGE)
    if not committees.exists():
        raise PermissionDenied
    form = FromAppealForm(request.POST or None, initial={"appeal": request.GET.get("appeal")},
                          committees=committees,
                          mediators=selectors.mediator_list(user=user, action=MANAGE).filter(active=True))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        appeal = Appeal.objects.filter(pk=data.pop("appeal")).first()
        try:
            if appeal is None:
                raise Http404
            case = services.case_open_from_appeal(actor=user, appeal=appeal, request=request, **data)
        except Http404:
            form.add_error("appeal", _("There is no request with this number that you may see."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case was opened."))
            return redirect("mediation:detail", pk=case.pk)
    return _form_page(request, form, _("Open a case from a worker's request"))


@cadre_required
@require_http_methods(["GET", "POST"])
def assign(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    if not selectors.may_manage_case(request.user, case):
        raise PermissionDenied
    form = AssignForm(request.POST or None, initial={"mediator": case.mediator},
                      mediators=case.committee.mediators.filter(active=True))
    if request.method == "POST" and form.is_valid():
        done = _run(request, form, services.case_assign, _("The mediator was assigned."),
                    ("mediation:detail", case.pk), case=case)
        if done:
            return done
    return _form_page(request, form, _("Assign a mediator"), case)


def _mediate(request, pk, form_class, service, success, title, initial=None):
    """A case step open to the assigned mediator or a managing cadre: one form, one service call."""
    case = _case_to_mediate(request, pk)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _run(request, form, service, success, ("mediation:detail", case.pk), case=case)
        if done:
            return done
    return _form_page(request, form, title, case)


@cadre_or_mediator_required
@require_http_methods(["GET", "POST"])
def session_new(request, pk):
    return _mediate(request, pk, SessionForm, services.session_record, _("The session was recorded."),
                    _("Record a session"))


@cadre_or_mediator_required
@require_http_methods(["GET", "POST"])
def agreement(request, pk):
    return _mediate(request, pk, AgreementForm, services.agreement_record,
                    _("The agreement was recorded and its document generated."), _("Record the agreement"))


@cadre_or_mediator_required
@require_http_methods(["GET", "POST"])
def failure(request, pk):
    return _mediate(request, pk, FailureForm, services.failure_record, _("The case was closed without agreement."),
                    _("Record failure with arbitration advice"), initial={"advice": services.standard_advice()})


@cadre_or_mediator_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    return _mediate(request, pk, WithdrawForm, services.case_withdraw, _("The application was withdrawn."),
                    _("Record the withdrawal of the application"))


@cadre_or_mediator_required
def agreement_download(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    if case.status != Status.AGREED or not case.agreement_file:
        raise Http404
    audit_record(actor=request.user, action="mediation.agreement_download", target=case, request=request)
    return FileResponse(case.agreement_file.open("rb"), as_attachment=True, content_type=DOCX,
                        filename=f"{case.number}.docx")
