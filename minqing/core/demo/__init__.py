"""The demo city generator behind ``manage.py demo_city``: a fictional province
(澜江省, code 990000 — GB/T 2260 leaves 99 unused) built from one seeded RNG.

Split by concern: ``profiles`` (sizes), ``names`` and ``places`` (people and places),
``texts`` and ``opinion_texts`` (the words of the work), ``regions``, ``deputies``,
``units``, ``stations``, ``accounts`` and ``opinions`` (one builder each; ``opinions``
plays a year of 民情 through every state;
``suggestions`` (with ``suggestion_texts``) a session's worth of 议案建议), ``builder``
(the transaction that runs them).
"""

from minqing.core.demo.accounts import DEMO_PASSWORD
from minqing.core.demo.builder import DEFAULT_SEED, DemoExists, DemoResult, build_demo, demo_exists
from minqing.core.demo.profiles import SIZES

__all__ = [
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "SIZES",
    "DemoExists",
    "DemoResult",
    "build_demo",
    "demo_exists",
]
