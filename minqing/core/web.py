"""What every app's staff pages do the same way around an action.

A page never decides whether a change is allowed: the selector answers 404 outside the
user's scope, the action answers 403 (``require``) or refuses with a ValidationError in
Chinese. These helpers turn that refusal into what the user sees, in one way for all
apps:

- ``run_action``: a button (a small POST form) on a detail page runs one action and
  comes back to the page with a flash message: the success text, or the refusal.
- ``submit_form``: a create/edit page runs one action on a valid POST and redirects
  with a flash message; a refusal is put on the form and the page is shown again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from minqing.core.i18n import join_clauses, join_errors

# A flash text or a redirect target given outright, or computed from what the action
# returned (the object it created, say).
FromResult = str | Callable[[Any], str]


def _resolve(value: FromResult, result: Any) -> str:
    return value(result) if callable(value) else value


def form_errors_text(form: forms.Form) -> str:
    """All of a bound form's errors as one line, for a flash message."""
    return join_clauses(error for errors in form.errors.values() for error in errors)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Attach an action's ValidationError to the matching fields (others to the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def apply_error_line(form: forms.Form, exc: ValidationError) -> None:
    """Attach an action's ValidationError to the form as one line of text."""
    form.add_error(None, join_errors(exc))


def run_action(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    success: FromResult,
    next_url: str,
    form: forms.Form | None = None,
) -> HttpResponse:
    """Run ``call`` (one action) and redirect to ``next_url`` (a URL or anything
    ``redirect`` takes) with a flash message.

    When ``form`` is given and does not validate, the action is not run and the form's
    errors are the message. A ValidationError from the action becomes the error
    message; otherwise ``success`` (or ``success(result)``) is shown. PermissionDenied
    and Http404 pass through (the 403/404 pages).
    """
    if form is not None and not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        try:
            result = call()
        except ValidationError as exc:
            messages.error(request, join_errors(exc))
        else:
            messages.success(request, _resolve(success, result))
    return redirect(next_url)


def submit_form(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[], Any],
    *,
    success: FromResult,
    next_url: FromResult,
    also: Iterable[forms.Form | None] = (),
    on_error: Callable[[forms.Form, ValidationError], None] = apply_errors,
) -> HttpResponse | None:
    """The POST half of a create/edit page.

    On a POST where ``form`` and every form in ``also`` validate, run ``call`` (one
    action): on success flash ``success`` and return a redirect to ``next_url`` (either
    may be a callable of the action's result); on a ValidationError hand it to
    ``on_error`` (by default onto the matching fields of ``form``) and return None.
    None also for a GET or an invalid form: the caller then renders the page.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    if not all(other.is_valid() for other in also if other is not None):
        return None
    try:
        result = call()
    except ValidationError as exc:
        on_error(form, exc)
        return None
    messages.success(request, _resolve(success, result))
    return redirect(_resolve(next_url, result))
