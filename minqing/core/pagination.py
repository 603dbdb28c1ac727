"""Pagination shared by every list page: ordered, indexed querysets only."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PER_PAGE = 50


def paginate(request: HttpRequest, qs: QuerySet, per_page: int = PER_PAGE) -> tuple[Page, str]:
    """The requested page of ``qs`` and the query string without ``page`` (for links).

    An out-of-range or malformed ``page`` gives the nearest valid page, never an error.
    """
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    rest = params.urlencode()
    return page, (rest + "&" if rest else "")


def render_list(
    request: HttpRequest, template_name: str, qs: QuerySet, context: dict[str, Any]
) -> HttpResponse:
    """Render a list page: ``context`` plus the requested page of ``qs`` as ``page_obj``
    and ``querystring_without_page``, the two names includes/pagination.html reads."""
    page_obj, querystring = paginate(request, qs)
    return render(
        request,
        template_name,
        {**context, "page_obj": page_obj, "querystring_without_page": querystring},
    )
