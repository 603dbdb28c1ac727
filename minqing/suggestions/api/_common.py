"""What the endpoints of the suggestion API share: the item as the caller may see it,
look-ups that answer 404 outside the caller's sight (the same rules as the pages:
``selectors.detail_for`` decides which parts, replies and requests a reader sees), and
look-ups of ids in a body that answer with a field error (422)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from minqing.core.models import Region
from minqing.core.permissions import has_perm, scope
from minqing.opinions import selectors as opinion_selectors
from minqing.opinions.api._common import clean_files
from minqing.opinions.models import Opinion
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Deputy, HandlingUnit
from minqing.suggestions import permissions as perms
from minqing.suggestions import selectors
from minqing.suggestions.models import (
    Assignment,
    AssignmentBatch,
    CongressSession,
    Extension,
    ReassignRequest,
    Reply,
    Signer,
    Suggestion,
)

__all__ = [
    "batch_get",
    "clean_attachments",
    "deputies_by_id",
    "detail",
    "detail_of",
    "extension_get",
    "opinions_by_id",
    "part_get",
    "reassign_request_get",
    "region_by_code",
    "reply_get",
    "require_deputy",
    "require_office",
    "require_unit",
    "session_by_id",
    "sessions_in_scope",
    "signer_get",
    "unit_by_id",
    "units_by_id",
    "user_by_id",
]


# --- the item as the caller sees it ------------------------------------------------------


def detail(request: HttpRequest, suggestion: Suggestion) -> Suggestion:
    """``suggestion`` with what SuggestionDetailOut renders: the DetailView of the caller
    and the caller's standing on it."""
    user = request.user
    view = selectors.detail_for(user, suggestion)
    s = view.suggestion
    flags = []
    if view.is_office:
        flags.append("manage")
    if view.own_assignments:
        flags.append("handle")
    if view.show_contact:
        flags.append("view_contact")
    if perms.is_lead(user, s):
        flags.append("lead")
    if perms.signer_of(user, s) is not None:
        flags.append("signer")
    s.api_view = view
    s.api_permissions = flags
    s.api_sources = _sources_seen(user, view.sources)
    return s


def _sources_seen(user, sources: list) -> list:
    """The citizens' opinions behind the item that the reader may open: another reader
    learns neither their tracking codes nor their text."""
    if not sources:
        return []
    seen = set(
        opinion_selectors.opinions_visible(user)
        .filter(pk__in=[x.opinion_id for x in sources])
        .values_list("pk", flat=True)
    )
    return [x for x in sources if x.opinion_id in seen]


def detail_of(request: HttpRequest, pk: int) -> Suggestion:
    """The item ``pk`` as it is now, read afresh after an action (404 outside sight)."""
    return detail(request, selectors.suggestion_get_visible(request.user, pk))


# --- objects inside an item: 404 unless the caller's view of the item shows them --------


def _parts_seen(user, suggestion_id: int) -> set[int]:
    suggestion = selectors.suggestion_get_visible(user, suggestion_id)
    return {a.pk for a in selectors.detail_for(user, suggestion).assignments}


def part_get(user, pk: int) -> Assignment:
    """A unit's part the user sees on the item's page (a co-handler sees only its own)."""
    part = Assignment.objects.select_related("suggestion", "unit").filter(pk=pk).first()
    if part is None or part.pk not in _parts_seen(user, part.suggestion_id):
        raise Http404
    return part


def _request_get(model, user, pk: int):
    obj = (
        model.objects.select_related("assignment__suggestion", "assignment__unit")
        .filter(pk=pk)
        .first()
    )
    if obj is None or obj.assignment_id not in _parts_seen(user, obj.assignment.suggestion_id):
        raise Http404
    return obj


def reassign_request_get(user, pk: int) -> ReassignRequest:
    return _request_get(ReassignRequest, user, pk)


def extension_get(user, pk: int) -> Extension:
    return _request_get(Extension, user, pk)


def reply_get(user, pk: int) -> Reply:
    """A reply the user reads on the item's page."""
    reply = Reply.objects.select_related("suggestion", "assignment__unit").filter(pk=pk).first()
    if reply is None:
        raise Http404
    suggestion = selectors.suggestion_get_visible(user, reply.suggestion_id)
    if reply.pk not in {r.pk for r in selectors.detail_for(user, suggestion).replies}:
        raise Http404
    return reply


def signer_get(user, pk: int) -> Signer:
    """A signature on an item the user sees."""
    items = selectors.suggestions_visible(user).values("pk")
    signer = (
        Signer.objects.select_related("suggestion", "deputy")
        .filter(pk=pk, suggestion__in=items)
        .first()
    )
    if signer is None:
        raise Http404
    return signer


def batch_get(user, pk: int) -> AssignmentBatch:
    """A batch of assignments of the user's region (``suggestions.manage``), with its
    rows read for BatchOut."""
    batch = scope(AssignmentBatch.objects.all(), user, perms.MANAGE).filter(pk=pk).first()
    if batch is None:
        raise Http404
    batch.api_items = list(
        batch.items.select_related("suggestion", "unit").order_by("suggestion_id", "id")
    )
    return batch


def sessions_in_scope(user) -> QuerySet[CongressSession]:
    """The congress sessions of the user's scope (``selectors.sessions_visible`` read
    with ``suggestions.view_suggestion``: office, leaders, units) and those of the
    user's own term (deputies), newest first."""
    qs = selectors.sessions_visible(user, perms.VIEW)
    deputy = deputy_of(user)
    if deputy is None:
        return qs
    return (
        CongressSession.objects.filter(Q(pk__in=qs.values("pk")) | Q(term_id=deputy.term_id))
        .select_related("congress", "term")
        .order_by("-start_date", "-id")
    )


# --- who the list endpoints are for --------------------------------------------------------


def require_deputy(user) -> None:
    if deputy_of(user) is None:
        raise PermissionDenied(_("只有人大代表可以查看"))


def require_office(user) -> None:
    if not has_perm(user, perms.MANAGE):
        raise PermissionDenied(_("只有人大工作人员可以查看"))


def require_unit(user) -> None:
    if not has_perm(user, perms.HANDLE):
        raise PermissionDenied(_("只有承办单位工作人员可以查看"))


# --- ids in a body: a field error when unknown ---------------------------------------------


def _missing(field: str, label: str, ids: Iterable[int]) -> ValidationError:
    shown = "、".join(str(i) for i in sorted(ids)[:5])
    return ValidationError({field: [_("找不到%(what)s：%(ids)s") % {"what": label, "ids": shown}]})


def units_by_id(ids: Iterable[int], field: str) -> list[HandlingUnit]:
    """The units, in the order given; the action decides whether the caller may use
    them."""
    ids = list(dict.fromkeys(ids))
    found = HandlingUnit.objects.in_bulk(ids)
    if len(found) != len(ids):
        raise _missing(field, _("承办单位"), set(ids) - set(found))
    return [found[i] for i in ids]


def unit_by_id(pk: int | None, field: str) -> HandlingUnit | None:
    return None if pk is None else units_by_id([pk], field)[0]


def deputies_by_id(ids: Iterable[int], field: str) -> list[Deputy]:
    ids = list(dict.fromkeys(ids))
    found = Deputy.objects.select_related("term").in_bulk(ids)
    if len(found) != len(ids):
        raise _missing(field, _("代表"), set(ids) - set(found))
    return [found[i] for i in ids]


def opinions_by_id(user, ids: Iterable[int], field: str = "opinion_ids") -> list[Opinion]:
    """Opinions the user sees; one outside their sight is reported as not found, so its
    tracking code is never named."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = opinion_selectors.opinions_visible(user).in_bulk(ids)
    if len(found) != len(ids):
        raise _missing(field, _("民情"), set(ids) - set(found))
    return [found[i] for i in ids]


def session_by_id(pk: int | None, field: str = "session_id") -> CongressSession | None:
    if pk is None:
        return None
    session = CongressSession.objects.filter(pk=pk).first()
    if session is None:
        raise _missing(field, _("大会会议"), [pk])
    return session


def user_by_id(pk: int | None, field: str = "user_id"):
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise _missing(field, _("账号"), [pk])
    return user


def region_by_code(code: str, field: str = "region_code") -> Region | None:
    code = code.strip()
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({field: [_("区划代码“%(code)s”不存在") % {"code": code[:20]}]})
    return region


def clean_attachments(files) -> list:
    """Verified draft attachments (PDF, JPEG, PNG, WebP; at most five)."""
    return clean_files(files or [], attachments=True)
