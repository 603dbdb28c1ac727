"""How units answer (答复函): the frame of a reply by result class around the topic's own
sentences, co-handlers' views to the lead unit, contacts with the deputies, and what
deputies say when they rate.

Reply placeholders: ``{lead}`` (the lead deputy), ``{joint}`` (领衔 or nothing), ``{title}``,
``{name}`` (the topic's matter), ``{we}`` (我局/我委/我们 …) besides the place's.
"""

from __future__ import annotations

OPENINGS = (
    "{lead}代表：\n您{joint}提出的《{title}》收悉。{we}高度重视，及时组织专题研究，"
    "并与您进行了沟通。现答复如下：\n",
    "{lead}代表：\n您{joint}提出的《{title}》收悉，感谢您对{name}工作的关心和支持。"
    "{we}认真研究了您的建议，并到实地进行了调研。现答复如下：\n",
    "{lead}代表：\n您{joint}提出的《{title}》已交由{we}办理。收到建议后，{we}主要负责同志"
    "专门作出批示，明确分管领导和责任处室，制定了办理方案。现将办理情况答复如下：\n",
    "{lead}代表：\n您{joint}提出的《{title}》收悉。您在建议中反映的问题，也是群众普遍关心的"
    "问题。{we}对照建议逐条研究，现答复如下：\n",
)
ACKNOWLEDGE = (
    "您提出的{name}问题，确实是群众关心的实际问题，您提出的建议针对性强。",
    "近年来，{we}围绕{name}做了大量工作，但与群众期盼相比仍有差距，您指出的问题客观存在。",
    "您在建议中对{name}存在的问题分析透彻，提出的措施具有较强的可操作性。",
)
# Class A: what was done, then what comes next.
NEXT_STEPS = (
    "下一步，{we}将建立长效管理机制，巩固办理成果，防止问题反弹。",
    "下一步，{we}将继续加强日常巡查和群众回访，确保各项措施落实到位。",
    "下一步，{we}将及时总结经验做法，在全市范围内推广。",
)
# Class B: the commitments follow as a numbered list.
PROMISE_LEAD = "具体安排如下：\n"
PROMISE_LINE = "（{index}）{text}，计划于{due}前完成"
PROMISE_CLOSE = "{we}将把上述事项纳入工作台账，按计划推进，并及时向您通报进展。"
# Class C: why it has to wait.
WAIT = (
    "{we}将持续关注，积极创造条件，待条件成熟时推动解决。",
    "{we}已将该事项列入工作储备，在编制下一年度计划时优先考虑。",
)
# Class D: kept for reference.
REFERENCE = (
    "您提出的建议具有一定的前瞻性，对{we}做好{name}工作具有参考价值。但受现行政策和财力等"
    "因素制约，近期暂不具备实施条件。{we}将在今后制定相关规划和政策时认真研究吸收。",
    "您提出的建议思路新颖。经研究，其中部分措施涉及上级事权，{we}将向上级部门反映；"
    "其余措施{we}将在今后工作中参考借鉴。",
)
CLOSINGS = (
    "\n再次感谢您对{name}工作的关心和支持，欢迎继续提出宝贵意见。",
    "\n衷心感谢您对我们工作的关心和支持，恳请继续给予监督指导。",
    "\n感谢您的宝贵建议，今后我们将继续加强与您的沟通联系。",
)
# A re-handled reply (重新办理) opens like this after the salutation.
REHANDLED = (
    "根据您对《{title}》前次答复的意见，{we}再次进行了研究，主要负责同志带队与您当面沟通，"
    "现补充答复如下：\n",
    "针对您对《{title}》办理情况提出的不满意意见，{we}重新制定了办理方案，并到现场进行了"
    "核实，现再次答复如下：\n",
)

# Co-handlers' views (会办意见) to the lead unit, by unit key; GENERIC_VIEWS otherwise.
UNIT_VIEWS: dict[str, tuple[str, ...]] = {
    "fagai": (
        "对符合条件的项目，我委将在年度政府投资计划中统筹安排资金，并协助争取上级资金支持。",
    ),
    "ziran": ("涉及的规划调整和用地保障，我局将依法依规加快办理，在国土空间规划中预留必要空间。",),
    "zhujian": ("涉及工程建设和住宅小区管理的事项，我局将配合主办单位做好技术指导和监管工作。",),
    "chengguan": ("涉及市容环境和城市管理执法的事项，我局将加强巡查，配合开展专项整治。",),
    "jiaotong": ("涉及交通设施和公交线网的事项，我局将在交通专项规划中统筹考虑。",),
    "jiaojing": ("涉及道路交通秩序的事项，我支队将加强路面管控，配合优化交通组织。",),
    "gongan": ("涉及治安管理的事项，我局将加强巡逻防控，配合做好相关工作。",),
    "minzheng": ("涉及养老服务和社会救助的事项，我局将在政策上给予支持。",),
    "renshe": ("涉及人员编制、薪酬待遇和技能培训的事项，我局将在政策范围内予以支持。",),
    "weijian": ("涉及医疗卫生服务的事项，我委将组织医疗机构积极配合。",),
    "jiaoyu": ("涉及学校和学生的事项，我局将指导相关学校积极配合，做好宣传引导。",),
    "shichang": ("涉及市场主体和产品质量的事项，我局将加强监管执法，配合开展专项检查。",),
    "shengtai": ("涉及生态环境保护的事项，我局将加强监测和执法，配合做好污染防治工作。",),
    "nongye": ("涉及农业农村的事项，我局将统筹相关项目资金，配合做好实施工作。",),
    "shuili": ("涉及水利工程和河道管理的事项，我局将配合做好技术审查和工程监管。",),
    "yibao": ("涉及医保政策的事项，我局将在职责范围内优化经办服务。",),
    "gov": ("我区（县）将落实属地责任，配合做好群众工作和项目推进中的协调服务。",),
    "gongdian": ("涉及电力设施的事项，我公司将做好电力接入和配套设施改造。",),
    "yingji": ("涉及安全生产和消防的事项，我局将加强监督检查，配合开展隐患排查整治。",),
}
GENERIC_VIEWS = (
    "我单位同意主办单位的办理思路。涉及我单位职责的事项，我们将积极配合，做好{name}相关工作。",
    "我单位对建议进行了认真研究，将在职责范围内全力配合主办单位落实各项措施。",
)
VIEW_OPENING = "关于《{title}》的会办意见：\n"

# (method, note) of a unit's contact with the deputies; ``{place}`` is where the matter is.
CONTACT_NOTES: dict[str, tuple[str, ...]] = {
    "visit": (
        "登门走访{lead}代表，当面听取代表对{name}的意见和建议，介绍了初步办理思路。",
        "分管负责同志带队拜访{lead}代表，就建议办理方案逐条交换意见。",
    ),
    "meeting": (
        "召开{name}建议办理座谈会，邀请{lead}代表等参加，共同研究办理措施。",
        "邀请{lead}代表参加办理工作推进会，通报办理进展，听取代表意见。",
    ),
    "site": (
        "陪同{lead}代表到{place}现场调研，实地查看有关情况，听取群众意见。",
        "与{lead}代表一同到{place}实地察看，现场研究解决办法。",
    ),
    "phone": (
        "电话联系{lead}代表，沟通建议办理的具体要求和时间安排。",
        "电话向{lead}代表通报办理进展，代表对办理思路表示认可。",
    ),
    "message": (
        "向{lead}代表书面报送建议办理方案，征求代表意见。",
        "通过短信向{lead}代表告知承办人员和联系方式，约定面商时间。",
    ),
}
CONTACT_METHODS = (("visit", 30), ("meeting", 20), ("site", 22), ("phone", 22), ("message", 6))

# What deputies write when they rate (the result level decides the list).
SATISFIED_COMMENTS = (
    "",
    "",
    "办理认真，措施实在，问题已经解决，满意。",
    "承办单位多次主动沟通，办理效果明显，群众反映良好。",
    "答复具体，办理过程中与代表沟通充分。",
)
BASIC_COMMENTS = (
    "",
    "办理态度好，但部分措施落实时间较长，希望加快推进。",
    "问题得到部分解决，希望后续继续跟进，防止反弹。",
    "答复较为原则，建议下一步细化时间表。",
)
UNSATISFIED_COMMENTS = (
    "答复内容较为原则，缺少具体措施和时间表，希望重新研究。",
    "答复中提到的问题在现场并未解决，群众意见仍然较大。",
    "没有与代表进行实质性沟通，答复以解释政策为主。",
    "建议提出的核心问题没有回应，请承办单位重新办理。",
)
# Opens the grounds of a suggestion built from citizens' opinions.
FROM_OPINIONS = (
    "近期在{station}接待选民时，有群众反映{name}方面的问题。经进一步调研，",
    "在{station}开展接待活动中，群众集中反映了{name}的问题。",
)
