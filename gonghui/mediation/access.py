"""The door to the mediation pages for people who are not (only) cadres.

A mediator is any active account with an active Mediator record: lawyers and retired judges get
no org-wide role, so the console's `cadre_required` would refuse them. Rather than widen the
console door for everyone, these guards admit mediators to their own pages only; what they then
see is limited to the cases assigned to them (`selectors.my_cases`, `selectors.case_get`).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .selectors import is_mediator


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.is_active or not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


mediator_required = _guard(is_mediator)
cadre_or_mediator_required = _guard(lambda user: user.is_cadre or is_mediator(user))
