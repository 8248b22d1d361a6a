"""Small helpers shared by the console's pages: paging, HTMX fragments, service errors on forms, saving a form."""

from django.contrib import messages
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


def save_form(request, form, call, success: str):
    """The POST half of a console form page: when the form is valid, run `call(form.cleaned_data)` (one
    service call) and flash `success`; a ValidationError from the service lands next to the field it names.

    Returns what `call` returned, or None when nothing was saved (not a POST, a bad form, a refusal), so a
    view reads: `if (obj := save_form(...)) is not None: return redirect(...)`."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, success)
    return result


def changed_values(form) -> dict:
    """The fields an edit form changed, with their cleaned values: what an `*_update` service takes."""
    return {name: form.cleaned_data[name] for name in form.changed_data}


def save_changes(request, form, update, obj, success: str):
    """An edit page's POST: `update(**changed values)` (an `*_update` service with its other arguments bound)
    only when the form changed something, else `obj` as it is. Returns like `save_form`."""
    return save_form(request, form, lambda _data: update(**changed_values(form)) if form.changed_data else obj,
                     success)
