"""Console forms for the three lists. Bounds and rules are checked by the services, with their messages."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.contracts.forms import DateInput, NamedChoiceField
from gonghui.core.choices import EmploymentForm

from .models import NeedCategory, NeedSource, NeedStatus, ProjectStatus, ResourceKind, Urgency

EMPTY = [("", "—")]
DATE_HELP = _("As 2025-06-30.")


def _all(label):
    return [("", label)]


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} · {obj.org.name} · {obj.get_status_display()}"


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.org.name}"


def money_field(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)


class NeedFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[*_all(_("All")), *NeedStatus.choices])
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[*_all(_("All")), *NeedCategory.choices])
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[*_all(_("All")), *NeedSource.choices])
    worker_group = forms.ChoiceField(label=_("Worker group"), required=False,
                                     choices=[*_all(_("All")), *EmploymentForm.choices])
    org = NamedChoiceField(label=_("Union"), required=False, queryset=None, empty_label=_("All in my scope"))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {name: data.get(name) or ("" if name != "org" else None) for name in self.fields}


class NeedForm(forms.Form):
    org = NamedChoiceField(label=_("Union"), queryset=None)
    title = forms.CharField(label=_("Need"), max_length=120, help_text=_("What the workers need, in one line."))
    source = forms.ChoiceField(label=_("Source"), choices=[*EMPTY, *NeedSource.choices],
                               help_text=_("Where the need was heard: a visit, a questionnaire, a station forum."))
    category = forms.ChoiceField(label=_("Category"), choices=[*EMPTY, *NeedCategory.choices])
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    headcount = forms.IntegerField(label=_("Workers concerned"))
    worker_group = forms.ChoiceField(label=_("Worker group"), required=False,
                                     choices=[("", _("Not one group")), *EmploymentForm.choices])
    place = forms.CharField(label=_("Where"), max_length=120, required=False)
    detail = forms.CharField(label=_("Details"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    EDITABLE = ("title", "category", "urgency", "headcount", "worker_group", "place", "detail")

    def __init__(self, *args, orgs=None, need=None, **kwargs):
        super().__init__(*args, **kwargs)
        if need is None:
            self.fields["org"].queryset = orgs
            # A request from a worker becomes a need through "from request number", which keeps the link.
            self.fields["source"].choices = [c for c in self.fields["source"].choices if c[0] != NeedSource.APPEAL]
        else:
            del self.fields["org"], self.fields["source"]

    @classmethod
    def initial_for(cls, need) -> dict:
        return {name: getattr(need, name) for name in cls.EDITABLE}


class FromAppealForm(forms.Form):
    number = forms.CharField(label=_("Request number"), max_length=30,
                             help_text=_("As shown on the request, such as SQ20251124000123."))
    category = forms.ChoiceField(label=_("Category"), choices=[*EMPTY, *NeedCategory.choices])
    headcount = forms.IntegerField(label=_("Workers concerned"), initial=1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "appeal")
        super().__init__(*args, **kwargs)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=pgettext_lazy("need", "Reason for declining"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class TakeUpForm(forms.Form):
    project = ProjectChoiceField(label=_("Project"), queryset=None)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class ResourceForm(forms.Form):
    org = NamedChoiceField(label=_("Union"), queryset=None,
                           help_text=_("The resource serves needs of this union and the unions under it."))
    kind = forms.ChoiceField(label=_("Kind"), choices=[*EMPTY, *ResourceKind.choices])
    name = forms.CharField(label=_("Name"), max_length=120)
    categories = forms.MultipleChoiceField(label=_("Categories served"), choices=NeedCategory.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple)
    capacity = forms.IntegerField(label=_("Capacity (workers)"),
                                  help_text=_("How many workers it can serve."))
    amount = money_field(_("Amount (yuan)"), required=False, help_text=_("For a fund only."))
    available = forms.BooleanField(label=_("Available"), required=False, initial=True)
    available_until = forms.DateField(label=_("Available until"), required=False, widget=DateInput(),
                                      help_text=DATE_HELP)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    detail = forms.CharField(label=_("Details"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    EDITABLE = ("kind", "name", "categories", "capacity", "amount", "available", "available_until",
                "contact_name", "contact_phone", "detail")

    def __init__(self, *args, orgs=None, resource=None, **kwargs):
        super().__init__(*args, **kwargs)
        if resource is None:
            self.fields["org"].queryset = orgs
        else:
            del self.fields["org"]

    @classmethod
    def initial_for(cls, resource) -> dict:
        return {name: getattr(resource, name) for name in cls.EDITABLE}


class ProjectForm(forms.Form):
    org = NamedChoiceField(label=_("Owner union"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=120)
    budget = money_field(_("Budget (yuan)"), initial=0)
    starts_on = forms.DateField(label=_("Start date"), required=False, widget=DateInput(), help_text=DATE_HELP)
    ends_on = forms.DateField(label=pgettext_lazy("need", "End date"), required=False, widget=DateInput(),
                              help_text=DATE_HELP)
    detail = forms.CharField(label=_("Details"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    milestones = forms.CharField(
        label=_("Milestones"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the due date, a space, the milestone, such as “2025-07-01 Venue booked”."))

    EDITABLE = ("title", "budget", "starts_on", "ends_on", "detail")

    def __init__(self, *args, orgs=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is None:
            self.fields["org"].queryset = orgs
        else:
            del self.fields["org"], self.fields["milestones"]

    @classmethod
    def initial_for(cls, project) -> dict:
        return {name: getattr(project, name) for name in cls.EDITABLE}

    def clean_milestones(self):
        rows = []
        for n, line in enumerate((self.cleaned_data.get("milestones") or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            day, _sep, title = line.partition(" ")
            try:
                due = dt.date.fromisoformat(day)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s: start with the due date as 2025-07-01.") % {"n": n}) from None
            if not title.strip():
                raise forms.ValidationError(_("Line %(n)s: name the milestone after the date.") % {"n": n})
            rows.append((title.strip()[:120], due))
        return rows


class OrgFilterMixin:
    def _org_field(self, orgs):
        self.fields["org"] = NamedChoiceField(label=_("Union"), required=False, queryset=orgs,
                                              empty_label=_("All in my scope"))


class ProjectFilterForm(OrgFilterMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[*_all(_("All")), *ProjectStatus.choices])

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self._org_field(orgs)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"status": data.get("status", ""), "org": data.get("org")}


class ResourceFilterForm(OrgFilterMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[*_all(_("All")), *ResourceKind.choices])
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[*_all(_("All")), *NeedCategory.choices])
    available = forms.ChoiceField(label=_("Available"), required=False,
                                  choices=[("", _("All")), ("yes", _("Available now")), ("no", _("Not available"))])

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self._org_field(orgs)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"kind": data.get("kind", ""), "category": data.get("category", ""), "org": data.get("org"),
                "available": {"yes": True, "no": False}.get(data.get("available", ""))}


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=120)
    due_on = forms.DateField(label=_("Due date"), widget=DateInput(), help_text=DATE_HELP)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "milestone")
        super().__init__(*args, **kwargs)


class CompleteForm(forms.Form):
    beneficiaries = forms.IntegerField(label=_("Workers served"))
    outcome = forms.CharField(label=pgettext_lazy("need", "Outcome"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "complete")
        super().__init__(*args, **kwargs)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)


class CommitForm(forms.Form):
    resource = ResourceChoiceField(label=_("Resource"), queryset=None)
    quantity = forms.IntegerField(label=_("Capacity committed"))

    def __init__(self, *args, resources, **kwargs):
        kwargs.setdefault("prefix", "commit")
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources


class ReportForm(forms.Form):
    org = NamedChoiceField(label=_("Union"), required=False, queryset=None, empty_label=_("My scope"))
    created_from = forms.DateField(label=_("Recorded from"), required=False, widget=DateInput())
    created_to = forms.DateField(label=_("Recorded until"), required=False, widget=DateInput())
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[*_all(_("All")), *NeedCategory.choices])
    worker_group = forms.ChoiceField(label=_("Worker group"), required=False,
                                     choices=[*_all(_("All")), *EmploymentForm.choices])

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs

    def clean(self):
        data = super().clean()
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("The end cannot be before the start."))
        return data
