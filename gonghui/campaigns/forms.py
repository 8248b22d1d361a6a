"""Forms of the campaign pages. They parse types; the services check the rules and write."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from .models import Kind, SchoolLevel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    title = forms.CharField(label=_("title"), max_length=120)
    org = forms.ModelChoiceField(label=_("organised by"), queryset=None)
    opens_on = forms.DateField(label=_("applications open on"), widget=DATE)
    closes_on = forms.DateField(label=_("applications close on"), widget=DATE)
    budget = forms.DecimalField(label=_("budget (yuan)"), max_digits=12, decimal_places=2, min_value=0)
    max_income_per_head = forms.DecimalField(label=_("income limit per household member (yuan/month)"),
                                             required=False, max_digits=12, decimal_places=2, min_value=0)
    required_evidence = forms.CharField(label=_("required documents"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("One document per line, such as 录取通知书."))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs

    def clean_required_evidence(self):
        return [line.strip() for line in self.cleaned_data["required_evidence"].splitlines() if line.strip()]


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=80)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=12, decimal_places=2, min_value=0)
    school_levels = forms.MultipleChoiceField(label=_("school levels"), choices=SchoolLevel.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)
    min_child_age = forms.IntegerField(label=_("child's minimum age"), required=False, min_value=0, max_value=30)
    max_child_age = forms.IntegerField(label=_("child's maximum age"), required=False, min_value=0, max_value=30)
    requires_hardship_file = forms.BooleanField(label=_("requires a hardship file"), required=False)


CategoryFormSet = formset_factory(CategoryForm, extra=3, max_num=10, validate_max=True)


class ApplyForm(forms.Form):
    category = forms.ModelChoiceField(label=_("category"), queryset=None, empty_label=None,
                                      widget=forms.RadioSelect)
    child_name = forms.CharField(label=_("child's name"), max_length=50, required=False)
    child_age = forms.IntegerField(label=_("child's age"), required=False, min_value=0, max_value=30)
    school_level = forms.ChoiceField(label=_("school level"), required=False,
                                     choices=[("", "—"), *SchoolLevel.choices])
    income_per_head = forms.DecimalField(label=_("household income per member (yuan/month)"), max_digits=12,
                                         decimal_places=2, min_value=0)
    bank_name = forms.CharField(label=_("bank"), max_length=80)
    bank_account = forms.CharField(label=_("bank account"), max_length=40,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    hardship_file = forms.BooleanField(label=_("My family has a hardship file"), required=False)
    evidence = forms.MultipleChoiceField(label=_("documents I can provide"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    evidence_notes = forms.CharField(label=_("notes on the documents"), required=False, max_length=1000,
                                     widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = campaign.categories.all()
        self.fields["evidence"].choices = [(e, e) for e in campaign.required_evidence]
        if not campaign.required_evidence:
            del self.fields["evidence"]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    hardship_confirmed = forms.BooleanField(label=_("I have checked the family's hardship file"), required=False)
    reason = forms.CharField(label=_("reason for rejection"), max_length=300, required=False)
