"""/api/v1/surveys: for a worker, the questionnaires open to them, one with its questions, and submitting
answers (once: a second answer is 409); for a cadre, the questionnaires of their subtree and their results.

Answers go through the same service as the portal: a bad answer is 422 with the question named in the
message (field "q<id>"), nothing stored."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status

from gonghui.core.api import api
from gonghui.members.selectors import my_worker

from . import selectors, services
from .models import Status as QuestionnaireStatus
from .schemas import CadreListOut, MineOut, QuestionnaireDetailOut, ResponseIn, ResponseOut, ResultsOut

router = Router(tags=["questionnaires"])


@router.get("/mine", response=list[MineOut])
def mine_api(request):
    """Questionnaires open now to the caller, each with whether they have answered it."""
    worker = my_worker(request.auth)
    out = []
    for questionnaire, answered in selectors.open_for_me(worker) if worker else []:
        questionnaire.answered = answered
        out.append(questionnaire)
    return out


@router.get("/mine/{int:questionnaire_id}", response=QuestionnaireDetailOut)
def mine_get_api(request, questionnaire_id: int):
    """One questionnaire addressed to the caller, with its questions; 404 when it is not addressed to them."""
    worker = my_worker(request.auth)
    questionnaire = selectors.addressed_get(worker, questionnaire_id)
    answered = selectors.has_answered(worker, questionnaire)
    refusal = services.answer_refusal(worker, questionnaire)
    return {
        "id": questionnaire.pk, "title": questionnaire.title, "intro": questionnaire.intro,
        "org_name": questionnaire.org.name, "target_org_name": questionnaire.target_org.name,
        "worker_groups": questionnaire.worker_groups, "anonymous": questionnaire.anonymous,
        "opens_at": questionnaire.opens_at, "closes_at": questionnaire.closes_at, "status": questionnaire.status,
        "phase": questionnaire.phase(), "answered": answered, "refusal": refusal,
        "may_answer": not refusal and not answered,
        "questions": [
            {"id": q.pk, "number": n, "kind": q.kind, "text": q.text, "required": q.required,
             "scale": q.scale if q.kind == "rating" else None, "min_value": q.min_value, "max_value": q.max_value,
             "max_choices": q.max_choices, "options": [{"id": o.pk, "label": o.label} for o in q.options.all()]}
            for n, q in enumerate(selectors.questions_of(questionnaire), start=1)],
    }


@router.post("/mine/{int:questionnaire_id}/responses", response={201: ResponseOut, 409: dict})
def respond_api(request, questionnaire_id: int, payload: ResponseIn):
    """Submit all answers at once. 422 names each bad question; 409 when the caller has already answered."""
    worker = my_worker(request.auth)
    questionnaire = selectors.addressed_get(worker, questionnaire_id)
    try:
        response = services.response_submit(worker=worker, questionnaire=questionnaire, answers=payload.answers,
                                             request=request)
    except ValidationError as exc:
        if services.is_already_answered(exc):
            message = exc.message_dict["questionnaire"][0]
            return api.create_response(request, {"detail": message, "errors": [
                {"field": "questionnaire", "message": message}]}, status=409)
        raise
    return Status(201, {"received": True, "submitted_at": response.submitted_at})


@router.get("/", response=list[CadreListOut])
def list_api(request, status: str = ""):
    """The questionnaires owned by unions in the caller's subtree, newest first (at most 500)."""
    if status and status not in QuestionnaireStatus.values:
        raise ValidationError({"status": _("Please choose one of the allowed values.")})
    return list(selectors.questionnaire_list(user=request.auth, status=status)[:500])


@router.get("/{int:questionnaire_id}/results", response=ResultsOut)
def results_api(request, questionnaire_id: int):
    """Response rate and per-question figures; never a respondent's name. 404 outside the caller's subtree."""
    questionnaire = selectors.questionnaire_get(user=request.auth, pk=questionnaire_id)
    figures = selectors.results(questionnaire)
    questions = []
    for item in figures["questions"]:
        row = {k: v for k, v in item.items() if k != "question"}
        if "options" in row:
            row["options"] = [{k: v for k, v in o.items() if k != "option"} for o in row["options"]]
        questions.append(row)
    return {"id": questionnaire.pk, "title": questionnaire.title, "anonymous": questionnaire.anonymous,
            "responses": figures["responses"], "eligible": figures["eligible"], "rate": figures["rate"],
            "questions": questions}
