from django import template

from gonghui.members.selectors import my_worker

from ..selectors import open_for_me

register = template.Library()


@register.simple_tag(takes_context=True)
def questionnaires_waiting(context) -> int:
    """How many open questionnaires the signed-in worker has not answered yet, for the portal's tile."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    worker = my_worker(request.user)
    return sum(1 for _questionnaire, done in open_for_me(worker) if not done) if worker else 0
