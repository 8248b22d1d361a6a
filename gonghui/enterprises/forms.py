from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.choices import Industry
from gonghui.core.validators import check_credit_code

from .models import Ownership

HAS_UNION_CHOICES = [("", _("All")), ("yes", _("With a union")), ("no", _("Without a union"))]


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    street = OrgChoiceField(label=_("Street/town"), required=False, queryset=None, empty_label=_("All streets"))
    has_union = forms.ChoiceField(label=_("Union"), required=False, choices=HAS_UNION_CHOICES)
    non_public = forms.BooleanField(label=_("Non-public only"), required=False)

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets

    def filters(self) -> dict:
        """The selector arguments for the valid part of the filters."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the valid fields; the invalid ones are shown as errors
            data = self.cleaned_data
        has_union = {"yes": True, "no": False}.get(data.get("has_union", ""))
        return {"q": data.get("q", ""), "street": data.get("street"), "has_union": has_union,
                "non_public": bool(data.get("non_public"))}


class EnterpriseForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18,
                                  help_text=_("18 characters of digits and capital letters (GB 32100)."))
    name = forms.CharField(label=_("Name"), max_length=200)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "---------"), *Industry.choices])
    ownership = forms.ChoiceField(label=_("Ownership"), choices=[("", "---------"), *Ownership.choices])
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0, max_value=10_000_000, initial=0)
    street = OrgChoiceField(label=_("Street/town"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    union = OrgChoiceField(label=_("Covering union"), queryset=None, required=False, empty_label=_("No union yet"),
                           help_text=_("The enterprise's own union, or the joint or industry union that covers it."))

    def __init__(self, *args, streets, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        self.fields["union"].queryset = unions

    def clean_credit_code(self):
        try:
            return check_credit_code(self.cleaned_data["credit_code"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    @staticmethod
    def initial_for(enterprise) -> dict:
        return {name: getattr(enterprise, name) for name in EnterpriseForm.base_fields}
