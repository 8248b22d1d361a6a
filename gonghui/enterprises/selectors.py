"""Reads of the enterprise census, always scoped to the acting user (through the street or the covering union)."""

from django.db.models import Q

from gonghui.core.scoping import VIEW, gate, restrict

from .models import Enterprise


def enterprise_list(*, user, q: str = "", street=None, has_union: bool | None = None, action: str = VIEW):
    """Enterprises the user may `action` on, by name.

    `q` matches part of the name or a whole credit code; `street` is an Org or its id;
    `has_union` keeps only enterprises with (True) or without (False) a covering union.
    """
    qs = restrict(Enterprise.objects.all(), user, action).select_related("street", "union")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    if street is not None:
        qs = qs.filter(street_id=getattr(street, "pk", street))
    if has_union is not None:
        qs = qs.filter(union__isnull=not has_union)
    return qs.order_by("name", "pk")


def enterprise_get(*, user, pk, action: str = VIEW) -> Enterprise:
    """One enterprise the user may `action` on; Http404 for missing and out-of-scope alike."""
    return gate(Enterprise.objects.select_related("street", "union"), user, action, pk=pk)


def employer_for_suggestion(credit_code: str) -> Enterprise | None:
    """The enterprise with this credit code, unscoped, only to suggest its union to a worker who works there.

    Callers must expose nothing but the union's public facts (see orgs.api.unions_suggest_api).
    """
    return Enterprise.objects.select_related("union").filter(credit_code=(credit_code or "").strip().upper()).first()
