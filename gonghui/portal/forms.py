from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.choices import EmploymentForm
from gonghui.core.validators import check_credit_code, check_resident_id
from gonghui.enterprises.models import Enterprise
from gonghui.orgs.selectors import streets


class JoinForm(forms.Form):
    """Screen 1 of joining: who you are and where you work. The union is suggested from it."""

    name = forms.CharField(label=_("Real name"), max_length=50)
    resident_id = forms.CharField(
        label=_("Resident ID number"), max_length=18, help_text=_("Used only to prevent duplicate membership; "
                                                                  "always shown masked."),
    )
    employment_form = forms.ChoiceField(label=_("How do you work?"), choices=EmploymentForm.choices)
    street = forms.ModelChoiceField(label=_("Street or town where you mostly work"), queryset=None,
                                    empty_label=_("Please choose"))
    employer = forms.CharField(
        label=_("Employer (optional)"), max_length=200, required=False,
        help_text=_("Company name or unified social credit code. Leave empty if you have no fixed employer."),
    )

    def __init__(self, *args, identity_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets()
        if identity_locked:  # a transfer: the person is known, only the work changes
            del self.fields["name"]
            del self.fields["resident_id"]

    def clean_resident_id(self):
        try:
            return check_resident_id(self.cleaned_data["resident_id"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None

    def clean_employer(self):
        text = (self.cleaned_data.get("employer") or "").strip()
        if not text:
            return None
        try:
            code = check_credit_code(text)
        except ValidationError:
            code = None
        found = Enterprise.objects.filter(credit_code=code).first() if code else None
        found = found or Enterprise.objects.filter(name=text).first()
        if found is None:
            raise ValidationError(_("We could not find this employer. Check the name or code, or leave it empty."))
        return found


class ChooseUnionForm(forms.Form):
    """Screen 2 of joining: pick one of the suggested unions."""

    draft = forms.CharField(widget=forms.HiddenInput)
    org = forms.TypedChoiceField(label=_("Union to join"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(u.pk, u.name) for u in unions]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
