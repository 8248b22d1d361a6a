"""Writes for questionnaires: keyword-only, atomic, audited; bad input changes nothing.

The builder works on drafts only: publishing locks the questions, so every answer refers to the
question the worker actually saw. A response is refused twice: by a check that gives the friendly
message, and by the database's UNIQUE (questionnaire, respondent_key), which is what holds when two
submissions race (a double tap, two tabs).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.choices import EmploymentForm
from gonghui.core.privacy import blind_index
from gonghui.core.scoping import MANAGE, can

from .models import (
    CHOICE_KINDS,
    MAX_SCALE,
    MAX_TEXT,
    MIN_SCALE,
    Answer,
    Kind,
    Option,
    Question,
    Questionnaire,
    Response,
    Status,
)

MAX_QUESTIONS = 60
MAX_OPTIONS = 30
NUMBER_LIMIT = Decimal("1e12")
ALREADY_ANSWERED = "already_answered"


def respondent_key(questionnaire_id: int, worker_id: int) -> str:
    """The keyed hash that makes one answer per person a database fact without storing who answered."""
    return blind_index(f"survey-response:{questionnaire_id}:{worker_id}")


def _is_aware(value) -> bool:
    return isinstance(value, dt.datetime) and timezone.is_aware(value)


def _check_locked(questionnaire: Questionnaire) -> None:
    if questionnaire.status != Status.DRAFT:
        raise ValidationError({"status": _(
            "This questionnaire has been published: its settings and questions can no longer be changed.")})


def _check_manage(actor, questionnaire: Questionnaire) -> None:
    if not can(actor, MANAGE, questionnaire.org):
        raise PermissionDenied


# --- the questionnaire ---------------------------------------------------------------------------

def _settings_errors(*, actor, org, title, intro, target_org, worker_groups, opens_at, closes_at) -> dict:
    errors: dict[str, str] = {}
    if org is None or not can(actor, MANAGE, org):
        errors["org"] = _("Please choose a union you manage.")
    if not (title or "").strip():
        errors["title"] = _("Please enter a title.")
    elif len(title.strip()) > 120:
        errors["title"] = _("The title may be at most 120 characters.")
    if len((intro or "").strip()) > MAX_TEXT:
        errors["intro"] = _("The introduction may be at most 2000 characters.")
    if target_org is None:
        errors["target_org"] = _("Please choose whose members are asked.")
    elif "org" not in errors and not target_org.path.startswith(org.path):
        errors["target_org"] = _("Please choose the union itself or a union under it.")
    if not isinstance(worker_groups, list | tuple) or any(
            not isinstance(g, str) or g not in EmploymentForm.values for g in worker_groups):
        errors["worker_groups"] = _("Please choose worker groups from the list.")
    for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not _is_aware(value):
            errors[field] = _("Please enter a date and time such as 2025-06-30 08:00.")
    if "opens_at" not in errors and "closes_at" not in errors and closes_at <= opens_at:
        errors["closes_at"] = _("The closing time must be after the opening time.")
    return errors


@transaction.atomic
def questionnaire_create(*, actor, org, title: str, opens_at: dt.datetime, closes_at: dt.datetime,
                         intro: str = "", target_org=None, worker_groups=(), anonymous: bool = True,
                         request=None) -> Questionnaire:
    """A new draft; the target defaults to the owner union's whole subtree."""
    target_org = target_org or org
    errors = _settings_errors(actor=actor, org=org, title=title, intro=intro, target_org=target_org,
                              worker_groups=worker_groups, opens_at=opens_at, closes_at=closes_at)
    if errors:
        raise ValidationError(errors)
    questionnaire = Questionnaire.objects.create(
        org=org, title=title.strip(), intro=(intro or "").strip(), target_org=target_org,
        worker_groups=sorted(set(worker_groups)), anonymous=bool(anonymous), opens_at=opens_at,
        closes_at=closes_at, created_by=actor)
    audit_record(actor=actor, action="surveys.create", target=questionnaire, request=request)
    return questionnaire


SETTINGS = ("title", "intro", "target_org", "worker_groups", "anonymous", "opens_at", "closes_at")


@transaction.atomic
def questionnaire_update(*, actor, questionnaire: Questionnaire, request=None, **changes) -> Questionnaire:
    """Change a draft's settings (any of SETTINGS)."""
    _check_manage(actor, questionnaire)
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _check_locked(questionnaire)
    values = {name: getattr(questionnaire, name) for name in SETTINGS} | changes
    errors = _settings_errors(actor=actor, org=questionnaire.org, title=values["title"], intro=values["intro"],
                              target_org=values["target_org"], worker_groups=values["worker_groups"],
                              opens_at=values["opens_at"], closes_at=values["closes_at"])
    if errors:
        raise ValidationError(errors)
    values["title"], values["intro"] = values["title"].strip(), (values["intro"] or "").strip()
    values["worker_groups"] = sorted(set(values["worker_groups"]))
    values["anonymous"] = bool(values["anonymous"])
    for name, value in values.items():
        setattr(questionnaire, name, value)
    questionnaire.save()
    audit_record(actor=actor, action="surveys.update", target=questionnaire, request=request,
                 detail={"fields": sorted(changes)})
    return questionnaire


def _publish_errors(questionnaire: Questionnaire, now) -> dict:
    questions = list(questionnaire.questions.prefetch_related("options"))
    problems = []
    if not questions:
        problems.append(_("Add at least one question before publishing."))
    for number, question in enumerate(questions, start=1):
        if question.kind in CHOICE_KINDS and len(question.options.all()) < 2:
            problems.append(_("Question %(n)d: a choice question needs at least 2 options.") % {"n": number})
    errors = {"questions": problems} if problems else {}
    if questionnaire.closes_at <= now:
        errors["closes_at"] = _("The closing time has already passed: set a later one before publishing.")
    return errors


@transaction.atomic
def questionnaire_publish(*, actor, questionnaire: Questionnaire, request=None) -> Questionnaire:
    """Open the draft to answers from its opening time; its questions are locked from now on."""
    _check_manage(actor, questionnaire)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _check_locked(questionnaire)
    now = timezone.now()
    errors = _publish_errors(questionnaire, now)
    if errors:
        raise ValidationError(errors)
    questionnaire.status, questionnaire.published_at = Status.PUBLISHED, now
    questionnaire.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="surveys.publish", target=questionnaire, request=request)
    return questionnaire


@transaction.atomic
def questionnaire_close(*, actor, questionnaire: Questionnaire, request=None) -> Questionnaire:
    """Stop taking answers now (before the closing time)."""
    _check_manage(actor, questionnaire)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.status != Status.PUBLISHED:
        raise ValidationError({"status": _("Only a published questionnaire can be closed.")})
    now = timezone.now()
    questionnaire.status, questionnaire.closed_at = Status.CLOSED, now
    if questionnaire.closes_at > now:
        questionnaire.closes_at = max(now, questionnaire.opens_at + dt.timedelta(seconds=1))
    questionnaire.save(update_fields=["status", "closed_at", "closes_at"])
    audit_record(actor=actor, action="surveys.close", target=questionnaire, request=request)
    return questionnaire


@transaction.atomic
def questionnaire_duplicate(*, actor, questionnaire: Questionnaire, request=None) -> Questionnaire:
    """A new draft with the same settings and questions (no answers), opening at the next full hour and
    running as long as the original, for the survey a union runs every year."""
    _check_manage(actor, questionnaire)
    now = timezone.now()
    opens_at = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    copy = Questionnaire.objects.create(
        org=questionnaire.org, title=questionnaire.title, intro=questionnaire.intro,
        target_org=questionnaire.target_org, worker_groups=list(questionnaire.worker_groups),
        anonymous=questionnaire.anonymous, opens_at=opens_at,
        closes_at=opens_at + (questionnaire.closes_at - questionnaire.opens_at), created_by=actor)
    for question in questionnaire.questions.prefetch_related("options"):
        options = list(question.options.all())
        question.pk, question.questionnaire = None, copy
        question.save()
        Option.objects.bulk_create(Option(question=question, position=o.position, label=o.label) for o in options)
    audit_record(actor=actor, action="surveys.duplicate", target=copy, request=request,
                 detail={"from": questionnaire.pk})
    return copy


# --- questions -----------------------------------------------------------------------------------

def _decimal_or_none(value, field, errors):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = _("Please enter a number.")
        return None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT or number.as_tuple().exponent < -4:
        errors[field] = _("Please enter a number below one trillion with at most 4 decimal places.")
        return None
    return number


def _clean_question(*, kind, text, required, scale, min_value, max_value, max_choices, options) -> dict:
    errors: dict = {}
    if kind not in Kind.values:
        errors["kind"] = _("Please choose the kind of question.")
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Please enter the question.")
    elif len(text) > 300:
        errors["text"] = _("The question may be at most 300 characters.")
    clean = {"kind": kind, "text": text, "required": bool(required), "scale": 5, "min_value": None,
             "max_value": None, "max_choices": None, "options": []}
    if kind == Kind.RATING:
        if isinstance(scale, bool) or not isinstance(scale, int) or not MIN_SCALE <= scale <= MAX_SCALE:
            errors["scale"] = _("The rating scale must be a whole number from 3 to 10.")
        else:
            clean["scale"] = scale
    if kind == Kind.NUMBER:
        clean["min_value"] = _decimal_or_none(min_value, "min_value", errors)
        clean["max_value"] = _decimal_or_none(max_value, "max_value", errors)
        low, high = clean["min_value"], clean["max_value"]
        if low is not None and high is not None and low > high:
            errors["max_value"] = _("The largest number cannot be below the smallest.")
    if kind in CHOICE_KINDS:
        labels = [str(label).strip() for label in (options or []) if str(label).strip()]
        if len(labels) > MAX_OPTIONS:
            errors["options"] = _("At most 30 options.")
        elif any(len(label) > 120 for label in labels):
            errors["options"] = _("An option may be at most 120 characters.")
        elif len(set(labels)) != len(labels):
            errors["options"] = _("Two options say the same thing.")
        clean["options"] = labels
        if kind == Kind.MULTIPLE and max_choices not in (None, ""):
            if isinstance(max_choices, bool) or not isinstance(max_choices, int) or max_choices < 1:
                errors["max_choices"] = _("The most choices must be a whole number of at least 1.")
            elif labels and max_choices > len(labels):
                errors["max_choices"] = _("The most choices cannot exceed the number of options.")
            else:
                clean["max_choices"] = max_choices
    if errors:
        raise ValidationError(errors)
    return clean


def _write_options(question: Question, labels: list[str]) -> None:
    question.options.all().delete()
    Option.objects.bulk_create(Option(question=question, position=i, label=label)
                               for i, label in enumerate(labels, start=1))


@transaction.atomic
def question_add(*, actor, questionnaire: Questionnaire, kind: str, text: str, required: bool = True,
                 scale: int = 5, min_value=None, max_value=None, max_choices=None, options=(),
                 request=None) -> Question:
    """Add a question at the end of a draft; `options` are the labels of a choice question, in order."""
    _check_manage(actor, questionnaire)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _check_locked(questionnaire)
    clean = _clean_question(kind=kind, text=text, required=required, scale=scale, min_value=min_value,
                            max_value=max_value, max_choices=max_choices, options=options)
    count = questionnaire.questions.count()
    if count >= MAX_QUESTIONS:
        raise ValidationError({"text": _("A questionnaire may have at most %(n)d questions.") % {"n": MAX_QUESTIONS}})
    labels = clean.pop("options")
    question = Question.objects.create(questionnaire=questionnaire, position=count + 1, **clean)
    _write_options(question, labels)
    audit_record(actor=actor, action="surveys.question_add", target=questionnaire, request=request,
                 detail={"question": question.pk})
    return question


@transaction.atomic
def question_update(*, actor, question: Question, kind: str, text: str, required: bool = True, scale: int = 5,
                    min_value=None, max_value=None, max_choices=None, options=(), request=None) -> Question:
    """Rewrite a draft's question; a choice question's options are replaced by `options`, in order."""
    questionnaire = question.questionnaire
    _check_manage(actor, questionnaire)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _check_locked(questionnaire)
    clean = _clean_question(kind=kind, text=text, required=required, scale=scale, min_value=min_value,
                            max_value=max_value, max_choices=max_choices, options=options)
    labels = clean.pop("options")
    for name, value in clean.items():
        setattr(question, name, value)
    question.save()
    _write_options(question, labels)
    audit_record(actor=actor, action="surveys.question_update", target=questionnaire, request=request,
                 detail={"question": question.pk})
    return question


def _renumber(questionnaire: Questionnaire, ordered: list[Question]) -> None:
    for i, question in enumerate(ordered, start=1):
        if question.position != i:
            question.position = i
            question.save(update_fields=["position"])


@transaction.atomic
def question_remove(*, actor, question: Question, request=None) -> None:
    questionnaire = question.questionnaire
    _check_manage(actor, questionnaire)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _check_locked(questionnaire)
    pk = question.pk
    question.delete()
    _renumber(questionnaire, list(questionnaire.questions.all()))
    audit_record(actor=actor, action="surveys.question_remove", target=questionnaire, request=request,
                 detail={"question": pk})


@transaction.atomic
def question_move(*, actor, question: Question, up: bool, request=None) -> None:
    """Swap a question with the one before (`up`) or after it; at either end nothing moves."""
    questionnaire = question.questionnaire
    _check_manage(actor, questionnaire)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _check_locked(questionnaire)
    ordered = list(questionnaire.questions.all())
    i = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    j = i - 1 if up else i + 1
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
        _renumber(questionnaire, ordered)
        audit_record(actor=actor, action="surveys.question_move", target=questionnaire, request=request,
                     detail={"question": question.pk, "up": up})


# --- who may answer ------------------------------------------------------------------------------

def worker_qualifies(worker, questionnaire: Questionnaire) -> bool:
    """An active member under the target org, of one of the asked groups (or any group when none is set)."""
    from gonghui.members.models import MembershipStatus

    if worker is None:
        return False
    if questionnaire.worker_groups and worker.employment_form not in questionnaire.worker_groups:
        return False
    return worker.memberships.filter(status=MembershipStatus.ACTIVE,
                                     org__path__startswith=questionnaire.target_org.path).exists()


def answer_refusal(worker, questionnaire: Questionnaire, now=None) -> str:
    """Why `worker` cannot answer now, or "" when they can."""
    now = now or timezone.now()
    if not worker_qualifies(worker, questionnaire) or questionnaire.status == Status.DRAFT:
        return _("This questionnaire is not addressed to you.")
    if questionnaire.status == Status.CLOSED or now >= questionnaire.closes_at:
        return _("This questionnaire is closed: answers are no longer accepted.")
    if now < questionnaire.opens_at:
        return _("This questionnaire opens at %(time)s.") % {
            "time": timezone.localtime(questionnaire.opens_at).strftime("%Y-%m-%d %H:%M")}
    return ""


# --- answers -------------------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, list | tuple) and not value)


def _as_id(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _answer_rows(number: int, question: Question, value, options: dict[int, Option]) -> tuple[list[dict], str]:
    """The Answer rows for one question, or an error message naming it."""
    def err(message):
        return [], _("Question %(n)d: %(message)s") % {"n": number, "message": message}

    if _blank(value):
        return err(_("this question must be answered.")) if question.required else ([], "")
    if question.kind == Kind.SINGLE:
        if isinstance(value, list | tuple):
            if len(value) > 1:
                return err(_("choose only one option."))
            value = value[0]
        option = options.get(_as_id(value))
        if option is None:
            return err(_("this option does not belong to the question."))
        return [{"option": option}], ""
    if question.kind == Kind.MULTIPLE:
        values = value if isinstance(value, list | tuple) else [value]
        chosen = []
        for v in values:
            option = options.get(_as_id(v))
            if option is None:
                return err(_("an option chosen does not belong to the question."))
            if option not in chosen:
                chosen.append(option)
        if question.max_choices and len(chosen) > question.max_choices:
            return err(_("choose at most %(n)d options.") % {"n": question.max_choices})
        return [{"option": o} for o in chosen], ""
    if question.kind == Kind.TEXT:
        if not isinstance(value, str):
            return err(_("please answer in words."))
        text = value.strip()
        if len(text) > MAX_TEXT:
            return err(_("the answer may be at most 2000 characters."))
        return [{"text": text}], ""
    if question.kind == Kind.RATING:
        rating = value if isinstance(value, int) and not isinstance(value, bool) else _as_id(value)
        if rating is None:
            return err(_("the rating must be a whole number."))
        if not 1 <= rating <= question.scale:
            return err(_("the rating must be from 1 to %(n)d.") % {"n": question.scale})
        return [{"number": Decimal(rating)}], ""
    # a number
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
        return err(_("please enter a number."))
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return err(_("please enter a number."))
    if not amount.is_finite():
        return err(_("please enter a number."))
    if abs(amount) >= NUMBER_LIMIT or amount.as_tuple().exponent < -4:
        return err(_("please enter a number below one trillion with at most 4 decimal places."))
    if question.min_value is not None and amount < question.min_value:
        return err(_("the number must be at least %(n)s.") % {"n": f"{question.min_value.normalize():f}"})
    if question.max_value is not None and amount > question.max_value:
        return err(_("the number must be at most %(n)s.") % {"n": f"{question.max_value.normalize():f}"})
    return [{"number": amount}], ""


def answers_check(questionnaire: Questionnaire, answers: dict) -> list[tuple[Question, dict]]:
    """Validate `answers` ({question id: value}) against the questions; raises naming every bad question.

    A choice is an option id (a list of them for a multiple choice), a rating a whole number, a number a
    number or its text, a text a string. Keys may be ints or their text ("12" or "q12")."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("The answers are not in the expected form.")})
    questions = list(questionnaire.questions.prefetch_related("options"))
    by_pk = {q.pk: q for q in questions}
    given: dict[int, object] = {}
    unknown = []
    for key, value in answers.items():
        text = str(key)
        pk = _as_id(text[1:] if text.startswith("q") else text)
        if pk not in by_pk:
            unknown.append(text)
        else:
            given[pk] = value
    errors: dict[str, str] = {}
    if unknown:
        errors["answers"] = _("Unknown question: %(ids)s.") % {"ids": ", ".join(sorted(unknown))}
    rows = []
    for number, question in enumerate(questions, start=1):
        made, error = _answer_rows(number, question, given.get(question.pk),
                                   {o.pk: o for o in question.options.all()})
        if error:
            errors[f"q{question.pk}"] = error
        rows += [(question, row) for row in made]
    if errors:
        raise ValidationError(errors)
    return rows


def _already_answered() -> ValidationError:
    return ValidationError({"questionnaire": ValidationError(
        _("You have already answered this questionnaire."), code=ALREADY_ANSWERED)})


@transaction.atomic
def response_submit(*, worker, questionnaire: Questionnaire, answers: dict, request=None) -> Response:
    """Record `worker`'s answers, all or nothing, once per person. For an anonymous questionnaire the
    response keeps no worker, and the audit row names neither the worker nor their account."""
    refusal = answer_refusal(worker, questionnaire)
    if refusal:
        raise ValidationError({"questionnaire": refusal})
    key = respondent_key(questionnaire.pk, worker.pk)
    if Response.objects.filter(questionnaire=questionnaire, respondent_key=key).exists():
        raise _already_answered()
    rows = answers_check(questionnaire, answers)
    try:
        with transaction.atomic():  # the savepoint keeps the outer transaction usable after the refusal
            response = Response.objects.create(questionnaire=questionnaire, respondent_key=key,
                                               worker=None if questionnaire.anonymous else worker)
    except IntegrityError:
        raise _already_answered() from None
    Answer.objects.bulk_create(Answer(response=response, question=question, **row) for question, row in rows)
    if questionnaire.anonymous:
        audit_record(actor=None, action="surveys.answer", target=questionnaire)
    else:
        audit_record(actor=worker.user, action="surveys.answer", target=questionnaire, request=request,
                     detail={"response": response.pk})
    return response


# --- from an answer pattern to a need -------------------------------------------------------------

def need_origin(questionnaire: Questionnaire, *, option: Option | None = None, question: Question | None = None,
                at_most: int | None = None) -> str:
    if option is not None:
        return f"questionnaire:{questionnaire.pk}:option:{option.pk}"
    return f"questionnaire:{questionnaire.pk}:rating:{question.pk}:le{at_most}"


@transaction.atomic
def need_from_answers(*, actor, questionnaire: Questionnaire, category: str, title: str, urgency: str = "normal",
                      detail: str = "", option: Option | None = None, question: Question | None = None,
                      at_most: int | None = None, request=None):
    """Record the workers who chose `option` (or rated `question` at most `at_most`) as one need of the
    owner union, with their number as the headcount. The same answer pattern twice is refused."""
    from gonghui.needs.models import NeedSource
    from gonghui.needs.services import need_create

    from .selectors import pattern_count

    if option is not None:
        question = option.question
        if question.questionnaire_id != questionnaire.pk or question.kind not in CHOICE_KINDS:
            raise ValidationError({"option": _("This option is not part of the questionnaire.")})
    elif question is None or question.questionnaire_id != questionnaire.pk or question.kind != Kind.RATING:
        raise ValidationError({"question": _("This question is not part of the questionnaire.")})
    elif isinstance(at_most, bool) or not isinstance(at_most, int) or not 1 <= at_most <= question.scale:
        raise ValidationError({"at_most": _("Choose a rating from the scale.")})
    headcount = pattern_count(questionnaire, option=option, question=question, at_most=at_most)
    if headcount < 1:
        raise ValidationError({"headcount": _("Nobody gave this answer: there is no need to record.")})
    groups = questionnaire.worker_groups
    return need_create(
        actor=actor, org=questionnaire.org, title=title, source=NeedSource.QUESTIONNAIRE, category=category,
        headcount=headcount, urgency=urgency, worker_group=groups[0] if len(groups) == 1 else "",
        place=questionnaire.target_org.name, detail=detail,
        source_ref=need_origin(questionnaire, option=option, question=question, at_most=at_most), request=request)


def is_already_answered(exc: ValidationError) -> bool:
    """Whether a refusal from `response_submit` is the second answer of the same person."""
    return hasattr(exc, "error_dict") and any(e.code == ALREADY_ANSWERED for e in exc.error_dict.get(
        "questionnaire", []))
