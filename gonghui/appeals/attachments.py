"""Files attached to a request: checked by their content (JPEG, PNG or PDF) and size, stored under
MEDIA_ROOT with a random name, read back only through `attachment_get`'s permission check."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record

from .models import Action, Appeal, Attachment
from .selectors import appeal_get
from .services import _event, _locked, may_handle

SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))
MAX_FILES = 10


def max_bytes() -> int:
    return getattr(settings, "APPEAL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


@transaction.atomic
def attachment_add(*, actor, appeal: Appeal, upload, request=None) -> Attachment:
    """The reporter or a cadre handling the request adds a file."""
    appeal = _locked(appeal)
    if not (may_handle(actor, appeal) or (appeal.user_id and appeal.user_id == getattr(actor, "pk", None))):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if upload is None:
        errors["file"] = _("Please choose a file.")
    elif upload.size > max_bytes():
        errors["file"] = _("The file is larger than %(mb)d MB.") % {"mb": max_bytes() // (1024 * 1024)}
    else:
        upload.seek(0)
        kind = sniff(upload.read(16))
        upload.seek(0)
        if kind is None:
            errors["file"] = _("Only JPEG or PNG pictures and PDF documents can be attached.")
    if appeal.attachments.count() >= MAX_FILES:
        errors["file"] = _("A request can have at most %(n)d files.") % {"n": MAX_FILES}
    if errors:
        raise ValidationError(errors)
    name = (getattr(upload, "name", "") or "file")[-200:]
    attachment = Attachment(appeal=appeal, original_name=name, content_type=kind, size=upload.size,
                            uploaded_by=actor)
    attachment.file.save("upload", upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    _event(appeal, actor=actor, action=Action.ATTACHMENT, note=name)
    audit_record(actor=actor, action="appeals.attachment_add", target=appeal, request=request,
                 detail={"attachment": attachment.pk, "size": attachment.size})
    return attachment


def attachment_get(*, user, appeal_pk: int, pk: int) -> Attachment:
    """An attachment of a request the user may see (cadre scope or the reporter); Http404 otherwise."""
    appeal = appeal_get(user=user, pk=appeal_pk)
    attachment = appeal.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment
