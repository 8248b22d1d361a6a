"""The one scoping mechanism: every org-scoped read goes through `restrict(queryset, user, action)`.

A model opts in by declaring which of its fields point at an organisation (`SCOPE_ORG_FIELDS`,
"self" for the Org model itself) and, where a worker owns the row, `SCOPE_OWNER_FIELD`.
A role granted on an org covers its whole subtree, which is one indexed prefix match on the
org's materialized path. Single objects come through `gate`, which answers 404 for
"missing" and "forbidden" alike, so a caller cannot probe what exists outside their scope.
"""

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.http import Http404

VIEW = "view"
MANAGE = "manage"  # create and edit orgs, enterprises and member records
APPROVE = "approve"  # decide membership applications and transfers
IMPORT = "import"
EXPORT = "export"
REVEAL = "reveal"  # see a full resident ID, with a reason, audited
ACTIONS = (VIEW, MANAGE, APPROVE, IMPORT, EXPORT, REVEAL)
OWNER_ACTIONS = frozenset({VIEW})


def minimal_paths(paths) -> list[str]:
    """Drop paths that lie inside another one: '/1/' already covers '/1/5/'."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_q(model, paths, user=None, action=VIEW) -> Q | None:
    parts = []
    for path in minimal_paths(paths):
        for field in model.SCOPE_ORG_FIELDS:
            lookup = "path__startswith" if field == "self" else f"{field}__path__startswith"
            parts.append(Q(**{lookup: path}))
    owner = getattr(model, "SCOPE_OWNER_FIELD", None)
    if owner and user is not None and action in OWNER_ACTIONS:
        parts.append(Q(**{owner: user}))
    return reduce(or_, parts) if parts else None


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    q = scope_q(queryset.model, user.scope_paths(action), user, action)
    return queryset.filter(q) if q is not None else queryset.none()


def restrict_to_orgs(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """`restrict` without the owner clause: only what the user's roles grant on org subtrees.

    For cadre-facing lists and figures (a console queue, the coverage page): a cadre who is also a worker
    somewhere else must not find their own rows there, and the "or my own" branch of the OR also keeps
    the database from starting at the subtree's orgs. A worker's own rows are their portal's.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    q = scope_q(queryset.model, user.scope_paths(action))
    return queryset.filter(q) if q is not None else queryset.none()


def can(user, action: str, org) -> bool:
    """Whether `user` holds `action` on `org` (through a grant on it or an ancestor)."""
    if user is None or not user.is_authenticated or not user.is_active or org is None:
        return False
    return any(org.path.startswith(p) for p in user.scope_paths(action))


def gate(queryset_or_model, user, action: str = VIEW, **lookup):
    """Fetch one object the user may act on, or raise Http404 exactly as for a missing one."""
    qs = queryset_or_model if isinstance(queryset_or_model, models.QuerySet) else queryset_or_model.objects.all()
    try:
        return restrict(qs, user, action).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        return restrict(self, user, action)
