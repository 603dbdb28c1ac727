"""DESIGN.md's conventions, checked over the source so a new action or view that breaks
them fails here even before it has behavioural tests of its own.

- Every action (a public, durable-atomic function in an app's ``actions.py``, or in a
  module of its ``actions/`` package) writes exactly one audit entry: its body calls
  ``audit.record`` once, on one path.
- Views, API handlers, forms, selectors and the admin never write models themselves:
  no ``.save()``/``.delete()``/``bulk_create``/``objects.create`` outside actions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "minqing"


def _layer(name: str) -> list[Path]:
    """An app's ``<name>.py``, or the modules of its ``<name>/`` package once it has been
    split (DESIGN: a module past ~600 lines becomes a package)."""
    return sorted(
        {
            *PACKAGE.glob(f"*/{name}.py"),
            *PACKAGE.glob(f"*/{name}_*.py"),
            *PACKAGE.glob(f"*/{name}/*.py"),
        }
    )


def _app(path: Path) -> str:
    """The app a layer module belongs to: ``people`` for people/actions.py and for
    people/actions/units.py alike."""
    return path.parent.name if path.parent.parent == PACKAGE else path.parent.parent.name


ACTION_MODULES = _layer("actions")
THIN_MODULES = sorted(
    p for name in ("views", "api", "forms", "selectors", "admin") for p in _layer(name)
)
WRITE_CALLS = {"save", "delete", "bulk_create", "bulk_update", "update_or_create", "get_or_create"}


def _is_durable_atomic(decorator: ast.expr) -> bool:
    """``@transaction.atomic(durable=True)``."""
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr == "atomic"
        and any(
            kw.arg == "durable" and isinstance(kw.value, ast.Constant) and kw.value.value
            for kw in decorator.keywords
        )
    )


def _module(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _actions(path: Path) -> list[ast.FunctionDef]:
    return [
        node
        for node in _module(path).body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and any(_is_durable_atomic(d) for d in node.decorator_list)
    ]


def _audit_calls(func: ast.FunctionDef, helpers: dict[str, ast.FunctionDef], seen=None) -> int:
    """``audit.record`` calls in ``func``, following calls into the module's private
    helpers (``station_open`` → ``_move`` → one record)."""
    seen = set() if seen is None else seen
    count = 0
    for node in ast.walk(func):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if (
            isinstance(f, ast.Attribute)
            and f.attr == "record"
            and getattr(f.value, "id", "") == "audit"
        ):
            count += 1
        elif isinstance(f, ast.Name) and f.id in helpers and f.id not in seen:
            seen.add(f.id)
            count += _audit_calls(helpers[f.id], helpers, seen)
    return count


def _private_helpers(path: Path) -> dict[str, ast.FunctionDef]:
    return {
        n.name: n
        for n in _module(path).body
        if isinstance(n, ast.FunctionDef) and n.name.startswith("_")
    }


def test_every_app_has_actions():
    apps = {_app(p) for p in ACTION_MODULES}
    assert {"core", "accounts", "people", "stations"} <= apps
    assert sum(len(_actions(p)) for p in ACTION_MODULES) >= 40


@pytest.mark.parametrize(
    "path, func",
    [(p, f) for p in ACTION_MODULES for f in _actions(p)],
    ids=lambda v: v.name if isinstance(v, ast.FunctionDef) else _app(v),
)
def test_action_writes_exactly_one_audit_entry(path, func):
    count = _audit_calls(func, _private_helpers(path))
    assert count == 1, (
        f"{_app(path)}.actions.{func.name} calls audit.record {count} times; "
        "an action writes exactly one audit entry"
    )


@pytest.mark.parametrize(
    "path, func",
    [(p, f) for p in ACTION_MODULES for f in _actions(p)],
    ids=lambda v: v.name if isinstance(v, ast.FunctionDef) else _app(v),
)
def test_action_is_documented_and_keyword_only(path, func):
    assert ast.get_docstring(func), f"{func.name} has no docstring (who, when, side effects)"
    assert not func.args.args, f"{func.name} must take keyword-only arguments"
    assert any(a.arg == "actor" for a in func.args.kwonlyargs), f"{func.name} has no actor"


@pytest.mark.parametrize("path", THIN_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_thin_layers_do_not_write_models(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    offenders = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        target = node.func.value
        if isinstance(target, ast.Name) and target.id in {"router", "api"}:
            continue  # @router.delete(...) declares an HTTP DELETE route
        is_manager_create = (
            name == "create" and isinstance(target, ast.Attribute) and target.attr == "objects"
        )
        if name in WRITE_CALLS or is_manager_create:
            offenders.append(f"line {node.lineno}: .{name}()")
    assert not offenders, f"{path} writes models outside actions: {offenders}"
