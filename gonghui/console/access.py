"""Who may open the cadre console.

Anonymous visitors are sent to sign in; a signed-in account without a cadre role (a worker,
an administrator) gets 403 and sees nothing. What a cadre then sees is decided per object by
`gonghui.core.scoping` through each app's selectors; these decorators only guard the door.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active or not check(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


cadre_required = _guard(lambda user: user.is_cadre)
auditor_required = _guard(lambda user: user.is_auditor)
security_admin_required = _guard(lambda user: user.is_security_admin)
