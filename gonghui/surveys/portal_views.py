"""The worker's side: the questionnaires addressed to me, and the one-page answer form (submitted once)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.members.selectors import my_worker

from . import selectors, services
from .models import Kind


@login_required
def mine(request):
    worker = my_worker(request.user)
    return render(request, "surveys/portal_mine.html", {
        "items": selectors.open_for_me(worker) if worker else [], "worker": worker})


def _form_rows(questions, data=None, errors=None):
    rows = []
    for number, question in enumerate(questions, start=1):
        name = f"q{question.pk}"
        if question.kind == Kind.MULTIPLE:
            value = data.getlist(name) if data is not None else []
        else:
            value = data.get(name, "") if data is not None else ""
        rows.append({"number": number, "question": question, "name": name, "value": value,
                     "options": list(question.options.all()), "error": (errors or {}).get(name, ""),
                     "scale": range(1, question.scale + 1)})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, pk):
    worker = my_worker(request.user)
    questionnaire = selectors.addressed_get(worker, pk)  # 404 unless addressed to this worker
    questions = selectors.questions_of(questionnaire)
    refusal = services.answer_refusal(worker, questionnaire)
    answered = selectors.has_answered(worker, questionnaire)
    errors: dict = {}
    top: list[str] = []
    if request.method == "POST":
        answers = {}
        for question in questions:
            name = f"q{question.pk}"
            answers[name] = (request.POST.getlist(name) if question.kind == Kind.MULTIPLE
                             else request.POST.get(name, ""))
        try:
            services.response_submit(worker=worker, questionnaire=questionnaire, answers=answers, request=request)
        except ValidationError as exc:
            if services.is_already_answered(exc):
                messages.info(request, _("You have already answered this questionnaire."))
                return redirect("surveys_portal:mine")
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
            top = [errors.pop(k) for k in ("questionnaire", "answers") if k in errors] or (
                [] if errors else exc.messages)
        else:
            messages.success(request, _("Thank you: your answers were recorded."))
            return redirect("surveys_portal:mine")
    return render(request, "surveys/portal_answer.html", {
        "q": questionnaire, "rows": _form_rows(questions, request.POST if request.method == "POST" else None, errors),
        "refusal": refusal, "answered": answered, "top_errors": top, "Kind": Kind})
