from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportKind


class ImportForm(forms.Form):
    """The upload form. The organisation is a plain id: the view gates it (404 outside the scope)."""

    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices, widget=forms.RadioSelect)
    org_id = forms.IntegerField(label=_("Import into"))
    file = forms.FileField(label=_("File"), help_text=_("An Excel workbook (.xlsx) or a CSV file, as in the template."))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "---------")] + [
            (o.pk, f"{'　' * o.depth}{o.name} · {o.get_kind_display()}") for o in orgs
        ]
        self.fields["org_id"].widget = forms.Select(choices=choices)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
