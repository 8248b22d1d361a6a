"""Writing the audit log. Every service that writes, and every sensitive read, calls `audit_record`."""

from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(*, actor, action: str, target=None, reason: str = "", detail: dict | None = None,
                 request=None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        reason=reason[:500],
        detail=detail or {},
        ip=client_ip(request),
    )
