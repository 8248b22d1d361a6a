"""Console forms of the questionnaire builder. Shapes only: every rule (dates, target, options) is the
service's, with its messages next to the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.contracts.forms import NamedChoiceField
from gonghui.core.choices import EmploymentForm
from gonghui.needs.models import NeedCategory, Urgency

from .models import DEFAULT_SCALE, Kind, Status

DATETIME_HELP = _("As 2025-06-30 08:00 (Beijing time).")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class QuestionnaireForm(forms.Form):
    org = NamedChoiceField(label=_("Union asking"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=120)
    intro = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Why the union asks and what it will do with the answers."))
    target_org = NamedChoiceField(label=_("Asked of the members under"), queryset=None, required=False,
                                  help_text=_("Leave empty to ask every member under the union asking."))
    worker_groups = forms.MultipleChoiceField(
        label=_("Worker groups"), choices=EmploymentForm.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Leave all unticked to ask every group."))
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False, initial=True,
                                   help_text=_("Anonymous answers keep no name; named ones show it masked."))
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput(), help_text=DATETIME_HELP)
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput(), help_text=DATETIME_HELP)

    def __init__(self, *args, orgs, questionnaire=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["target_org"].queryset = orgs
        if questionnaire is not None:
            del self.fields["org"]

    @staticmethod
    def initial_for(questionnaire) -> dict:
        return {"title": questionnaire.title, "intro": questionnaire.intro, "target_org": questionnaire.target_org,
                "worker_groups": questionnaire.worker_groups, "anonymous": questionnaire.anonymous,
                "opens_at": questionnaire.opens_at, "closes_at": questionnaire.closes_at}


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    required = forms.BooleanField(label=_("Must be answered"), required=False, initial=True)
    options = forms.CharField(label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("For a choice question: one option per line, in order (at least 2)."))
    max_choices = forms.IntegerField(label=_("Most choices"), required=False,
                                     help_text=_("For a multiple choice: leave empty for no limit."))
    scale = forms.IntegerField(label=_("Rating scale"), required=False, initial=DEFAULT_SCALE,
                               help_text=_("For a rating: from 1 to this number (3 to 10)."))
    min_value = forms.DecimalField(label=_("Smallest number"), required=False,
                                   help_text=_("For a number: optional."))
    max_value = forms.DecimalField(label=_("Largest number"), required=False,
                                   help_text=_("For a number: optional."))

    def service_args(self) -> dict:
        data = dict(self.cleaned_data)
        data["options"] = [line for line in (data["options"] or "").splitlines() if line.strip()]
        if data["scale"] is None:
            data["scale"] = DEFAULT_SCALE
        return data

    @staticmethod
    def initial_for(question) -> dict:
        return {"kind": question.kind, "text": question.text, "required": question.required,
                "options": "\n".join(o.label for o in question.options.all()), "max_choices": question.max_choices,
                "scale": question.scale, "min_value": question.min_value, "max_value": question.max_value}


class StatusFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(Status.choices))


class NeedForm(forms.Form):
    title = forms.CharField(label=_("Need"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + list(NeedCategory.choices))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    detail = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
