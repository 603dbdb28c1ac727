"""Accounts API (/api/v1/accounts/): who am I, and API tokens."""

from dataclasses import asdict

from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from minqing.accounts import actions, selectors
from minqing.accounts.schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut
from minqing.core.api_pagination import Pagination
from minqing.core.permissions import require

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="当前用户及其角色")
def me(request: HttpRequest):
    return asdict(selectors.me(request.user))


@router.get("/tokens", response=list[TokenOut], summary="令牌列表")
@paginate(Pagination)
def token_list(request: HttpRequest):
    """The caller's own tokens, those they created, and those of users they cover."""
    return selectors.tokens_visible(request.user)


@router.post("/tokens", response={201: TokenCreatedOut}, summary="创建令牌")
def token_create(request: HttpRequest, payload: TokenIn):
    """Create a token (accounts.manage_tokens) acting as ``username`` (default: the
    caller). The key is in this response only. A user outside the caller's cover
    answers 404."""
    require(request.user, "accounts.manage_tokens")
    user = request.user
    if payload.username and payload.username != request.user.get_username():
        user = (
            selectors.users_covered(request.user, "accounts.manage_tokens")
            .filter(username=payload.username, is_active=True)
            .first()
        )
        if user is None:
            raise Http404("user not covered")
    token, key = actions.api_token_create(
        actor=request.user, user=user, name=payload.name, expires_at=payload.expires_at
    )
    token.key = key  # on this response only; never stored
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response=TokenOut, summary="撤销令牌")
def token_revoke(request: HttpRequest, token_id: int):
    token = selectors.token_get_visible(request.user, token_id)
    return actions.api_token_revoke(actor=request.user, token=token)
