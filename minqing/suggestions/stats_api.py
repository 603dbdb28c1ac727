"""Statistics API (mounted at /api/v1/suggestions/stats/)."""

from ninja import Router

router = Router(tags=["议案建议统计"])
