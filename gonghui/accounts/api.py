from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from .services import api_token_issue

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    detail: str


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut})
def token(request, payload: TokenIn):
    """Exchange a username (or mobile) and password for a bearer token. Lockout applies."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "lockout_user", None) is not None:
            return Status(401, {"detail": _("This account is locked for 30 minutes after too many wrong passwords.")})
        return Status(401, {"detail": _("The username or password is wrong.")})
    return Status(200, {"token": api_token_issue(user=user, request=request)})
