"""Account pages: API tokens, users and their role grants."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from minqing.accounts import actions, selectors
from minqing.accounts.forms import GrantForm, TokenCreateForm, UserSearchForm
from minqing.core.pagination import render_list
from minqing.core.permissions import has_perm
from minqing.core.views import perm_required
from minqing.core.web import apply_errors, run_action, submit_form


@never_cache
@perm_required("accounts.manage_tokens")
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """Lists tokens and creates one; the new key is rendered once, in this response
    only (never stored, never redirected through the session)."""
    form = TokenCreateForm(request.POST or None, actor=request.user)
    new_key = None
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_key = actions.api_token_create(
                actor=request.user,
                user=form.cleaned_data["username"],
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            form = TokenCreateForm(actor=request.user)
    return render_list(
        request,
        "accounts/token_list.html",
        selectors.tokens_visible(request.user),
        {
            "form": form,
            "new_key": new_key,
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get_visible(request.user, pk)
    return run_action(
        request,
        lambda: actions.api_token_revoke(actor=request.user, token=token),
        success=_("令牌「%(name)s」已撤销") % {"name": token.name},
        next_url=reverse("accounts:token_list"),
    )


@perm_required("accounts.manage_users")
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    return render_list(
        request,
        "accounts/user_list.html",
        selectors.users_visible(request.user, q=q),
        {"form": form},
    )


@perm_required("accounts.manage_users")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get_visible(request.user, pk)
    return _user_page(request, target, GrantForm(actor=request.user))


def _user_page(request: HttpRequest, target, form: GrantForm, status: int = 200) -> HttpResponse:
    grants = list(selectors.grants_of(target))
    for g in grants:
        g.can_revoke = g.revoked_at is None and has_perm(
            request.user, "accounts.manage_users", g.region
        )
    return render(
        request,
        "accounts/user_detail.html",
        {"target": target, "grants": grants, "form": form},
        status=status,
    )


@perm_required("accounts.manage_users")
@require_POST
def grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get_visible(request.user, pk)
    form = GrantForm(request.POST, actor=request.user)
    saved = submit_form(
        request,
        form,
        lambda: actions.role_grant(
            actor=request.user,
            user=target,
            role=form.cleaned_data["role"],
            region=form.cleaned_data["region"],
            unit=form.cleaned_data["unit"],
            station=form.cleaned_data["station"],
        ),
        success=lambda grant: _("已授予：%(grant)s") % {"grant": grant},
        next_url=reverse("accounts:user_detail", kwargs={"pk": target.pk}),
    )
    if saved:
        return saved
    return _user_page(request, target, form, status=400)


@perm_required("accounts.manage_users")
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_get_visible(request.user, pk)
    return run_action(
        request,
        lambda: actions.role_revoke(actor=request.user, grant=grant),
        success=_("已撤销：%(grant)s") % {"grant": grant},
        next_url=reverse("accounts:user_detail", kwargs={"pk": grant.user_id}),
    )
