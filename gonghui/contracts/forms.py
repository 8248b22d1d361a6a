from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Kind, Stage

DATE_HELP = _("As 2025-06-30.")


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Title or party"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices])
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices])
    org = NamedChoiceField(label=_("Union"), required=False, queryset=None, empty_label=_("All unions"))
    expiring = forms.IntegerField(label=_("Expiring within (days)"), required=False, min_value=1, max_value=3650)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs

    def filters(self) -> dict:
        data = {}
        if self.is_bound:
            self.is_valid()  # the valid filters apply; the invalid ones are shown as errors
            data = self.cleaned_data
        return {"q": data.get("q", ""), "kind": data.get("kind", ""), "stage": data.get("stage", ""),
                "org": data.get("org"), "expiring": data.get("expiring")}


class ContractForm(forms.Form):
    """The registry fields. Bounds (term 1–3 years, counts ≥ 0) are checked by the service, with its messages."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *Kind.choices])
    org = NamedChoiceField(label=_("Union party"), queryset=None)
    # Credit codes, not drop-downs: a district holds tens of thousands of enterprises.
    employer = forms.CharField(label=_("Employer party"), max_length=18, required=False,
                               help_text=_("For an enterprise's own contract: its unified social credit code."))
    employer_representative = forms.CharField(
        label=_("Employers' representative"), max_length=200, required=False,
        help_text=_("For industry and regional contracts: the employers' organisation or representative."))
    covered_enterprises = forms.CharField(
        label=_("Covered enterprises"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Unified social credit codes, one per line. The employer party is always covered."))
    covered_workers = forms.IntegerField(label=_("Workers covered"), initial=0)
    term_years = forms.IntegerField(label=_("Term (years)"), initial=3, help_text=_("1 to 3 years."))
    topic_pay = forms.BooleanField(label=_("Platform workers: pay"), required=False)
    topic_rest = forms.BooleanField(label=_("Platform workers: rest"), required=False)
    topic_social_insurance = forms.BooleanField(label=_("Platform workers: social insurance"), required=False)
    topic_algorithm = forms.BooleanField(label=_("Platform workers: algorithm rules (算法公平)"), required=False)

    FIXED_AFTER_CREATE = ("kind", "org", "employer")

    def __init__(self, *args, orgs, enterprises, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.enterprises = enterprises
        if contract is not None:
            for name in self.FIXED_AFTER_CREATE:
                del self.fields[name]

    def clean_employer(self):
        code = self.cleaned_data["employer"].strip().upper()
        if not code:
            return None
        enterprise = self.enterprises.filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise with this credit code is in your scope."))
        return enterprise

    def clean_covered_enterprises(self):
        codes = list(dict.fromkeys(self.cleaned_data["covered_enterprises"].upper().split()))
        found = {e.credit_code: e for e in self.enterprises.filter(credit_code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(_("No enterprise with these credit codes is in your scope: %(codes)s") % {
                "codes": "、".join(unknown)})
        return [found[code] for code in codes]

    @staticmethod
    def initial_for(contract) -> dict:
        names = ("title", "employer_representative", "covered_workers", "term_years", "topic_pay", "topic_rest",
                 "topic_social_insurance", "topic_algorithm")
        return {**{n: getattr(contract, n) for n in names},
                "covered_enterprises": "\n".join(contract.covered_enterprises.order_by("name")
                                                  .values_list("credit_code", flat=True))}


class StepForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput(), help_text=DATE_HELP)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, contract, to_stage, **kwargs):
        kwargs.setdefault("initial", {"on": contract.review_ends if to_stage == Stage.EFFECTIVE
                                      else timezone.localdate()})
        super().__init__(*args, **kwargs)
        labels = {
            Stage.OFFERED: _("Date of the written offer"),
            Stage.NEGOTIATING: _("Date of the written reply"),
            Stage.APPROVED: _("Date of the workers' congress"),
            Stage.SIGNED: _("Signing date"),
            Stage.FILED: _("Date filed with the labour department"),
            Stage.EFFECTIVE: _("In force from"),
        }
        self.fields["on"].label = labels[to_stage]
        if to_stage == Stage.NEGOTIATING and contract.stage == Stage.FILED:
            self.fields["on"].label = _("Date of the objection")
            self.fields["note"].label = _("The labour department's objection")
            self.fields["note"].required = True
        if to_stage == Stage.APPROVED:
            # Counts are checked by the contract (two thirds present, more than half for), with its messages.
            self.fields["total"] = forms.IntegerField(label=_("Congress members in total"))
            self.fields["present"] = forms.IntegerField(label=_("Members present"))
            self.fields["votes_for"] = forms.IntegerField(label=_("Votes for"))
            self.order_fields(["on", "total", "present", "votes_for", "note"])
