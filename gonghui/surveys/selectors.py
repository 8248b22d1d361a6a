"""Reads for questionnaires. Cadres see those owned in their subtree (404 otherwise); a worker sees the
published ones addressed to them. Results never name a respondent of an anonymous questionnaire, and
name those of a named one only masked."""

import statistics
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from gonghui.core.privacy import mask_name
from gonghui.core.scoping import VIEW, gate, restrict_to_orgs
from gonghui.members.models import Membership, MembershipStatus

from .models import CHOICE_KINDS, Answer, Kind, Option, Question, Questionnaire, Response, Status
from .services import respondent_key


def questionnaire_list(*, user, status: str = "", action: str = VIEW):
    qs = restrict_to_orgs(Questionnaire.objects.all(), user, action).select_related("org", "target_org")
    if status in Status.values:
        qs = qs.filter(status=status)
    return qs.annotate(answered=Count("responses", distinct=True)).order_by("-created_at", "-pk")


def questionnaire_get(*, user, pk, action: str = VIEW) -> Questionnaire:
    return gate(Questionnaire.objects.select_related("org", "target_org"), user, action, pk=pk)


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.prefetch_related("options"))


# --- the worker's side ----------------------------------------------------------------------------

def _path_prefixes(path: str) -> list[str]:
    """'/1/4/27/' -> ['/1/', '/1/4/', '/1/4/27/']: the target orgs whose subtree holds this org."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def addressed_to(worker):
    """Published (or closed) questionnaires whose target subtree holds one of the worker's active
    memberships and whose groups include the worker's; one query, the group test done in Python (SQLite
    has no JSON containment)."""
    if worker is None:
        return []
    paths = Membership.objects.filter(worker=worker, status=MembershipStatus.ACTIVE).values_list(
        "org__path", flat=True)
    prefixes = {p for path in paths for p in _path_prefixes(path)}
    if not prefixes:
        return []
    qs = Questionnaire.objects.filter(target_org__path__in=prefixes).exclude(status=Status.DRAFT).select_related(
        "org", "target_org").order_by("closes_at", "pk")
    return [q for q in qs if not q.worker_groups or worker.employment_form in q.worker_groups]


def open_for_me(worker, now=None) -> list[tuple[Questionnaire, bool]]:
    """The questionnaires `worker` may answer now, each with whether they have answered it."""
    now = now or timezone.now()
    mine = [q for q in addressed_to(worker) if q.is_open(now)]
    keys = {respondent_key(q.pk, worker.pk): q.pk for q in mine}
    done = set(Response.objects.filter(questionnaire_id__in=[q.pk for q in mine], respondent_key__in=keys)
               .values_list("questionnaire_id", flat=True))
    return [(q, q.pk in done) for q in mine]


def addressed_get(worker, pk) -> Questionnaire:
    """One questionnaire addressed to `worker` (open or not), or Http404 exactly as for a missing one."""
    for q in addressed_to(worker):
        if str(q.pk) == str(pk):
            return q
    raise Http404


def has_answered(worker, questionnaire: Questionnaire) -> bool:
    return Response.objects.filter(questionnaire=questionnaire,
                                   respondent_key=respondent_key(questionnaire.pk, worker.pk)).exists()


# --- results --------------------------------------------------------------------------------------

def eligible_count(questionnaire: Questionnaire) -> int:
    """Workers with an active membership under the target (in the asked groups): the response rate's base."""
    qs = Membership.objects.filter(status=MembershipStatus.ACTIVE, org__path__startswith=questionnaire.target_org.path)
    if questionnaire.worker_groups:
        qs = qs.filter(worker__employment_form__in=questionnaire.worker_groups)
    return qs.values("worker_id").distinct().count()


def plain(value: Decimal | None) -> Decimal | None:
    """4.5000 -> 4.5, 100.0000 -> 100 (never 1E+2)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _pct(n: int, base: int) -> Decimal:
    return (Decimal(n) * 100 / base).quantize(Decimal("0.1")) if base else Decimal(0)


def recorded_needs(questionnaire: Questionnaire) -> set[str]:
    """The origins (source_ref) of this questionnaire's answer patterns already on the needs list."""
    from gonghui.needs.models import Need, NeedSource

    return set(Need.objects.filter(source=NeedSource.QUESTIONNAIRE,
                                   source_ref__startswith=f"questionnaire:{questionnaire.pk}:")
               .values_list("source_ref", flat=True))


def results(questionnaire: Questionnaire) -> dict:
    """The figures of the results page and the API: the response rate and, per question, its counts.

    Percentages of a question are of the respondents who answered that question."""
    from .services import need_origin

    responses = questionnaire.responses.count()
    eligible = eligible_count(questionnaire)
    questions = questions_of(questionnaire)
    answered = dict(Answer.objects.filter(question__questionnaire=questionnaire).values("question_id")
                    .annotate(n=Count("response_id", distinct=True)).values_list("question_id", "n"))
    by_option = dict(Answer.objects.filter(question__questionnaire=questionnaire, option__isnull=False)
                     .values("option_id").annotate(n=Count("*")).values_list("option_id", "n"))
    numbers: dict[int, list[Decimal]] = {}
    for question_id, number in (Answer.objects.filter(
            question__questionnaire=questionnaire, question__kind__in=[Kind.RATING, Kind.NUMBER],
            number__isnull=False).values_list("question_id", "number")):
        numbers.setdefault(question_id, []).append(number)
    text_counts = dict(Answer.objects.filter(question__questionnaire=questionnaire, question__kind=Kind.TEXT)
                       .exclude(text="").values("question_id").annotate(n=Count("*"))
                       .values_list("question_id", "n"))
    needs = recorded_needs(questionnaire)
    out = []
    for number, question in enumerate(questions, start=1):
        base = answered.get(question.pk, 0)
        item = {"number": number, "question": question, "id": question.pk, "kind": question.kind,
                "text": question.text, "answered": base}
        if question.kind in CHOICE_KINDS:
            item["options"] = [{
                "option": o, "id": o.pk, "label": o.label, "count": by_option.get(o.pk, 0),
                "percent": _pct(by_option.get(o.pk, 0), base),
                "need_recorded": need_origin(questionnaire, option=o) in needs,
            } for o in question.options.all()]
        elif question.kind == Kind.RATING:
            values = [int(v) for v in numbers.get(question.pk, [])]
            item["ratings"] = [{"value": v, "count": values.count(v), "percent": _pct(values.count(v), base),
                                "at_most": sum(1 for x in values if x <= v),
                                "need_recorded": need_origin(questionnaire, question=question, at_most=v) in needs,
                                "offer_need": v <= question.scale // 2}
                               for v in range(1, question.scale + 1)]
            item["mean"] = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01")) if values else None
        elif question.kind == Kind.NUMBER:
            values = sorted(numbers.get(question.pk, []))
            item["stats"] = {
                "count": len(values),
                "min": plain(values[0]) if values else None,
                "max": plain(values[-1]) if values else None,
                "mean": (sum(values) / len(values)).quantize(Decimal("0.01")) if values else None,
                "median": plain(Decimal(statistics.median(values))) if values else None,
            }
        else:
            item["texts"] = text_counts.get(question.pk, 0)
        out.append(item)
    return {"responses": responses, "eligible": eligible, "rate": _pct(responses, eligible), "questions": out}


def text_answers(questionnaire: Questionnaire, question: Question):
    """A text question's answers, oldest first, each with the respondent's masked name when the
    questionnaire is named (never a name otherwise)."""
    qs = Answer.objects.filter(question=question).exclude(text="").order_by("response__submitted_at", "pk")
    if questionnaire.anonymous:
        return qs.values("text")
    return qs.values("text", "response__worker__name")


def masked(name: str | None) -> str:
    return mask_name(name or "")


def question_get(questionnaire: Questionnaire, pk) -> Question:
    try:
        return questionnaire.questions.get(pk=pk)
    except (Question.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def option_get(questionnaire: Questionnaire, pk) -> Option:
    try:
        return Option.objects.select_related("question").get(pk=pk, question__questionnaire=questionnaire)
    except (Option.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def pattern_count(questionnaire: Questionnaire, *, option: Option | None = None, question: Question | None = None,
                  at_most: int | None = None) -> int:
    """How many respondents chose `option`, or rated `question` at most `at_most`."""
    if option is not None:
        return Answer.objects.filter(option=option).values("response_id").distinct().count()
    return Answer.objects.filter(Q(question=question) & Q(number__lte=at_most)).values(
        "response_id").distinct().count()


def export_rows(questionnaire: Questionnaire):
    """(response, {question id: display value}) for the export, one query for the answers."""
    questions = questions_of(questionnaire)
    labels = {o.pk: o.label for q in questions for o in q.options.all()}
    responses = list(questionnaire.responses.select_related("worker").order_by("submitted_at", "pk"))
    cells: dict[int, dict[int, list]] = {}
    for response_id, question_id, option_id, text, number in Answer.objects.filter(
            response__questionnaire=questionnaire).order_by("option__position", "pk").values_list(
            "response_id", "question_id", "option_id", "text", "number"):
        if option_id is not None:
            value = labels[option_id]
        elif number is not None:
            value = plain(number)
        else:
            value = text
        cells.setdefault(response_id, {}).setdefault(question_id, []).append(value)
    return questions, [(r, cells.get(r.pk, {})) for r in responses]
