"""The duty work JSON API (mounted at /api/v1/duties/)."""

from ninja import Router

router = Router(tags=["duties"])
