"""The audit log page: read-only, for the audit administrator alone.

There is deliberately no view that edits or deletes a row; the model refuses both anyway.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from gonghui.console.access import auditor_required
from gonghui.console.pages import paginate

from .selectors import audit_event_list

PAGE_SIZE = 50


@auditor_required
@require_safe
def event_list(request):
    action = request.GET.get("action", "").strip()[:64]
    actor = request.GET.get("actor", "").strip()[:150]
    events = audit_event_list(user=request.user, action=action, actor=actor)
    return render(request, "audit/list.html", {
        "page_obj": paginate(request, events, PAGE_SIZE), "action": action, "actor": actor,
    })
