"""The words of the demo's motions and suggestions: the matters deputies raise in every
category of the opinion taxonomy (“关于加快推进既有住宅加装电梯工作的建议” with its grounds
and proposals), what the handling units answer in each result class, the motions of a
session, the items the office does not accept, and the notes of the office, the units,
the presidium and the supervisors.

A suggestion and its reply come from the same ``Topic``: the reply's class A text says
what was done about that matter, class B lists the commitments the ledger then follows,
class C says why it has to wait, class D keeps it for reference. So a reader of the
public page finds an answer to the question that was asked.

Placeholders (filled with ``str.format_map`` from the item's place, around the lead
deputy's county): ``{city} {city_short} {county} {township} {village} {road} {road2}
{estate} {river} {school} {hospital} {market} {park} {bus} {n}`` (a digit) ``{cn}`` (a
Chinese digit) ``{year} {next_year}``; replies also get ``{date}`` (a few days before the
reply), ``{lead} {joint} {title} {name} {we}``. No text names a citizen.

Split by concern: ``topic`` (the shapes), the topics by category in ``city`` (城乡建设,
水电气暖与通信, 住房与物业, 生态环境), ``services`` (交通出行, 教育, 医疗卫生与医保, 养老服务),
``society`` (社会保障与就业, 市场监管与食品安全, 社会治安与矛盾调解, 文化体育旅游) and
``economy`` (农业农村, 营商环境与企业发展, 其他), concatenated here in that order into
``TOPICS`` (the order is part of what a seed draws); ``motions``; ``rejects``; ``replies``
(reply frames, co-handlers' views, contacts, deputies' comments); ``notes``.
"""

from __future__ import annotations

from minqing.core.demo.suggestion_texts import city, economy, services, society
from minqing.core.demo.suggestion_texts.motions import TOPICS as MOTIONS
from minqing.core.demo.suggestion_texts.rejects import REJECTS
from minqing.core.demo.suggestion_texts.topic import Reject, Topic

TOPICS: tuple[Topic, ...] = (*city.TOPICS, *services.TOPICS, *society.TOPICS, *economy.TOPICS)
TOPIC_BY_KEY = {t.key: t for t in (*TOPICS, *MOTIONS)}

__all__ = ["MOTIONS", "REJECTS", "TOPICS", "TOPIC_BY_KEY", "Reject", "Topic"]
