"""What a matter is: the shape every category module fills, the resolutions and kinds
its texts name, and the estate suffixes the places are made of."""

from __future__ import annotations

from dataclasses import dataclass

SOLVED, PARTLY, EXPLAINED = "solved", "partly", "explained"
CONSULT, HELP, COMPLAINT = "consult", "help", "complaint"
REPORT, SUGGESTION = "report", "suggestion"


@dataclass(frozen=True)
class Matter:
    """One kind of matter citizens raise, with the units that handle it and their replies.

    ``units`` lists who handles it by preference: ``city:<key>`` and ``county:<key>`` are
    the unit keys of ``units.py``; ``township`` is the street office or township
    government of the place. The builder takes the first one the demo size has.
    """

    key: str
    title: str  # short, for return reasons, contact notes and suggestion notes
    category: str
    kinds: tuple[str, ...]
    units: tuple[str, ...]
    texts: tuple[str, ...]
    # (resolution, public reply[, the indexes of the texts it answers; default: all])
    replies: tuple[tuple, ...]
    where: str = "any"  # "urban" (a community), "rural" (a village) or "any"
    photo: str = ""  # a deputy's photo report (随手拍) of it, when it can be seen
    photo_text: int = 0  # which of ``texts`` the photo shows (the replies that fit it)
    answer: str = ""  # an answer a station can give on the spot (政策咨询 …)
    suggestion: bool = False  # common enough to go into a deputy's suggestion


# Estate names are a place stem (places.FIRST + places.SECOND_COMMUNITY) and one of these.
ESTATES = ("小区", "花园", "家园", "新村", "公寓", "嘉园", "小区", "花园")
