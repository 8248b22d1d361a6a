from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.appeals.models import Category

from .models import CommitteeKind, MediatorKind, Status


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class MediatorChoiceField(forms.ModelChoiceField):
    """Shows kind and specialities, so a case can go to someone who knows its kind of dispute."""

    def label_from_instance(self, obj):
        parts = [str(obj.get_kind_display()), *obj.speciality_labels()]
        return f"{obj.name} · {' / '.join(parts)}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CommitteeForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Union"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=CommitteeKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["org"].label_from_instance = lambda o: o.name


class MediatorForm(forms.Form):
    committee = NamedChoiceField(label=_("Committee"), queryset=None)
    username = forms.CharField(label=_("User name of the mediator's account"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=MediatorKind.choices)
    specialities = forms.MultipleChoiceField(label=_("Specialities"), choices=Category.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees


class CaseForm(forms.Form):
    committee = NamedChoiceField(label=_("Committee"), queryset=None)
    mediator = MediatorChoiceField(label=_("Mediator"), queryset=None, required=False, empty_label=_("Nobody yet"))
    worker_name = forms.CharField(label=_("Worker side"), max_length=100)
    employer_name = forms.CharField(label=_("Employer side"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    claim_summary = forms.CharField(label=_("Claim"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, committees, mediators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        self.fields["mediator"].queryset = mediators


class AssignForm(forms.Form):
    mediator = MediatorChoiceField(label=_("Mediator"), queryset=None)

    def __init__(self, *args, mediators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput(), help_text=_("As 2025-06-30."))
    place = forms.CharField(label=_("Place"), max_length=200)
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class AgreementForm(forms.Form):
    terms = forms.CharField(label=_("Terms agreed"), widget=forms.Textarea(attrs={"rows": 6}))
    # A text field: the service checks the amount and names the field in its message.
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, help_text=_("0 if nothing is paid."))


class FailureForm(forms.Form):
    advice = forms.CharField(label=_("Arbitration advice"), widget=forms.Textarea(attrs={"rows": 5}))


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Status.choices])

    def status_value(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


class FromAppealForm(forms.Form):
    appeal = forms.IntegerField(label=_("Request number"), min_value=1)
    committee = NamedChoiceField(label=_("Committee"), queryset=None)
    mediator = MediatorChoiceField(label=_("Mediator"), queryset=None, required=False, empty_label=_("Nobody yet"))
    employer_name = forms.CharField(label=_("Employer side"), max_length=200, required=False,
                                    help_text=_("Leave empty to take the worker's employer on record."))

    def __init__(self, *args, committees, mediators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        self.fields["mediator"].queryset = mediators


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 3}))
