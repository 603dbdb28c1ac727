"""JSON API of motions and suggestions (mounted at /api/v1/suggestions/)."""

from ninja import Router

router = Router(tags=["议案建议"])
