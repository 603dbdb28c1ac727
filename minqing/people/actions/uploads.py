"""The roster and unit-list imports: a whole file checked, then written all or none."""

from __future__ import annotations

from django.db import transaction

from minqing.accounts.models import User
from minqing.core import audit
from minqing.core.importing import ImportReport, parse_rows, read_table
from minqing.core.models import Region
from minqing.core.permissions import require
from minqing.people import imports
from minqing.people.models import Deputy, DeputyContact, HandlingUnit, Term
from minqing.people.selectors import MANAGE_DEPUTY, MANAGE_UNIT


def deputy_roster_import(*, actor: User, term: Term, upload) -> ImportReport:
    """Import a deputy roster (.xlsx or .csv, columns in ``people.imports.DEPUTY_COLUMNS``)
    into ``term``: all rows or none.

    Who: ``people.manage_deputy`` on the term's congress region; each row's region must
    be inside the actor's scope and the congress region; contact columns need
    ``people.view_deputy_contact``. Every row is checked and every problem returned as
    ``report.errors`` (row, column, Chinese message); if there is any, nothing is
    written and no audit entry is made. Otherwise all deputies (and their contacts)
    are bulk-created in one transaction with one audit entry ``deputy.import``.
    The file is read and parsed before the transaction opens so a large upload does
    not hold the database write lock.
    """
    require(actor, MANAGE_DEPUTY, term)
    raw, errors = read_table(upload, imports.DEPUTY_COLUMNS)
    if errors:
        return ImportReport(errors=errors)
    cleaned, errors = parse_rows(raw, imports.DEPUTY_COLUMNS)
    with transaction.atomic(durable=True):
        plan, more = imports.check_deputy_rows(actor=actor, term=term, raw=raw, cleaned=cleaned)
        errors = sorted(errors + more, key=lambda e: (e.row, _column_order(e.column)))
        if errors:
            return ImportReport(errors=errors)
        created = Deputy.objects.bulk_create(plan.deputies, batch_size=500)
        contacts = [
            DeputyContact(deputy=deputy, **data)
            for deputy, data in zip(created, plan.contacts, strict=True)
            if data is not None
        ]
        DeputyContact.objects.bulk_create(contacts, batch_size=500)
        audit.record(
            actor=actor,
            verb="deputy.import",
            obj=term,
            region=term.congress.region,
            after={
                "created": len(created),
                "contacts": len(contacts),
                "term": term.pk,
                "file": str(getattr(upload, "name", ""))[:100],
            },
        )
    return ImportReport(created=len(created))


def unit_list_import(*, actor: User, region: Region, upload) -> ImportReport:
    """Import a list of handling units (columns in ``people.imports.UNIT_COLUMNS``) into
    ``region`` and its sub-regions: all rows or none.

    Who: ``people.manage_unit`` on ``region``. Parent units are named and resolved in
    the file first or among existing units the actor can see (same or ancestor region).
    Any error → ``report.errors`` with every problem, nothing written, no audit entry.
    Otherwise all units are bulk-created in one transaction with one audit entry
    ``unit.import``.
    """
    require(actor, MANAGE_UNIT, region)
    raw, errors = read_table(upload, imports.UNIT_COLUMNS)
    if errors:
        return ImportReport(errors=errors)
    cleaned, errors = parse_rows(raw, imports.UNIT_COLUMNS)
    with transaction.atomic(durable=True):
        plan, more = imports.check_unit_rows(actor=actor, region=region, raw=raw, cleaned=cleaned)
        errors = sorted(errors + more, key=lambda e: (e.row, _column_order(e.column)))
        if errors:
            return ImportReport(errors=errors)
        created = HandlingUnit.objects.bulk_create(plan.units, batch_size=500)
        children = []
        for child, parent in plan.file_parents.items():
            created[child].parent = created[parent]
            children.append(created[child])
        HandlingUnit.objects.bulk_update(children, ["parent"], batch_size=500)
        audit.record(
            actor=actor,
            verb="unit.import",
            region=region,
            after={
                "created": len(created),
                "region": region.pk,
                "file": str(getattr(upload, "name", ""))[:100],
            },
        )
    return ImportReport(created=len(created))


_ORDER = {c.header: i for i, c in enumerate(imports.DEPUTY_COLUMNS)} | {
    c.header: i for i, c in enumerate(imports.UNIT_COLUMNS)
}


def _column_order(header: str) -> int:
    return _ORDER.get(header, -1)
