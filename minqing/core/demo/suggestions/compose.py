"""Texts of one item, drawn from its topic and filled with its place: title, grounds and
proposal; the reply of each result class (with the commitments of class B); a
co-handler's view; contact notes; the deputy's comment on a rating."""

from __future__ import annotations

import calendar
import datetime as dt
import random

from minqing.core.calendar import add_months
from minqing.core.demo.suggestion_texts import Topic
from minqing.core.demo.suggestion_texts import replies as R
from minqing.suggestions.models import Level, ResultClass

NUMBERED = "一二三四五六"


def fill(text: str, values: dict[str, str]) -> str:
    return text.format_map(values)


FRAMES = ("加快推进", "进一步做好", "切实加强", "统筹推进")


def title(r: random.Random, topic: Topic, values: dict[str, str]) -> str:
    """One of the topic's titles, or (often) the common frame 关于加快推进…工作的建议
    around its name, city-wide or for the place."""
    if topic.framed and r.random() < 0.45:
        scopes = ["", "我市", "{county}", "{county}"] + (["{township}"] * (topic.where != "any"))
        return fill(f"关于{r.choice(FRAMES)}{r.choice(scopes)}{topic.name}工作的建议", values)
    return fill(r.choice(topic.titles), values)


def grounds(r: random.Random, topic: Topic, values: dict[str, str], opening: str = "") -> str:
    """案由: the topic's background and two of its problems (in their order)."""
    picked = sorted(r.sample(range(len(topic.problems)), 2))
    problems = "".join(topic.problems[i].rstrip("；。") + "；" for i in picked).rstrip("；") + "。"
    text = opening + r.choice(topic.background) + "当前主要存在以下问题：" + problems
    return fill(text, values)


def proposal(r: random.Random, topic: Topic, values: dict[str, str]) -> str:
    """建议与办法: three of the topic's measures, numbered 一是…二是…三是…"""
    picked = sorted(r.sample(range(len(topic.measures)), min(3, len(topic.measures))))
    parts = [f"{NUMBERED[i]}是{topic.measures[k]}" for i, k in enumerate(picked)]
    return fill("建议：" + "；".join(parts) + "。", values)


def we(unit_name: str) -> str:
    """How a unit names itself in a letter: 我局, 我委, 我公司 …"""
    for suffix, word in (
        ("委员会", "我委"),
        ("支队", "我支队"),
        ("公司", "我公司"),
        ("中心", "我中心"),
        ("检察院", "我院"),
        ("法院", "我院"),
        ("医院", "我院"),
        ("办事处", "我街道"),
        ("局", "我局"),
    ):
        if unit_name.endswith(suffix):
            return word
    return "我们"


def month_end(d: dt.date, months: int) -> dt.date:
    due = add_months(d, months)
    return due.replace(day=calendar.monthrange(due.year, due.month)[1])


def promises(
    r: random.Random, topic: Topic, values: dict[str, str], on: dt.date
) -> list[tuple[str, dt.date]]:
    """One or two of the topic's commitments, each due at the end of its month."""
    n = 1 if len(topic.promises) == 1 or r.random() < 0.45 else 2
    picked = sorted(r.sample(range(len(topic.promises)), n), key=lambda i: topic.promises[i][1])
    return [
        (fill(topic.promises[i][0], values), month_end(on, topic.promises[i][1])) for i in picked
    ]


def reply_text(
    r: random.Random,
    topic: Topic,
    values: dict[str, str],
    *,
    result_class: str,
    lead: str,
    joint: bool,
    item_title: str,
    unit_name: str,
    on: dt.date,
    commitments: list[tuple[str, dt.date]],
    again: bool = False,
) -> str:
    """The reply letter's text (答复函正文) for ``result_class``."""
    done_day = on - dt.timedelta(days=r.randint(3, 25))
    words = {
        **values,
        "lead": lead,
        "joint": "领衔" if joint else "",
        "title": item_title,
        "name": topic.name,
        "we": we(unit_name),
        "date": f"{done_day.month}月{done_day.day}日",
    }
    opening = r.choice(R.OPENINGS)
    if again:
        head, _, _ = opening.partition("\n")
        opening = head + "\n" + r.choice(R.REHANDLED)
    if result_class == ResultClass.A:
        picked = sorted(r.sample(range(len(topic.done)), min(len(topic.done), r.randint(1, 2))))
        body = "".join(topic.done[i] for i in picked) + "\n" + r.choice(R.NEXT_STEPS)
    elif result_class == ResultClass.B:
        lines = "；\n".join(
            R.PROMISE_LINE.format(index=NUMBERED[i], text=text, due=f"{due.year}年{due.month}月底")
            for i, (text, due) in enumerate(commitments)
        )
        lines += "。\n"
        body = (
            r.choice(R.ACKNOWLEDGE)
            + r.choice(topic.plan)
            + "\n"
            + R.PROMISE_LEAD
            + lines
            + R.PROMISE_CLOSE
        )
    elif result_class == ResultClass.C:
        body = r.choice(R.ACKNOWLEDGE) + r.choice(topic.limits) + r.choice(R.WAIT)
    else:
        body = r.choice(R.ACKNOWLEDGE) + r.choice(R.REFERENCE)
    return fill(opening + body + r.choice(R.CLOSINGS), words)


def view_text(r: random.Random, topic: Topic, item_title: str, unit_key: str) -> str:
    base = unit_key.partition(":")[2]
    pool = R.UNIT_VIEWS.get(base) or R.GENERIC_VIEWS
    text = R.VIEW_OPENING + r.choice(pool) + r.choice(("", "请主办单位统筹考虑。"))
    return text.format(title=item_title, name=topic.name if topic else "该事项")


def contact(r: random.Random, topic: Topic | None, lead: str, place: str) -> tuple[str, str]:
    method = random.Random(r.getrandbits(32)).choices(
        [m for m, _ in R.CONTACT_METHODS], [w for _, w in R.CONTACT_METHODS]
    )[0]
    note = r.choice(R.CONTACT_NOTES[method]).format(
        lead=lead, name=topic.name if topic else "建议办理", place=place
    )
    return method, note


def comment(r: random.Random, level: str) -> str:
    pool = {
        Level.SATISFIED: R.SATISFIED_COMMENTS,
        Level.BASIC: R.BASIC_COMMENTS,
        Level.UNSATISFIED: R.UNSATISFIED_COMMENTS,
    }[level]
    return r.choice(pool)
