from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.contracts.forms import DateInput, NamedChoiceField

DATE_HELP = _("As 2025-06-30.")


class ClassForm(forms.Form):
    """Bounds (places, ages, dates) are checked by the service, with its messages."""

    org = NamedChoiceField(label=_("Organised by"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=100)
    capacity = forms.IntegerField(label=_("Places"))
    min_age = forms.IntegerField(label=_("Youngest age"), initial=6)
    max_age = forms.IntegerField(label=_("Oldest age"), initial=12,
                                 help_text=_("Ages on the first day of the class."))
    starts_on = forms.DateField(label=_("First day"), widget=DateInput(), help_text=DATE_HELP)
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput(), help_text=DATE_HELP)
    sessions = forms.CharField(label=_("Sessions"), max_length=200, required=False,
                               help_text=_("When the class meets, such as “Mon–Fri 8:30–16:30”."))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    EDITABLE = ("name", "capacity", "sessions", "address")

    def __init__(self, *args, orgs, summer_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        if summer_class is not None:  # ages and dates are fixed once parents have enrolled against them
            for name in set(self.fields) - set(self.EDITABLE):
                del self.fields[name]

    @classmethod
    def initial_for(cls, summer_class) -> dict:
        return {name: getattr(summer_class, name) for name in cls.EDITABLE}


class EnrolForm(forms.Form):
    child_name = forms.CharField(label=_("Child's name"), max_length=50)
    child_birth_date = forms.DateField(label=_("Child's birth date"), widget=DateInput(), help_text=DATE_HELP)


class AttendanceForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput(), help_text=DATE_HELP)
    present = forms.MultipleChoiceField(label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(e.pk), e.child.name) for e in enrolments]


class RoomForm(forms.Form):
    org = NamedChoiceField(label=_("Union"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Place and address"), max_length=200)
    area_m2 = forms.DecimalField(label=_("Area (m²)"), max_digits=6, decimal_places=1,
                                 help_text=_("The standard asks for 10 m² or more."))
    lockable = forms.BooleanField(label=_("Door can be locked"), required=False)
    changing_table = forms.BooleanField(label=_("Changing table"), required=False)
    sink = forms.BooleanField(label=_("Sink"), required=False)
    fridge = forms.BooleanField(label=_("Fridge"), required=False)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)

    def __init__(self, *args, orgs, room=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        if room is not None:
            del self.fields["org"]

    @staticmethod
    def initial_for(room) -> dict:
        return {name: getattr(room, name) for name in (
            "name", "address", "area_m2", "lockable", "changing_table", "sink", "fridge", "opening_hours",
            "latitude", "longitude")}
