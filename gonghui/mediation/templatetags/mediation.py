"""`{% is_mediator as flag %}`: whether the signed-in user is an active mediator (for a link to "My cases")."""

from django import template

from gonghui.mediation.selectors import is_mediator as _is_mediator

register = template.Library()


@register.simple_tag(takes_context=True)
def is_mediator(context) -> bool:
    request = context.get("request")
    return bool(request is not None and _is_mediator(request.user))
