"""Plausible, fictional Chinese personal names.

Surnames are drawn by their approximate share of the population (per mille, rounded
from the public-security household statistics); given names are one or two characters
from gender-leaning lists, with a generation flavour for older people. A small list of
well-known public figures — and the real people named in shared/seeds/ — is never
produced.
"""

from __future__ import annotations

import random
from itertools import accumulate

SURNAMES: list[tuple[str, float]] = [
    ("王", 71.5), ("李", 70.0), ("张", 68.6), ("刘", 53.8), ("陈", 46.1), ("杨", 31.0),
    ("黄", 22.3), ("赵", 22.0), ("吴", 20.5), ("周", 18.9), ("徐", 15.0), ("孙", 15.0),
    ("马", 13.0), ("朱", 12.6), ("胡", 13.1), ("郭", 11.6), ("何", 11.8), ("高", 10.8),
    ("林", 11.4), ("罗", 10.8), ("郑", 9.6), ("梁", 9.5), ("谢", 8.2), ("宋", 7.8),
    ("唐", 7.6), ("许", 7.4), ("韩", 7.2), ("冯", 6.9), ("邓", 6.9), ("曹", 6.6),
    ("彭", 6.3), ("曾", 6.1), ("肖", 6.0), ("田", 5.5), ("董", 5.3), ("袁", 5.2),
    ("潘", 5.1), ("于", 5.0), ("蒋", 5.0), ("蔡", 5.0), ("余", 4.8), ("杜", 4.7),
    ("叶", 4.6), ("程", 4.6), ("苏", 4.4), ("魏", 4.3), ("吕", 4.2), ("丁", 4.1),
    ("任", 4.0), ("沈", 4.0), ("姚", 3.8), ("卢", 3.8), ("姜", 3.7), ("崔", 3.6),
    ("钟", 3.5), ("谭", 3.4), ("陆", 3.3), ("汪", 3.3), ("范", 3.2), ("金", 3.1),
    ("石", 3.0), ("廖", 3.0), ("贾", 3.0), ("夏", 2.9), ("韦", 2.9), ("付", 2.8),
    ("方", 2.8), ("白", 2.7), ("邹", 2.7), ("孟", 2.6), ("熊", 2.6), ("秦", 2.6),
    ("邱", 2.5), ("江", 2.5), ("尹", 2.4), ("薛", 2.3), ("闫", 2.2), ("段", 2.2),
    ("雷", 2.1), ("侯", 2.1), ("龙", 2.0), ("史", 2.0), ("陶", 1.9), ("黎", 1.9),
    ("贺", 1.9), ("顾", 1.8), ("毛", 1.8), ("郝", 1.8), ("龚", 1.7), ("邵", 1.7),
    ("万", 1.6), ("钱", 1.6), ("严", 1.5), ("覃", 1.5), ("武", 1.5), ("戴", 1.5),
    ("莫", 1.4), ("孔", 1.4), ("向", 1.4), ("汤", 1.3), ("常", 1.3), ("温", 1.2),
    ("康", 1.2), ("施", 1.1), ("文", 1.1), ("牛", 1.1), ("樊", 1.0), ("葛", 1.0),
    ("邢", 1.0), ("安", 0.9), ("齐", 0.9), ("易", 0.9), ("乔", 0.9), ("伍", 0.9),
    ("庞", 0.8), ("颜", 0.8), ("倪", 0.8), ("庄", 0.8), ("聂", 0.8), ("章", 0.8),
    ("鲁", 0.7), ("岳", 0.7), ("翟", 0.7), ("殷", 0.7), ("詹", 0.6), ("申", 0.6),
    ("欧", 0.6), ("耿", 0.6), ("关", 0.6), ("兰", 0.5), ("焦", 0.5), ("俞", 0.5),
    ("左", 0.5), ("柳", 0.5), ("甘", 0.5), ("祝", 0.5), ("包", 0.5), ("宁", 0.4),
    ("尚", 0.4), ("符", 0.4), ("舒", 0.4), ("阮", 0.4), ("柯", 0.4), ("纪", 0.4),
    ("梅", 0.4), ("童", 0.4), ("凌", 0.3), ("毕", 0.3), ("单", 0.3), ("季", 0.3),
    ("裴", 0.3), ("霍", 0.3), ("涂", 0.3), ("成", 0.3), ("苗", 0.3), ("谷", 0.3),
    ("盛", 0.3), ("曲", 0.3), ("翁", 0.3), ("冉", 0.3), ("骆", 0.3), ("蓝", 0.3),
    ("路", 0.3), ("游", 0.3), ("辛", 0.3), ("靳", 0.3), ("欧阳", 0.3), ("管", 0.3),
    ("柴", 0.2), ("蒙", 0.2), ("鲍", 0.2), ("华", 0.2), ("喻", 0.2), ("祁", 0.2),
    ("蒲", 0.2), ("房", 0.2), ("滕", 0.2), ("屈", 0.2), ("饶", 0.2), ("解", 0.2),
    ("牟", 0.2), ("艾", 0.2), ("尤", 0.2), ("阳", 0.2), ("时", 0.2), ("穆", 0.2),
    ("司马", 0.05), ("上官", 0.04), ("诸葛", 0.03), ("东方", 0.02),
]  # fmt: skip

MALE = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭龙林峰建国志新海东文博立成"
    "晨阳松彬毅坤亮忠德荣兵胜庆山江川锋锐翔逸轩航铭睿哲昊然泽涵楠楷瑞祥洪嘉振宏永"
)
FEMALE = (
    "芳娜敏静丽艳娟霞秀燕玲桂丹萍红莉婷雪琳慧颖洁倩晶英梅兰琴蓉薇妍欣怡月佳悦璐瑶"
    "晓萌雯茜黎岚菲露琪媛馨宁婧霏璇蕾彤可依诗涵语若琦珊凤翠秋琼春萱淑惠云"
)
# Characters that suit either gender, as first character of a two-character name.
NEUTRAL_FIRST = "晓子思雨一嘉文明建永春海立志小新学德玉金宏俊丽秀亚红海卫"
# Older generations: names such as 建国, 卫东, 秀英 are typical of people born before ~1975.
OLDER_MALE = ["建国", "国庆", "卫东", "建华", "志刚", "国强", "建军", "红军", "长青", "德胜"]
OLDER_FEMALE = ["秀英", "桂英", "玉兰", "秀兰", "凤英", "桂兰", "淑珍", "秀珍", "玉梅", "春梅"]

# Leaders and famous people past and present, and the real people named in the
# articles of shared/seeds/: the demo never invents any of them.
_FAMOUS_TEXT = """
    习近平 李强 赵乐际 王沪宁 蔡奇 丁薛祥 李希 韩正 胡锦涛 温家宝 江泽民 李鹏 朱镕基
    毛泽东 周恩来 邓小平 刘少奇 朱德 李克强 王岐山 张德江 俞正声 刘云山 张高丽 汪洋
    栗战书 王毅 孙春兰 胡春华 刘鹤 杨洁篪 陈敏尔 李鸿忠 黄坤明 王晨 杨晓渡 郭声琨
    马云 马化腾 李彦宏 刘强东 雷军 任正非 董明珠 宗庆后 钟南山 袁隆平 屠呦呦 张艺谋
    成龙 刘德华 周杰伦 姚明 刘翔 李娜 郎平 王菲 范冰冰 章子怡 赵薇 杨幂 鲁迅 李白 杜甫
    莫言 孙杨 林丹 邓亚萍 张怡宁 郭晶晶 杨利伟 王亚平 黄旭华 于敏 孙家栋 钱学森
    戴勇 王立峰 赵立群 曹加伟 李华勇 朱书会 王玉友 寇轶敏 牛继飞
"""
FAMOUS = frozenset(_FAMOUS_TEXT.split())

_SURNAME_CHARS = [s for s, _ in SURNAMES]
_SURNAME_CUM = list(accumulate(w for _, w in SURNAMES))


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_CHARS, cum_weights=_SURNAME_CUM)[0]


def given_name(rng: random.Random, gender: str, birth_year: int) -> str:
    pool = MALE if gender == "M" else FEMALE
    if birth_year < 1975 and rng.random() < 0.3:
        return rng.choice(OLDER_MALE if gender == "M" else OLDER_FEMALE)
    if rng.random() < 0.3:
        return rng.choice(pool)
    first = rng.choice(NEUTRAL_FIRST) if rng.random() < 0.35 else rng.choice(pool)
    second = rng.choice(pool)
    while second == first:
        second = rng.choice(pool)
    return first + second


def person_name(rng: random.Random, gender: str, birth_year: int) -> str:
    """A full name, never one of :data:`FAMOUS`."""
    while True:
        name = surname(rng) + given_name(rng, gender, birth_year)
        if name not in FAMOUS:
            return name
