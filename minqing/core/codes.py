"""Short, unguessable public codes (tracking codes, station codes).

The alphabet leaves out 0/O, 1/I/L so a code read over the phone or copied from paper
cannot be misread. The check character makes the weighted sum of the whole code
(weights 1, 2, 3, … from the right) divisible by 31, the alphabet's size: because 31
is prime and the weights are distinct and non-zero, every single-character typo and
every swap of neighbours is caught (codes up to 30 characters), so a mistyped code is
refused before any lookup. (Luhn mod N, used before, needs an even N and let about
1.6% of typos through with these 31 characters.)
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_N = len(ALPHABET)


def _weight(position_from_right: int) -> int:
    # 1..30, never 0 mod 31; the check character itself has position 0 → weight 1.
    return position_from_right % (_N - 1) + 1


def check_character(body: str) -> str:
    """The check character for ``body`` (already normalised): weighted mod 31."""
    total = sum(_weight(i + 1) * _INDEX[char] for i, char in enumerate(reversed(body)))
    return ALPHABET[-total % _N]


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
