"""Matters that belong elsewhere (不予受理): what citizens write, and where the note sends
them instead."""

from __future__ import annotations

from dataclasses import dataclass

from minqing.core.demo.opinion_texts.matter import COMPLAINT, HELP, SUGGESTION


@dataclass(frozen=True)
class Decline:
    reason: str  # DeclineReason value
    category: str
    kind: str
    text: str
    note: str


DECLINES: tuple[Decline, ...] = (
    Decline(
        "litigation",
        "safety",
        HELP,
        "我借给朋友十五万元做生意，打了借条，他一直不还。我已经去{county}人民法院起诉了，"
        "开过一次庭，但判决一直没下来，能不能请人大代表帮我催一下法院快点判？",
        "您反映的借款纠纷已进入诉讼程序，依法由人民法院审理，人大代表不能干预具体案件的"
        "审判。案件进展可向{county}人民法院诉讼服务中心或拨打12368查询。",
    ),
    Decline(
        "litigation",
        "housing",
        COMPLAINT,
        "我和{estate}的开发商因为房屋面积缩水打官司，一审判了我们败诉，我们已经上诉。"
        "希望人大出面让开发商把多收的钱退给我们。",
        "您反映的事项已进入二审程序，请依法通过诉讼途径解决。如对判决不服，可依法申请"
        "再审；需要法律帮助可拨打公共法律服务热线12348。",
    ),
    Decline(
        "arbitration",
        "social",
        HELP,
        "我在{company}工作了六年，公司突然通知解除劳动合同，不给经济补偿。我已经向劳动"
        "仲裁委员会申请了仲裁，下个月开庭，想请代表帮忙跟公司说说情。",
        "您反映的劳动争议已进入劳动人事争议仲裁程序，请按仲裁委员会通知参加庭审。"
        "如需法律援助，可到{county}法律援助中心申请或拨打12348。",
    ),
    Decline(
        "petition",
        "urban",
        COMPLAINT,
        "我家老房子在{village}征收范围内，对补偿标准不满意，已经信访了三次，区里出了"
        "复查意见，我还是不认可，希望人大重新给我们算一下补偿。",
        "您反映的征收补偿问题已由信访部门受理并出具复查意见。按照《信访工作条例》，"
        "对复查意见不服的，可在规定期限内向上一级机关请求复核，或依法申请行政复议、"
        "提起行政诉讼。",
    ),
    Decline(
        "emergency",
        "safety",
        HELP,
        "{estate}{building}栋楼道里有很浓的煤气味，好像是哪家燃气泄漏了，现在敲门没人应，怎么办？",
        "燃气泄漏等危及人身财产安全的紧急情况，请立即离开现场并拨打燃气抢修电话或119；"
        "治安警情请拨打110，医疗急救请拨打120。本渠道不受理紧急求助，以免延误处置。",
    ),
    Decline(
        "emergency",
        "safety",
        HELP,
        "{road}路口刚才两辆车撞了，有人受伤躺在地上，请赶快派人来！",
        "交通事故和人员受伤属紧急情况，请立即拨打122报警、120急救。本渠道为人大代表"
        "联系群众渠道，不能及时处置紧急警情。",
    ),
    Decline(
        "out_of_scope",
        "other",
        COMPLAINT,
        "我老家在外省，村里修路占了我家的承包地，没有给补偿，找了当地村委会好几次都"
        "推脱，希望澜江的人大代表帮我反映一下。",
        "您反映的事项发生在外省，不属于本市人大代表联络站受理范围。建议向当地政务服务"
        "便民热线12345或当地人大代表联络站反映。",
    ),
    Decline(
        "invalid",
        "other",
        SUGGESTION,
        "希望政府多关心关心我们老百姓，把该办的事情都办好。",
        "您的内容没有写明具体事项、地点和诉求，暂无法转办。欢迎您补充具体情况后重新反映，"
        "也可到就近的人大代表联络站当面反映。",
    ),
)
