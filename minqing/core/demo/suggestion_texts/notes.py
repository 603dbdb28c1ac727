"""What the office, the units, the presidium and the supervisors write along the way."""

from __future__ import annotations

ACCEPT_NOTES = (
    "",
    "",
    "符合代表建议的要求，予以受理。",
    "建议内容具体，予以受理，交有关单位研究办理。",
)
INSTRUCTIONS = (
    "请认真研究办理，加强与代表沟通联系，按期答复。",
    "该建议涉及多个部门，请主办单位牵头，会办单位积极配合，形成合力。",
    "请主要负责同志亲自研究，办理过程中至少与代表当面沟通一次。",
    "请结合年度重点工作统筹办理，能解决的尽快解决，一时难以解决的要说明原因。",
)
# A unit's application for reassignment (at least ten characters) and the office's answer.
REASSIGN_REASONS = (
    "经研究，{name}不属于我单位职责范围，根据部门“三定”规定应由{unit}负责，申请调整交办。",
    "该建议反映的主要问题属于{unit}的职责，我单位仅涉及其中配合事项，申请调整为由{unit}主办。",
)
REASSIGN_APPROVED = (
    "经研究，同意调整，改由{unit}承办。",
    "经与有关单位协商，同意调整交办。",
)
REASSIGN_REFUSED = (
    "经研究，该事项与你单位职责密切相关，请继续办理，不予调整。",
    "根据市政府职责分工，该事项由你单位牵头，请按期办理答复。",
)
EXTENSION_REASONS = (
    "该建议涉及的{name}项目需完成规划调整和资金论证，三个月内难以形成实质性办理结果，申请延期答复。",
    "建议办理需会同多个部门联合调研，部分数据尚在核实，申请延期答复。",
    "为使答复更具针对性，拟结合年度计划编制统筹研究，申请延期答复。",
)
EXTENSION_APPROVED = ("同意延期，请抓紧办理，按新的期限答复。", "同意。请加强与代表沟通。")
EXTENSION_REFUSED = ("延期理由不充分，请按原定期限答复。",)
WITHDRAW_REASONS = (
    "该问题已经通过其他渠道得到解决，申请撤回。",
    "建议内容需要进一步调研完善，撤回后拟重新提出。",
    "经与有关部门沟通，相关工作已在推进中，申请撤回。",
)
WITHDRAW_REFUSALS = ("该问题尚未解决，群众仍有反映，不同意撤回。",)
OFFICE_CLOSE_NOTES = (
    "代表反馈期限已过，经电话询问代表无新的意见，予以办结。",
    "代表未在期限内反馈意见，按规定办结。",
)
# Commitment follow-up (承诺事项): progress notes by stage, and the fulfilment note.
PROGRESS_NOTES = (
    (20, "已完成前期调研，实施方案正在制定。"),
    (40, "实施方案已经审定，正在办理相关审批手续。"),
    (60, "项目已开工，完成工程量约六成。"),
    (80, "主体工作已基本完成，正在进行收尾。"),
    (90, "已完成全部工作量，正在组织验收。"),
)
FULFIL_NOTES = (
    "承诺事项已全部完成，并向代表进行了通报。",
    "已按期完成，经现场验收合格，代表表示认可。",
    "相关制度已印发实施，已送代表。",
)
# The presidium's decisions on motions.
AGENDA_NOTES = ("经大会主席团第二次会议决定，列入本次会议议程，交法制委员会审议。",)
NOT_PLACED_NOTES = (
    "经大会主席团决定，不列入本次会议议程，交市人大常委会法制工作委员会在编制年度立法计划时研究。",
    "经大会主席团决定，不列入本次会议议程，交有关专门委员会审议后提出意见。",
)
CONVERTED_NOTES = ("经大会主席团决定，该议案作为代表建议交有关单位研究办理。",)

# Supervision: the standing committee's special committees by category, and what they ask.
COMMITTEES = {
    "urban": "市人大常委会城建环保工委",
    "utilities": "市人大常委会城建环保工委",
    "housing": "市人大常委会城建环保工委",
    "environment": "市人大常委会城建环保工委",
    "transport": "市人大常委会城建环保工委",
    "education": "市人大常委会教科文卫工委",
    "health": "市人大常委会教科文卫工委",
    "culture": "市人大常委会教科文卫工委",
    "elderly": "市人大常委会社会建设工委",
    "social": "市人大常委会社会建设工委",
    "safety": "市人大常委会监察和司法工委",
    "market": "市人大常委会财政经济工委",
    "business": "市人大常委会财政经济工委",
    "agriculture": "市人大常委会农业农村工委",
    "other": "市人大常委会代表工委",
}
KEY_NOTES = (
    "列为主任会议重点督办建议，请承办单位主要负责同志亲自研究，每季度报告办理进展。",
    "列为重点督办建议，由常委会领导牵头，有关工委跟踪督办，年底前听取办理情况汇报。",
)
LEAD_NOTES = ("由市政府领导领办，请承办单位制定专项方案，定期报告办理进展。",)
# A standing committee leader may also lead an item himself (领衔督办).
CONGRESS_LEAD_NOTE = (
    "由市人大常委会领导领衔督办，请承办单位每月报告办理进展，办理过程中邀请领办领导参加面商。"
)
CONGRESS_LEAD_BODY = "市人大常委会"
LEADER_TITLE_KEY = "市人大常委会副主任"
LEADER_TITLE_LEAD = "副市长"
LEADER_BODY_LEAD = "市人民政府"
