from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value):
    """A rate (0..1) as a percentage with one decimal; an undefined rate (no denominator) as a dash."""
    if value is None:
        return "—"
    return f"{number_format(round(value * 100, 1), 1)}%"
