from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.validators import check_mobile

from .models import Action, AppealType, Category, Difficulty, Rating, Referral, Status

EMPTY = [("", _("All"))]


class RequestForm(forms.Form):
    """The worker's own request (portal)."""

    appeal_type = forms.ChoiceField(label=_("What do you need?"), choices=AppealType.choices)
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    description = forms.CharField(label=_("Describe your request"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 6}))
    do_not_share = forms.BooleanField(label=_("Do not share with my workplace union"), required=False,
                                      help_text=_("The street union above it will handle your request instead."))
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False,
                                   help_text=_("Union staff will not see your name or mobile number."))


class HotlineForm(RequestForm):
    """A 12351 call, keyed in by the operator."""

    mobile = forms.CharField(label=_("Caller's mobile number"), max_length=11)
    contact_name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    difficulty = forms.ChoiceField(label=_("Difficulty level"), choices=Difficulty.choices,
                                   initial=Difficulty.GENERAL)
    field_order = ["mobile", "contact_name", "appeal_type", "category", "difficulty", "description",
                   "do_not_share", "anonymous"]

    def clean_mobile(self):
        return check_mobile(self.cleaned_data["mobile"])


class LookupForm(forms.Form):
    mobile = forms.CharField(label=_("Caller's mobile number"), max_length=11)

    def clean_mobile(self):
        return check_mobile(self.cleaned_data["mobile"])


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=EMPTY + Status.choices, required=False)
    appeal_type = forms.ChoiceField(label=_("Type"), choices=EMPTY + AppealType.choices, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=EMPTY + Category.choices, required=False)

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class ActForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[(a.value, a.label) for a in (
        Action.ACCEPT, Action.START, Action.WAIT, Action.RESUME, Action.ANSWER, Action.CLOSE)])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(label=_("Answer to the worker"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    difficulty = forms.ChoiceField(label=_("Difficulty level"), choices=[("", _("Keep"))] + Difficulty.choices,
                                   required=False)


class TransferForm(forms.Form):
    to_org = forms.ModelChoiceField(label=_("Transfer to"), queryset=None, empty_label=_("Please choose"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = orgs
        self.fields["to_org"].label_from_instance = lambda o: o.name


class MergeForm(forms.Form):
    keep = forms.IntegerField(label=_("Number of the request to keep"), min_value=1,
                              help_text=_("The internal number shown as # on the request page."))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class SuperviseForm(forms.Form):
    instruction = forms.CharField(label=_("Instruction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    days = forms.IntegerField(label=_("Working days allowed"), min_value=1, max_value=30, initial=3)


class ReturnVisitForm(forms.Form):
    outcome = forms.CharField(label=_("What the worker said"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("How satisfied are you with the answer?"), choices=Rating.choices,
                               widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("What is still unresolved?"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["org"].label_from_instance = lambda o: o.name

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not be before the start date."))
        return data


class WageClaimForm(forms.Form):
    employer_credit_code = forms.CharField(label=_("Employer's unified social credit code"), max_length=18,
                                           required=False)
    employer_name = forms.CharField(label=_("Employer's name"), max_length=200, required=False)
    project_site = forms.CharField(label=_("Project or site"), max_length=200, required=False)
    workers_count = forms.IntegerField(label=_("Number of workers"), min_value=1, max_value=100000, initial=1)
    amount = forms.DecimalField(label=_("Amount owed (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    months_owed = forms.IntegerField(label=_("Months owed"), min_value=1, max_value=120, initial=1)
    referral = forms.ChoiceField(label=_("Referred to"), choices=Referral.choices, required=False)
    amount_recovered = forms.DecimalField(label=_("Amount recovered (yuan)"), min_value=0, max_digits=14,
                                          decimal_places=2, initial=0)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attach a picture or PDF"))


class AssignForm(forms.Form):
    """Several requests of a queue page to one handler."""

    appeals = forms.ModelMultipleChoiceField(
        label=_("Selected requests"), queryset=None, error_messages={
            "required": _("Please select at least one request."),
            "invalid_choice": _("Request #%(value)s is not in your area."),
            "invalid_pk_value": _("Request #%(pk)s is not in your area.")})
    handler = forms.ModelChoiceField(label=_("Assign to"), queryset=None, empty_label=_("Please choose"))

    def __init__(self, *args, appeals, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appeals"].queryset = appeals
        self.fields["handler"].queryset = handlers
        self.fields["handler"].label_from_instance = lambda u: u.get_full_name() or u.username


class VerifiedRequestForm(forms.Form):
    """A request without an account: the mobile is proved by a one-time code; the person stays anonymous."""

    mobile = forms.CharField(label=_("Mobile number"), max_length=11,
                             help_text=_("Only to send you the code and replies; union staff will not see it."))
    code = forms.CharField(label=_("Verification code"), max_length=6)
    street = forms.ModelChoiceField(label=_("Street where you work"), queryset=None, empty_label=_("Please choose"))
    appeal_type = forms.ChoiceField(label=_("What do you need?"), choices=AppealType.choices)
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    description = forms.CharField(label=_("Describe your request"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 6}), help_text=_("Please do not write your name if you want to stay anonymous."))
    do_not_share = forms.BooleanField(label=_("Do not share with my workplace union"), required=False,
                                      help_text=_("The street union above it will handle your request instead."))

    def __init__(self, *args, streets, station=None, **kwargs):
        super().__init__(*args, **kwargs)
        if station is not None:
            del self.fields["street"]  # the station's union receives it
        else:
            self.fields["street"].queryset = streets
            self.fields["street"].label_from_instance = lambda o: o.name

    def clean_mobile(self):
        return check_mobile(self.cleaned_data["mobile"])
