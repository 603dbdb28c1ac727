"""How a model's rows are scoped to roles (see core.permissions). Kept import-free so
any models module can declare its ``SCOPE``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    region: str  # lookup from the model to its Region FK, e.g. "region" or "station__region"
    unit: str | None = None  # lookup to its HandlingUnit FK, when rows belong to a unit
    station: str | None = None  # lookup to its Station FK, when rows belong to a station
    self_kind: str | None = None  # "region" | "unit" | "station" for those models themselves
