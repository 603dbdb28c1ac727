"""What a suggestion topic is: the shape every category module fills, and the shape of the
texts of an item the office does not accept."""

from __future__ import annotations

from dataclasses import dataclass

# (A, B, C, D): how the units usually answer a topic. Most city suggestions are solved
# or planned (NPC 2019: 71% A+B); matters that need money or a higher level's policy
# lean to C and D.
USUAL = (46, 34, 12, 8)
COSTLY = (30, 40, 20, 10)
POLICY = (28, 32, 18, 22)


@dataclass(frozen=True)
class Topic:
    """One matter deputies raise, with the units that handle it and what they answer.

    Texts are filled with ``str.format_map`` from the item's place (see the package
    docstring). ``lead`` and ``co`` list unit keys of ``core/demo/units.py`` by
    preference (``city:<key>``, ``county:<key>`` for the lead deputy's county,
    ``township`` for a street office or township government there); the builder takes
    those the demo size has. A suggestion's reply draws on the same topic, so the answer
    fits the question: ``done`` (class A), ``plan`` and ``promises`` (class B: the
    commitments, each with the months the unit gives itself), ``limits`` (class C).
    """

    key: str
    category: str
    name: str  # the matter in a few words: 老旧小区加装电梯
    titles: tuple[str, ...]
    background: tuple[str, ...]  # the opening of 案由 (one is drawn)
    problems: tuple[str, ...]  # what goes wrong (two are drawn, in this order)
    measures: tuple[str, ...]  # what the deputies propose (three are drawn, in order)
    lead: tuple[str, ...]
    co: tuple[str, ...]
    done: tuple[str, ...]  # class A: what the unit has done
    plan: tuple[str, ...]  # class B: what it has put in its plans
    promises: tuple[tuple[str, int], ...]  # class B: (commitment, months to do it)
    limits: tuple[str, ...]  # class C: why it has to wait
    keywords: tuple[str, ...] = ()  # words of citizens' opinions it takes up
    classes: tuple[int, int, int, int] = USUAL
    where: str = "any"  # "urban", "rural" or "any": which places its texts name
    secret: bool = False  # may be withheld from publication (涉密)
    # whether "关于加快推进…{name}工作的建议" reads well (titles are drawn that way too)
    framed: bool = True


@dataclass(frozen=True)
class Reject:
    """An item the office does not accept, for ``reason`` (a ``RejectReason`` value), and
    what it tells the deputies."""

    reason: str
    category: str
    title: str
    grounds: str
    proposal: str
    note: str  # 不予受理说明, told to the deputies
