"""Console pages: the list, the builder (settings, questions, publish, close, duplicate), the results with
their charts, the text answers, the .xlsx export, and "record as a need" from an answer pattern."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate, save_changes, save_form
from gonghui.core.scoping import EXPORT, MANAGE, can
from gonghui.orgs.selectors import unions_managed

from . import exports, selectors, services
from .forms import NeedForm, QuestionForm, QuestionnaireForm, StatusFilter
from .models import Kind, Status

PAGE_SIZE = 30
TEXTS_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"



def _refused(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@cadre_required
def questionnaire_list(request):
    filters = StatusFilter(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    return render(request, "surveys/list.html", {
        "page_obj": paginate(request, selectors.questionnaire_list(user=request.user, status=status), PAGE_SIZE),
        "filters": filters, "may_create": unions_managed(user=request.user).exists(), "now": timezone.now()})


@cadre_required
@require_http_methods(["GET", "POST"])
def questionnaire_create(request):
    orgs = unions_managed(user=request.user)
    if not orgs.exists():
        raise PermissionDenied
    form = QuestionnaireForm(request.POST or None, orgs=orgs)
    create = partial(services.questionnaire_create, actor=request.user, request=request)
    if (questionnaire := save_form(request, form, lambda data: create(**data),
                                   _("The questionnaire was created as a draft: now add its questions."))) is not None:
        return redirect("surveys:detail", pk=questionnaire.pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("New questionnaire"),
                                                 "back": "surveys:list"})


@cadre_required
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request, pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk, action=MANAGE)
    form = QuestionnaireForm(request.POST or None, orgs=unions_managed(user=request.user), questionnaire=questionnaire,
                             initial=QuestionnaireForm.initial_for(questionnaire))
    def update(**changes):
        if "target_org" in changes and changes["target_org"] is None:  # left empty: the owner's whole subtree
            changes["target_org"] = questionnaire.org
        return services.questionnaire_update(actor=request.user, questionnaire=questionnaire, request=request,
                                             **changes)

    if save_changes(request, form, update, questionnaire, _("The questionnaire was saved.")) is not None:
        return redirect("surveys:detail", pk=questionnaire.pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("Edit"), "subject": questionnaire,
                                                 "back_pk": questionnaire.pk})


@cadre_required
def questionnaire_detail(request, pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk)
    return render(request, "surveys/detail.html", {
        "q": questionnaire, "questions": selectors.questions_of(questionnaire),
        "may_manage": can(request.user, MANAGE, questionnaire.org), "Status": Status,
        "responses": questionnaire.responses.count(), "eligible": selectors.eligible_count(questionnaire)})


@cadre_required
@require_http_methods(["GET", "POST"])
def question_add(request, pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk, action=MANAGE)
    form = QuestionForm(request.POST or None)
    add = partial(services.question_add, actor=request.user, questionnaire=questionnaire, request=request)
    if save_form(request, form, lambda _data: add(**form.service_args()), _("The question was added.")) is not None:
        return redirect("surveys:detail", pk=questionnaire.pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("Add a question"), "subject": questionnaire,
                                                 "back_pk": questionnaire.pk})


@cadre_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk, action=MANAGE)
    question = selectors.question_get(questionnaire, question_pk)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    update = partial(services.question_update, actor=request.user, question=question, request=request)
    if save_form(request, form, lambda _data: update(**form.service_args()), _("The question was saved.")) is not None:
        return redirect("surveys:detail", pk=questionnaire.pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("Edit the question"),
                                                 "subject": questionnaire, "back_pk": questionnaire.pk})


@cadre_required
@require_POST
def question_remove(request, pk, question_pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk, action=MANAGE)
    question = selectors.question_get(questionnaire, question_pk)
    try:
        services.question_remove(actor=request.user, question=question, request=request)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The question was removed."))
    return redirect("surveys:detail", pk=questionnaire.pk)


@cadre_required
@require_POST
def question_move(request, pk, question_pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk, action=MANAGE)
    question = selectors.question_get(questionnaire, question_pk)
    try:
        services.question_move(actor=request.user, question=question, up=request.POST.get("direction") == "up",
                               request=request)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("surveys:detail", pk=questionnaire.pk)


def _action(service, done_message):
    @cadre_required
    @require_POST
    def view(request, pk):
        questionnaire = selectors.questionnaire_get(user=request.user, pk=pk, action=MANAGE)
        try:
            result = service(actor=request.user, questionnaire=questionnaire, request=request)
        except ValidationError as exc:
            _refused(request, exc)
            return redirect("surveys:detail", pk=questionnaire.pk)
        messages.success(request, done_message())
        return redirect("surveys:detail", pk=result.pk)

    return view


questionnaire_publish = _action(services.questionnaire_publish, lambda: _(
    "The questionnaire is published: workers can answer it from its opening time."))
questionnaire_close = _action(services.questionnaire_close, lambda: _(
    "The questionnaire is closed: no more answers are accepted."))
questionnaire_duplicate = _action(services.questionnaire_duplicate, lambda: _(
    "This is a new draft copied from the questionnaire: check its dates, then publish it."))


# --- results --------------------------------------------------------------------------------------

@cadre_required
def questionnaire_results(request, pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk)
    return render(request, "surveys/results.html", {
        "q": questionnaire, "results": selectors.results(questionnaire), "Kind": Kind,
        "may_manage": can(request.user, MANAGE, questionnaire.org),
        "may_export": can(request.user, EXPORT, questionnaire.org)})


@cadre_required
def text_answers(request, pk, question_pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk)
    question = selectors.question_get(questionnaire, question_pk)
    page = paginate(request, selectors.text_answers(questionnaire, question), TEXTS_PAGE_SIZE)
    rows = [{"text": r["text"], "name": "" if questionnaire.anonymous else selectors.masked(
        r.get("response__worker__name"))} for r in page.object_list]
    return render(request, "surveys/texts.html", {"q": questionnaire, "question": question, "page_obj": page,
                                                  "rows": rows})


@cadre_required
def questionnaire_export(request, pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk)
    content = exports.questionnaire_export(actor=request.user, questionnaire=questionnaire, request=request)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="questionnaire-{questionnaire.pk}.xlsx"'
    return response


def _need_page(request, questionnaire, *, option=None, question=None, at_most=None):
    if option is not None:
        question = option.question
        pattern = option.label
    else:
        pattern = _("ratings of %(n)d or less") % {"n": at_most}
    headcount = selectors.pattern_count(questionnaire, option=option, question=question, at_most=at_most)
    form = NeedForm(request.POST or None, initial={"title": f"{question.text}：{pattern}"[:120]})
    if request.method == "POST" and form.is_valid():
        try:
            services.need_from_answers(actor=request.user, questionnaire=questionnaire, option=option,
                                       question=question, at_most=at_most, request=request, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "source_ref" in exc.error_dict:
                messages.info(request, _("This answer is already on the needs list."))
                return redirect("surveys:results", pk=questionnaire.pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The need was recorded on the needs list (%(n)d workers).") % {
                "n": headcount})
            return redirect("surveys:results", pk=questionnaire.pk)
    groups = questionnaire.group_labels()
    origin = services.need_origin(questionnaire, option=option, question=question, at_most=at_most)
    return render(request, "surveys/need.html", {
        "recorded": origin in selectors.recorded_needs(questionnaire),
        "q": questionnaire, "question": question, "pattern": pattern, "headcount": headcount, "form": form,
        "group": groups[0] if len(groups) == 1 else "", "place": questionnaire.target_org.name})


@cadre_required
@require_http_methods(["GET", "POST"])
def need_from_option(request, pk, option_pk):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk, action=MANAGE)
    return _need_page(request, questionnaire, option=selectors.option_get(questionnaire, option_pk))


@cadre_required
@require_http_methods(["GET", "POST"])
def need_from_rating(request, pk, question_pk, at_most):
    questionnaire = selectors.questionnaire_get(user=request.user, pk=pk, action=MANAGE)
    question = selectors.question_get(questionnaire, question_pk)
    if question.kind != Kind.RATING or not 1 <= at_most <= question.scale:
        raise Http404
    return _need_page(request, questionnaire, question=question, at_most=at_most)
