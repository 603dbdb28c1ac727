"""Writes of people data: deputies and their grids (联系网格), deputy groups, handling
units and their staff, congresses and terms, and the roster / unit-list imports.

Each action checks its own permission (``core.permissions.require``), validates (raising
``ValidationError`` with Chinese messages keyed by field), writes, and records exactly
one audit entry, so pages, the API, the admin and commands behave the same. Private
contact values never go into the audit log: only which contact fields changed.

One module a noun; callers import this package (``from minqing.people import actions``)
and every public name is here.
"""

from minqing.people.actions.congresses import (
    TERM_FIELDS,
    check_congress_region,
    check_term,
    congress_create,
    congress_rename,
    term_create,
    term_update,
)
from minqing.people.actions.deputies import (
    CONTACT_FIELDS,
    DEPUTY_EDITABLE,
    DEPUTY_FIELDS,
    deputy_create,
    deputy_end_term,
    deputy_link_user,
    deputy_update,
)
from minqing.people.actions.grids import deputy_grid_assign, deputy_grid_remove
from minqing.people.actions.groups import (
    GROUP_FIELDS,
    deputy_group_create,
    deputy_group_member_add,
    deputy_group_member_remove,
    deputy_group_update,
)
from minqing.people.actions.units import (
    UNIT_EDITABLE,
    UNIT_FIELDS,
    unit_create,
    unit_deactivate,
    unit_staff_grant,
    unit_staff_revoke,
    unit_update,
)
from minqing.people.actions.uploads import deputy_roster_import, unit_list_import

__all__ = [
    "CONTACT_FIELDS",
    "DEPUTY_EDITABLE",
    "DEPUTY_FIELDS",
    "GROUP_FIELDS",
    "TERM_FIELDS",
    "UNIT_EDITABLE",
    "UNIT_FIELDS",
    "check_congress_region",
    "check_term",
    "congress_create",
    "congress_rename",
    "deputy_create",
    "deputy_end_term",
    "deputy_grid_assign",
    "deputy_grid_remove",
    "deputy_group_create",
    "deputy_group_member_add",
    "deputy_group_member_remove",
    "deputy_group_update",
    "deputy_link_user",
    "deputy_roster_import",
    "deputy_update",
    "term_create",
    "term_update",
    "unit_create",
    "unit_deactivate",
    "unit_list_import",
    "unit_staff_grant",
    "unit_staff_revoke",
    "unit_update",
]
