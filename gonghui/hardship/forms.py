import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.validators import check_resident_id

from .models import AidKind, Cause, Employment, FileStatus, Health, Relation

DATE_HELP = _("As 2025-06-30.")
EMPTY = [("", "---------")]
LISTS = [("", _("All files")), ("overdue", _("Not reviewed for a year")), ("never_assisted", _("Never assisted"))]
YES_NO = [("", "---------"), ("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def money_field(label, **kwargs):
    return forms.DecimalField(label=label, min_value=0, max_digits=10, decimal_places=2,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)


def resident_id(value: str) -> str:
    """The normalised resident ID, or a form error carrying check_resident_id's messages."""
    try:
        return check_resident_id(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FileFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *FileStatus.choices])
    cause = forms.ChoiceField(label=_("Main cause"), required=False, choices=[("", _("All")), *Cause.choices])
    list = forms.ChoiceField(label=_("List"), required=False, choices=LISTS)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        which = data.get("list", "")
        return {"status": data.get("status", ""), "cause": data.get("cause", ""),
                "overdue": which == "overdue", "never_assisted": which == "never_assisted"}


class HouseholdForm(forms.Form):
    main_cause = forms.ChoiceField(label=_("Main cause of hardship"), choices=[*EMPTY, *Cause.choices])
    secondary_causes = forms.MultipleChoiceField(label=_("Other causes"), choices=Cause.choices, required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    income_per_head = money_field(_("Monthly household income per head (yuan)"),
                                  help_text=_("All income of the household in a month, divided by its members."))
    employment = forms.ChoiceField(label=_("Householder's employment"), choices=[*EMPTY, *Employment.choices])
    evidence = forms.CharField(label=_("Evidence"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Names of the supporting documents (diagnosis, income proof) and notes."))


class FileEditForm(forms.Form):
    main_cause = HouseholdForm.base_fields["main_cause"]
    secondary_causes = HouseholdForm.base_fields["secondary_causes"]
    evidence = HouseholdForm.base_fields["evidence"]


class FileCreateForm(HouseholdForm):
    householder_resident_id = forms.CharField(
        label=_("Householder's resident ID"), max_length=18,
        help_text=_("The householder must be a worker registered in one of your unions."))
    field_order = ["householder_resident_id"]

    def clean_householder_resident_id(self):
        return resident_id(self.cleaned_data["householder_resident_id"])


class FamilyMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    relation = forms.ChoiceField(label=_("Relation to the householder"), choices=[*EMPTY, *Relation.choices])
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput(),
                                 help_text=_("May be left empty when the resident ID is given."))
    resident_id = forms.CharField(label=_("Resident ID"), max_length=18, required=False)
    health = forms.ChoiceField(label=_("Health"), choices=[*EMPTY, *Health.choices])
    work_or_school = forms.CharField(label=_("Work or school"), max_length=100, required=False)

    def clean_resident_id(self):
        value = (self.cleaned_data.get("resident_id") or "").strip()
        return resident_id(value) if value else ""

    def clean(self):
        data = super().clean()
        if not data.get("birth_date") and not data.get("resident_id") and "resident_id" not in self.errors:
            self.add_error("birth_date", _("Please enter the birth date or the resident ID."))
        return data


FamilyFormSet = forms.formset_factory(FamilyMemberForm, extra=3, max_num=20, validate_max=True)


def family_rows(formset) -> list[dict]:
    """The filled-in family rows of a valid formset (empty extra rows are left out)."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data]


class FamilyLeaveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for leaving"), max_length=300)
    left_on = forms.DateField(label=_("Left on"), required=False, widget=DateInput())


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput(), help_text=DATE_HELP)
    visitors = forms.CharField(label=_("Visitors"), max_length=200)
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class PublicityForm(NoteForm):
    publicity_start = forms.DateField(label=_("Publicity start"), widget=DateInput(),
                                      help_text=_("The publicity runs for five working days."))
    field_order = ["publicity_start", "note"]


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    closed_on = forms.DateField(label=_("Date"), widget=DateInput(), help_text=DATE_HELP,
                                initial=lambda: dt.date.today())  # noqa: DTZ011 - a calendar date


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Review date"), widget=DateInput(), help_text=DATE_HELP)
    income_per_head = money_field(_("Monthly household income per head (yuan)"))
    employment = forms.ChoiceField(label=_("Householder's employment"), choices=[*EMPTY, *Employment.choices])
    still_in_hardship = forms.ChoiceField(label=_("Still in hardship"), choices=YES_NO)
    findings = forms.CharField(label=_("Findings"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def clean_still_in_hardship(self):
        return self.cleaned_data["still_in_hardship"] == "yes"


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of assistance"), choices=[*EMPTY, *AidKind.choices])
    measures = forms.CharField(label=_("Measures"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class AssistanceForm(forms.Form):
    given_on = forms.DateField(label=_("Date"), widget=DateInput(), help_text=DATE_HELP)
    kind = forms.ChoiceField(label=_("Kind of assistance"), choices=[*EMPTY, *AidKind.choices])
    amount = money_field(_("Amount (yuan)"))
    giver_org = OrgChoiceField(label=_("Given by"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["giver_org"].queryset = orgs


class SpotCheckForm(forms.Form):
    org = OrgChoiceField(label=_("Area"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class StandardForm(forms.Form):
    org = OrgChoiceField(label=_("Area"), queryset=None)
    monthly_amount = money_field(_("Monthly amount per head (yuan)"))
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput(), help_text=DATE_HELP)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
