from django import template

from gonghui.core.privacy import mask_name as _mask_name

register = template.Library()


@register.filter
def mask_name(value) -> str:
    """张小三 -> 张*三: applicants in the queue are shown masked."""
    return _mask_name(str(value or ""))


@register.filter
def indent(depth, base=0) -> int:
    """Tree depth relative to the top of the user's scope, capped for the stylesheet."""
    try:
        return max(0, min(int(depth) - int(base), 8))
    except (TypeError, ValueError):
        return 0
