"""Short, unguessable public codes (tracking codes, station codes).

The alphabet leaves out 0/O, 1/I/L so a code read over the phone or copied from paper
cannot be misread; a Luhn mod-N check character catches every single-character typo
and almost every swap of neighbours, so a mistyped code is refused before any lookup.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_N = len(ALPHABET)


def check_character(body: str) -> str:
    """Luhn mod N over ``body`` (already normalised)."""
    factor = 2
    total = 0
    for char in reversed(body):
        addend = factor * _INDEX[char]
        factor = 1 if factor == 2 else 2
        total += addend // _N + addend % _N
    return ALPHABET[(_N - total % _N) % _N]


def generate(length: int = 10) -> str:
    """A random code of ``length`` characters, the last being the check character."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(length - 1))
    return body + check_character(body)


def normalise(raw: str) -> str:
    """Upper-case and drop spaces and dashes, as people type them."""
    return "".join(ch for ch in raw.upper() if ch not in " -_\t")


def is_valid(raw: str, *, length: int | None = None) -> bool:
    code = normalise(raw)
    if len(code) < 2 or (length is not None and len(code) != length):
        return False
    if any(ch not in _INDEX for ch in code):
        return False
    return check_character(code[:-1]) == code[-1]


def display(code: str, group: int = 4) -> str:
    """``ABCD-EFGH-JK``: grouped for reading aloud."""
    return "-".join(code[i : i + group] for i in range(0, len(code), group))
