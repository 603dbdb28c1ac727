"""The words of the demo's 民情: what citizens raise, by category, with the places of the
demo filled in; how units and stations answer; what citizens say when they rate; and the
notes staff write along the way (returns, extensions, contacts, declines, meetings).

The matters are the everyday ones the articles in shared/seeds/ and any 12345 hotline
report list: a dark street (“能不能给八里沟那段路多装几个路灯？”), a lift for an old
building, parking, noise, rubbish, water in the underpass after rain, a school place,
medical-insurance claims, meals for the elderly, wages owed, a bus line, a village road,
the property company, illegal building, food safety, telephone fraud …

Placeholders (every text is filled with ``str.format_map`` from the story's place):
``{city} {city_short} {county} {township} {village} {road} {road2} {estate} {building}
{n} (a digit) {cn} (a Chinese digit, for 三十余) {group} {school} {kindergarten} {hospital}
{clinic} {market} {plaza} {bus} {river} {company}``; replies also get ``{date}`` (a few
days before the reply) and ``{unit}``.
No text names a person: the public reads the matter, never the people.

Split by concern: ``matter`` (the ``Matter`` shape, resolutions and kinds, estate
suffixes); the matters by category in ``urban`` (城乡建设, 水电气暖与通信), ``services``
(交通出行, 教育, 医疗卫生与医保, 养老服务), ``livelihood`` (社会保障与就业, 住房与物业,
生态环境) and ``community`` (市场监管与食品安全, 社会治安与矛盾调解, 文化体育旅游, 农业农村,
营商环境与企业发展, 其他), concatenated here in that order into ``MATTERS`` (the order is part
of what a seed draws); ``declines`` (不予受理); ``channels`` (how a channel frames a text,
meeting requests, on-the-spot answers); ``notes`` (staff notes); ``ratings`` (citizens'
comments).
"""

from __future__ import annotations

from minqing.core.demo.opinion_texts import community, livelihood, services, urban
from minqing.core.demo.opinion_texts.channels import (
    CHANNEL_PREFIXES,
    DUPLICATE_OPENINGS,
    GENERIC_ANSWERS,
    LETTER_CLOSINGS,
    LETTER_OPENINGS,
    MEETING_ANSWERS,
    MEETING_DECLINES,
    MEETING_OPENINGS,
    MEETING_PLACES,
    PREFERRED_TIMES,
)
from minqing.core.demo.opinion_texts.declines import DECLINES, Decline
from minqing.core.demo.opinion_texts.matter import (
    COMPLAINT,
    CONSULT,
    ESTATES,
    EXPLAINED,
    HELP,
    PARTLY,
    REPORT,
    SOLVED,
    SUGGESTION,
    Matter,
)
from minqing.core.demo.opinion_texts.notes import (
    CONTACT_METHODS,
    CONTACT_NOTES,
    ESCALATE_NOTES,
    EXTENSION_APPROVED,
    EXTENSION_REASONS,
    EXTENSION_REFUSED,
    INSTRUCTIONS,
    INTERNAL_NOTES,
    REHANDLE_PREFIXES,
    RETURN_REASONS,
    SUGGESTION_NOTES,
)
from minqing.core.demo.opinion_texts.ratings import (
    BASIC_COMMENTS,
    SATISFIED_COMMENTS,
    UNSATISFIED_COMMENTS,
)

MATTERS: tuple[Matter, ...] = (
    *urban.MATTERS,
    *services.MATTERS,
    *livelihood.MATTERS,
    *community.MATTERS,
)
MATTER_BY_KEY = {m.key: m for m in MATTERS}

__all__ = [
    "BASIC_COMMENTS",
    "CHANNEL_PREFIXES",
    "COMPLAINT",
    "CONSULT",
    "CONTACT_METHODS",
    "CONTACT_NOTES",
    "DECLINES",
    "DUPLICATE_OPENINGS",
    "ESCALATE_NOTES",
    "ESTATES",
    "EXPLAINED",
    "EXTENSION_APPROVED",
    "EXTENSION_REASONS",
    "EXTENSION_REFUSED",
    "GENERIC_ANSWERS",
    "HELP",
    "INSTRUCTIONS",
    "INTERNAL_NOTES",
    "LETTER_CLOSINGS",
    "LETTER_OPENINGS",
    "MATTERS",
    "MATTER_BY_KEY",
    "MEETING_ANSWERS",
    "MEETING_DECLINES",
    "MEETING_OPENINGS",
    "MEETING_PLACES",
    "PARTLY",
    "PREFERRED_TIMES",
    "REHANDLE_PREFIXES",
    "REPORT",
    "RETURN_REASONS",
    "SATISFIED_COMMENTS",
    "SOLVED",
    "SUGGESTION",
    "SUGGESTION_NOTES",
    "UNSATISFIED_COMMENTS",
    "Decline",
    "Matter",
]
