"""The JSON API root (`/api/v1/`): authentication and one error format for every router.

Errors always look like {"detail": "...", "errors": [{"field": "name", "message": "..."}]},
messages in the request's language (Chinese by default), so a client can show each next to
its field.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from gonghui.accounts.models import ApiToken, hash_secret


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_secret(token), expires_at__gt=timezone.now())
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (pages calling the API); CSRF checked by ninja."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


AUTH = [BearerAuth(), SessionAuth()]

api = NinjaAPI(
    title="Gonghui API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    description="工会 Gonghui: organisations, enterprises, members, applications and imports.",
)

# pydantic error types -> a message a person can act on.
_PYDANTIC_MESSAGES = {
    "missing": lambda e: _("This field is required."),
    "string_type": lambda e: _("Please enter text."),
    "string_too_short": lambda e: _("This value is too short."),
    "string_too_long": lambda e: _("This value is too long."),
    "int_parsing": lambda e: _("Please enter a whole number."),
    "int_type": lambda e: _("Please enter a whole number."),
    "decimal_parsing": lambda e: _("Please enter a number."),
    "float_parsing": lambda e: _("Please enter a number."),
    "date_from_datetime_parsing": lambda e: _("Please enter a date as YYYY-MM-DD."),
    "date_parsing": lambda e: _("Please enter a date as YYYY-MM-DD."),
    "bool_parsing": lambda e: _("Please enter true or false."),
    "greater_than_equal": lambda e: _("This value is too small."),
    "less_than_equal": lambda e: _("This value is too large."),
    "enum": lambda e: _("Please choose one of the allowed values."),
    "literal_error": lambda e: _("Please choose one of the allowed values."),
    "json_invalid": lambda e: _("The request body is not valid JSON."),
}


_LOCATIONS = ("body", "query", "path", "form", "payload", "file")


def field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in _LOCATIONS]
    if not parts and len(loc) > 1 and loc[0] == "file":  # a multipart field named "file": ("file", "file")
        parts = [str(loc[-1])]
    return ".".join(parts) or "body"


def error_body(errors: list[dict]) -> dict:
    return {"detail": _("Please correct the fields below."), "errors": errors}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    errors = []
    for err in exc.errors:
        make = _PYDANTIC_MESSAGES.get(err.get("type", ""))
        message = make(err) if make else (err.get("ctx", {}).get("error") or err.get("msg", ""))
        errors.append({"field": field_name(err.get("loc", ())), "message": str(message)})
    return api.create_response(request, error_body(errors), status=422)


@contextmanager
def api_field_names(**names):
    """Report a service's ValidationError under the API's field names (`street` -> `street_id`)."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise DjangoValidationError({names.get(f, f): errs for f, errs in exc.error_dict.items()}) from None


@api.exception_handler(DjangoValidationError)
def on_domain_validation_error(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": str(m)} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [{"field": "body", "message": str(m)} for m in exc.messages]
    return api.create_response(request, error_body(errors), status=422)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Please sign in.")}, status=401)
