from django.core.exceptions import PermissionDenied

from .models import AuditEvent


def audit_event_list(*, user, action: str = "", actor: str = ""):
    """The auditor, and only the auditor, reads the log."""
    if not user.is_authenticated or not user.is_auditor:
        raise PermissionDenied
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_name=actor)
    return qs
