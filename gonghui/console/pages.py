"""Small helpers shared by the console's pages: paging, HTMX fragments, service errors on forms."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def paginate(request, queryset, per_page: int):
    """The requested page of `queryset`; a bad or too-large page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def is_fragment_request(request) -> bool:
    """An HTMX request for part of a page (not a history restore, which needs the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def render_list(request, template: str, fragment: str, context: dict):
    """Render the whole page, or only the results fragment when a live filter asks for it."""
    response = render(request, fragment if is_fragment_request(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the field it names (or at the top of the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
