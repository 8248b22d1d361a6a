from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.choices import EmploymentForm

from .models import MembershipStatus

STATUS_CHOICES = [
    ("", _("Any status")),
    (MembershipStatus.ACTIVE, _("Active members")),
    (MembershipStatus.PENDING, _("Awaiting approval")),
]


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class WorkerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name (or whole mobile number)"), required=False, max_length=50)
    employment_form = forms.ChoiceField(
        label=_("Employment form"), required=False, choices=[("", _("All forms")), *EmploymentForm.choices]
    )
    org = OrgChoiceField(label=_("Union"), required=False, queryset=None, empty_label=_("All my unions"))
    status = forms.ChoiceField(label=_("Membership"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs

    def filters(self) -> dict:
        """The selector arguments for the valid part of the filters (an invalid one is shown, not applied)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the valid fields; the invalid ones are shown as errors
            data = self.cleaned_data
        return {
            "q": (data.get("q") or "").strip(),
            "employment_form": data.get("employment_form", ""),
            "org": data.get("org"),
            "status": data.get("status", ""),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, strip=True)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full resident ID?"), min_length=2, max_length=500, strip=True,
        help_text=_("The reason is written to the audit log with your name."),
    )
