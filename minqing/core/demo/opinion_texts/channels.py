"""How a text is framed by the channel it came in by (visits, booths, calls, letters,
duplicates, meeting requests) and what a station says when it answers or meets."""

from __future__ import annotations

CHANNEL_PREFIXES: dict[str, tuple[str, ...]] = {
    "visit": ("来访群众反映：", "群众到站反映：", ""),
    "booth": ("赶集日摆摊接待，群众反映：", "流动接待点登记：", "代表摆摊接待时群众反映："),
    "phone": ("来电反映：", "群众来电称：", "热线来电："),
    "online_day": ("网上接待日视频连线，群众反映：", "网上接待日留言："),
    "questionnaire": ("问卷调查意见：", "满意度问卷中群众提出："),
}
LETTER_OPENINGS = ("尊敬的人大代表：\n您好！", "尊敬的人大常委会领导：\n", "人大代表联络站：\n")
LETTER_CLOSINGS = (
    "\n恳请关注，谢谢！\n此致\n敬礼",
    "\n盼复。\n一位普通居民",
    "\n以上情况望予以重视。",
)
# A second citizen raising what another already raised (merged into the first one).
DUPLICATE_OPENINGS = (
    "我也要反映这个问题：",
    "再次反映：",
    "和邻居反映的是同一件事，",
    "同样的问题我们这里也有：",
    "这个问题大家都在反映，",
)
MEETING_OPENINGS = (
    "想约见人大代表，当面反映以下情况：",
    "希望能和代表面对面谈一谈。",
    "申请约见进站代表。",
)
PREFERRED_TIMES = (
    "工作日上午",
    "工作日下午三点以后",
    "周三下午",
    "每月10日接待日",
    "周末都可以",
    "越快越好",
    "",
)
MEETING_PLACES = ("", "", "站内代表接待室", "联络站议事厅", "{village}党群服务站")
MEETING_DECLINES = (
    "该代表近期在外地参加培训，已安排本站其他进站代表于下周接待日接待您，请留意短信通知。",
    "您反映的问题已通过联络站转交职能部门办理，代表将跟踪办理进度，暂不另行约见。",
    "代表本月工作日程已满，建议您参加每月10日的代表接待日，或在线留言反映。",
)
MEETING_ANSWERS = (
    "代表与群众面对面交流，详细了解了情况，当场讲解了相关政策，群众表示理解。",
    "代表约见群众后现场联系了社区和相关部门，问题已当场协调解决。",
    "约见中代表听取了群众意见，已告知具体办理渠道和所需材料，群众表示满意。",
)
GENERIC_ANSWERS = (
    "代表当场联系{village}，社区已安排工作人员当天到现场处理，并将处理结果告知群众。",
    "联络站当场联系物业和网格员到现场查看，问题已当场解决。",
)
