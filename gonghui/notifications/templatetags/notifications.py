from django import template

from ..selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in user's unread count, for a badge next to the inbox link."""
    request = context.get("request")
    return unread_count(user=request.user) if request is not None else 0
