from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.choices import EmploymentForm, Industry
from gonghui.core.validators import check_credit_code

from .models import ALLOWED_CHILDREN, JointArea, OrgKind, OrgStatus


class OrgFieldsForm(forms.Form):
    """The fields a cadre types for an org; path, depth and street are derived by the services."""

    name = forms.CharField(label=_("Name"), max_length=120)
    chair_name = forms.CharField(label=_("Chair"), max_length=50, required=False)
    founded_on = forms.DateField(label=_("Founding date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    credit_code = forms.CharField(label=_("Union credit code"), max_length=18, required=False,
                                  help_text=_("18 characters; union codes start with 81."))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    joint_area = forms.ChoiceField(label=_("Joint union area"), required=False,
                                   choices=[("", "---------"), *JointArea.choices])
    industry = forms.ChoiceField(label=_("Industry"), required=False, choices=[("", "---------"), *Industry.choices])
    serves_forms = forms.MultipleChoiceField(
        label=_("Employment forms served"), required=False, choices=EmploymentForm.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For joint and industry unions that take in workers of these forms directly."),
    )

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_credit_code(self):
        raw = self.cleaned_data.get("credit_code", "")
        if not raw.strip():
            return None  # the column is unique and nullable: "no code" must be NULL, not ""
        try:
            return check_credit_code(raw)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


class OrgCreateForm(OrgFieldsForm):
    kind = forms.ChoiceField(label=_("Kind"))

    field_order = ["name", "kind"]

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_CHILDREN[OrgKind(parent.kind)]
        self.fields["kind"].choices = [("", "---------")] + [
            (value, label) for value, label in OrgKind.choices if value in allowed
        ]


class OrgUpdateForm(OrgFieldsForm):
    status = forms.ChoiceField(label=_("Status"), choices=OrgStatus.choices)

    field_order = ["name", "status"]

    @classmethod
    def initial_for(cls, org) -> dict:
        return {name: getattr(org, name) for name in cls.base_fields} | {"serves_forms": list(org.serves_forms or [])}
