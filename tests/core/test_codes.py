"""Tracking codes: unguessable, unambiguous, and refused when mistyped."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from minqing.core import codes

SAMPLES = ["7KQ9MZ2RT", "ABCDEFGHJ", "2222222", "XYZ98765"]


def _with_check(body: str) -> str:
    return body + codes.check_character(body)


def test_generated_codes_are_valid_and_use_the_alphabet_only():
    for length in (4, 8, 10, 12):
        for _ in range(50):
            code = codes.generate(length)
            assert len(code) == length
            assert set(code) <= set(codes.ALPHABET)
            assert codes.is_valid(code)
            assert codes.is_valid(code, length=length)
            assert not codes.is_valid(code, length=length + 1)


def test_the_alphabet_has_no_ambiguous_characters():
    for char in "0O1IL":
        assert char not in codes.ALPHABET
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 31


def test_every_single_character_substitution_is_rejected():
    rng = random.Random(20261121)
    bodies = [*SAMPLES, *("".join(rng.choice(codes.ALPHABET) for _ in range(9)) for _ in range(6))]
    checked = 0
    for body in bodies:
        code = _with_check(body)
        assert codes.is_valid(code)
        for position in range(len(code)):
            for char in codes.ALPHABET:
                if char == code[position]:
                    continue
                typo = code[:position] + char + code[position + 1 :]
                assert not codes.is_valid(typo), (code, typo)
                checked += 1
    assert checked == sum(len(_with_check(b)) for b in bodies) * 30


def test_adjacent_transpositions_are_rejected():
    swaps = caught = 0
    for _ in range(300):
        code = codes.generate(10)
        for i in range(len(code) - 1):
            if code[i] == code[i + 1]:
                continue
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            swaps += 1
            caught += not codes.is_valid(swapped)
    # The weighted mod-31 check catches all of them (the brief asks "mostly").
    assert swaps > 2000
    assert caught == swaps


def test_ambiguous_characters_are_refused():
    code = codes.generate(10)
    for char in "0O1IL":
        for position in range(len(code)):
            assert not codes.is_valid(code[:position] + char + code[position + 1 :])
    assert not codes.is_valid("")
    assert not codes.is_valid("A")


def test_normalise_accepts_lower_case_spaces_and_dashes():
    code = codes.generate(10)
    typed = " " + codes.display(code).lower().replace("-", " - ") + "\t"
    assert codes.normalise(typed) == code
    assert codes.is_valid(typed)
    assert codes.is_valid(codes.display(code))
    assert codes.display("ABCDEFGHJK") == "ABCD-EFGH-JK"


@given(st.text(alphabet=codes.ALPHABET, min_size=1, max_size=20))
def test_property_any_body_with_its_check_character_is_valid(body):
    code = _with_check(body)
    assert codes.is_valid(code)
    assert codes.is_valid(code.lower())


@given(
    st.text(alphabet=codes.ALPHABET, min_size=3, max_size=15),
    st.integers(min_value=0),
    st.sampled_from(codes.ALPHABET),
)
def test_property_a_changed_character_is_always_caught(body, where, char):
    code = _with_check(body)
    position = where % len(code)
    if code[position] != char:
        assert not codes.is_valid(code[:position] + char + code[position + 1 :])


@given(st.text(min_size=0, max_size=30))
def test_property_is_valid_never_raises(raw):
    assert codes.is_valid(raw) in (True, False)
