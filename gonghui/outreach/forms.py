import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Answer, Concern, Stage

DEMONSTRATION_CHOICES = [("", _("All")), ("yes", _("Demonstration enterprises")), ("no", _("Others"))]
DATE_HELP = _("As 2025-06-30.")


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BoardFilterForm(forms.Form):
    street = NamedChoiceField(label=_("Street/town"), required=False, queryset=None, empty_label=_("All streets"))
    demonstration = forms.ChoiceField(label=_("Demonstration"), required=False, choices=DEMONSTRATION_CHOICES)

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets

    def filters(self) -> dict:
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {"street": data.get("street"),
                "demonstration": {"yes": True, "no": False}.get(data.get("demonstration", ""))}


class PlanForm(forms.Form):
    commissioner = UserChoiceField(label=_("Union commissioner"), queryset=None, required=False,
                                   empty_label=_("Nobody yet"))
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput(), help_text=DATE_HELP)
    demonstration = forms.BooleanField(label=_("Demonstration enterprise (示范样板)"), required=False)

    def __init__(self, *args, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners

    @staticmethod
    def initial_for(plan) -> dict:
        return {"commissioner": plan.commissioner, "next_step": plan.next_step, "target_date": plan.target_date,
                "demonstration": plan.demonstration}


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput(), help_text=DATE_HELP)
    commissioner = UserChoiceField(label=_("Union commissioner"), queryset=None, required=False,
                                   empty_label=_("Nobody yet"))
    concerns = forms.MultipleChoiceField(label=_("Concerns heard"), choices=Concern.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    answer = forms.ChoiceField(label=_("Answer given"), choices=[("", "---------"), *Answer.choices])
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to stage"), choices=[("", "---------"), *Stage.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason for declining"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when the enterprise declines."))
    union_name = forms.CharField(label=_("Union name"), required=False, max_length=120,
                                 help_text=_("When the union is established: the name of the new grassroots union."))
    chair_name = forms.CharField(label=_("Union chair"), required=False, max_length=50,
                                 help_text=_("When the union is established."))
    founded_on = forms.DateField(label=_("Founding date"), required=False, widget=DateInput(),
                                 help_text=_("When the union is established. As 2025-06-30."))

    def __init__(self, *args, plan, **kwargs):
        kwargs.setdefault("initial", {"union_name": f"{plan.enterprise.name}工会",
                                      "founded_on": dt.date.today()})  # noqa: DTZ011 - a calendar date
        super().__init__(*args, **kwargs)
        allowed = set(plan.allowed_stages())
        choices = [(value, label) for value, label in Stage.choices if value in allowed]
        self.fields["to_stage"].choices = [("", "---------"), *choices]
        # Any stage is accepted by the field, so the plan's own check names the refused move.
        self.fields["to_stage"].valid_value = lambda value: value in Stage.values

    def clean(self):
        data = super().clean()
        stage = data.get("to_stage")
        if stage == Stage.DECLINED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please give the reason the enterprise declined."))
        if stage == Stage.ESTABLISHED:
            if not (data.get("chair_name") or "").strip():
                self.add_error("chair_name", _("Please enter the name of the union chair."))
            if not data.get("founded_on") and "founded_on" not in self.errors:
                self.add_error("founded_on", _("Please enter the founding date."))
        return data


class RegistrationsForm(forms.Form):
    org_id = forms.IntegerField(label=_("Import into"))
    file = forms.FileField(label=_("File"), help_text=_(
        "An Excel workbook (.xlsx) or a CSV file with the census columns: 统一社会信用代码, 企业名称, 行业门类, "
        "经济类型, 从业人数, 所属街道, 地址."))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_id"].widget = forms.Select(choices=[("", "---------")] + [(o.pk, o.name) for o in orgs])
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
