"""The state-table helper every workflow uses.

A workflow declares its states and allowed edges once, in its app's ``states.py``::

    STATION_STATES = StateTable(
        name="station", states=StationStatus, initial=StationStatus.PLANNED,
        edges={(PLANNED, ACTIVE): "open", (ACTIVE, SUSPENDED): "suspend", ...},
    )

and its actions move objects only through :func:`transition`, which locks the row,
refuses edges not in the table and writes a timeline row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from minqing.core.models import TimelineEvent


class InvalidTransition(Exception):
    """An edge that the workflow's state table does not allow."""

    def __init__(self, table: StateTable, from_state: str, to_state: str):
        self.table, self.from_state, self.to_state = table, from_state, to_state
        super().__init__(
            _("不能从「%(from)s」变为「%(to)s」")
            % {"from": table.label(from_state), "to": table.label(to_state)}
        )


@dataclass(frozen=True)
class StateTable:
    name: str
    states: type[models.TextChoices]
    initial: str
    edges: Mapping[tuple[str, str], str]

    def __post_init__(self) -> None:
        values = set(self.states.values)
        for a, b in self.edges:
            if a not in values or b not in values:
                raise ValueError(f"{self.name}: edge {a}->{b} names an unknown state")

    def label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def allows(self, from_state: str, to_state: str) -> bool:
        return (from_state, to_state) in self.edges

    def verb(self, from_state: str, to_state: str) -> str:
        return self.edges[(from_state, to_state)]

    def targets(self, from_state: str) -> list[str]:
        return [b for (a, b) in self.edges if a == from_state]


def transition(
    obj: models.Model,
    *,
    table: StateTable,
    to: str,
    actor,
    note: str = "",
    public: bool = False,
    field: str = "state",
    update_fields: tuple[str, ...] = (),
    verb: str | None = None,
) -> TimelineEvent:
    """Move ``obj`` to state ``to`` under a row lock and write its timeline row.

    ``verb`` names the edge the caller means to take: when two actions lead to the same
    state (answering and rating both close an opinion), an action must not slip through
    the other's edge.

    Must run inside an action's transaction. Raises :class:`InvalidTransition` when the
    current state (read under the lock, not from the possibly stale ``obj``) has no edge
    to ``to``. Other changed fields named in ``update_fields`` are saved with the state.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside an action's transaction")
    locked = type(obj)._default_manager.select_for_update().only(field).get(pk=obj.pk)
    current_state = getattr(locked, field)
    if not table.allows(current_state, to) or (
        verb is not None and table.verb(current_state, to) != verb
    ):
        raise InvalidTransition(table, current_state, to)
    setattr(obj, field, to)
    obj.save(update_fields=[field, *update_fields])
    return TimelineEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        workflow=table.name,
        verb=table.verb(current_state, to),
        from_state=current_state,
        to_state=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        public=public,
    )


def timeline(obj: models.Model, *, public_only: bool = False):
    qs = TimelineEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )
    return qs.filter(public=True) if public_only else qs


def log_event(
    obj: models.Model,
    *,
    workflow: str,
    verb: str,
    actor,
    note: str = "",
    public: bool = False,
    field: str = "state",
) -> TimelineEvent:
    """Write a timeline row for a step that does not change the state (a contact made,
    a category set, an extension decided), so the timeline tells the whole story."""
    current_state = getattr(obj, field)
    return TimelineEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        workflow=workflow,
        verb=verb,
        from_state=current_state,
        to_state=current_state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        public=public,
    )
