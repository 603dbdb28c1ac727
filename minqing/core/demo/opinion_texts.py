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
"""

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


MATTERS: tuple[Matter, ...] = (
    # --- 城乡建设 -------------------------------------------------------------------------
    Matter(
        key="streetlight",
        title="路灯维修",
        category="urban",
        kinds=(HELP, COMPLAINT, SUGGESTION),
        units=("city:chengguan", "township", "city:zhujian"),
        where="urban",
        texts=(
            "{road}从{estate}路口往东大约三百米这一段，路灯已经坏了快一个月了，晚上黑灯瞎火，"
            "老人孩子出门很不方便，前几天还有人骑电动车在这里摔倒。希望有关部门尽快修一下。",
            "我们{estate}北门外{road}上有{n}盏路灯一直不亮，晚上下班回来只能打手机电筒走路，"
            "旁边还有一段施工围挡，很危险。打过物业电话，物业说不归他们管，请帮忙联系维修。",
            "{road}和{road2}交叉口的路灯时亮时不亮，有时候半夜才亮、早上七点还亮着，"
            "感觉是控制器坏了，既浪费电又影响晚上过马路的行人，麻烦安排人看看。",
        ),
        photo="随手拍：{road}与{road2}交叉口往北一段有{n}盏路灯不亮，夜间行人和电动车较多，"
        "存在安全隐患，建议尽快维修。",
        replies=(
            (
                SOLVED,
                "经现场核查，{road}该路段{n}盏路灯因地下电缆老化短路不亮。我单位已于{date}安排"
                "路灯维护班组更换电缆和灯具，目前该路段路灯已全部恢复照明。今后我们将加强夜间"
                "巡查，发现故障及时处置。感谢您的监督！",
            ),
            (
                SOLVED,
                "您反映的路灯故障系时控开关损坏所致，{date}已更换新的时控装置并调整亮灯时间"
                "（18:00至次日6:00，随季节调整）。如再出现类似情况，可拨打城市管理服务热线报修。",
                (2,),
            ),
            (
                PARTLY,
                "经核查，该路段路灯线路被管网施工挖断。我单位已先行接通临时线路，恢复了大部分"
                "照明；永久线路需待{road}管网施工结束后一并恢复，预计下月中旬完成，届时再告知您。",
                (0, 1),
            ),
        ),
    ),
    Matter(
        key="streetlight_rural",
        title="村道照明",
        category="urban",
        kinds=(SUGGESTION, HELP),
        units=("township", "county:gov", "city:chengguan"),
        where="rural",
        texts=(
            "能不能给{village}{group}到{road}那段路多装几个路灯？那段路有一公里多，两边都是"
            "田，晚上村民去广场跳舞、接孩子放学都要摸黑走，去年冬天还有老人摔到沟里。",
            "{village}村口到村委会这段主路以前装的太阳能路灯有一半不亮了，电池板被风吹歪，"
            "也没人管。希望镇里统一维修一下，最好再补装几盏。",
        ),
        photo="随手拍：{village}{group}至{road}村道约1公里无路灯，沿线有沟渠，夜间通行不便，"
        "群众多次提出希望安装路灯。",
        replies=(
            (
                SOLVED,
                "{township}已将{village}村道照明纳入今年农村人居环境提升项目，{date}完成{n}盏"
                "太阳能路灯安装并投入使用，后续由村委会负责日常管护。感谢您对乡村建设的关心。",
            ),
            (
                PARTLY,
                "经实地查看，{village}原有太阳能路灯已由镇村组织维修，恢复照明；新增路灯需纳入"
                "明年镇级项目计划统筹安排，我们将优先考虑您反映的路段，届时再告知您。",
            ),
        ),
    ),
    Matter(
        key="pothole",
        title="道路破损",
        category="urban",
        kinds=(COMPLAINT, HELP),
        units=("city:zhujian", "city:chengguan", "county:zhujian"),
        where="urban",
        texts=(
            "{road}靠近{estate}公交站的位置路面塌了一个大坑，直径差不多有一米，下雨天积满水"
            "看不出来，已经有好几辆电动车在这里摔倒了，请尽快修补。",
            "{road}人行道的地砖松动了一大片，踩上去会溅水，还有几块翘起来，老人和推婴儿车的"
            "都不敢走，只能走到机动车道上，很不安全。",
        ),
        photo="随手拍：{road}（{estate}段）机动车道路面出现约1平方米坑槽，夜间不易发现，"
        "已有非机动车摔倒，建议尽快修补。",
        replies=(
            (
                SOLVED,
                "接到转办后，我单位当天安排道路养护单位设置警示标志，{date}完成坑槽开挖和"
                "沥青修补，路面已恢复平整。我们将加强对该路段的日常巡查。",
                (0,),
            ),
            (
                SOLVED,
                "经查，该段人行道地砖松动系下方管线渗漏造成基础掏空。我单位已协调管线单位修复"
                "渗漏点，并于{date}重新铺设地砖约{cn}十平方米，目前已恢复通行。",
                (1,),
            ),
            (
                PARTLY,
                "该路段已列入明年道路大中修计划，将进行整体翻修。在此之前，我单位已对坑槽进行"
                "临时修补并设置警示标志，确保通行安全。",
            ),
        ),
    ),
    Matter(
        key="elevator",
        title="老旧小区加装电梯",
        category="urban",
        kinds=(CONSULT, HELP, SUGGESTION),
        units=("city:zhujian", "township", "county:zhujian"),
        where="urban",
        suggestion=True,
        texts=(
            "我家住在{estate}{building}栋5楼，小区是上世纪九十年代建的，没有电梯。家里老人"
            "腿脚不好，已经大半年没下过楼了。想问一下加装电梯要走哪些手续，政府有没有补贴？"
            "一楼住户不同意怎么办？",
            "{estate}{building}栋一单元准备加装电梯，已经有10户签字同意，就差二楼一户。我们"
            "多次上门沟通都谈不拢，希望社区和有关部门帮助协调，也想了解低层住户的补偿一般"
            "怎么算。",
            "{estate}加装电梯的方案去年就报上去了，到现在还没批下来，问了几次都说在走流程。"
            "楼里好几位八十多岁的老人每天盼着电梯，能不能帮忙催一催，审批时间能否再缩短？",
        ),
        answer="代表当场介绍了我市既有住宅加装电梯的政策：需本单元三分之二以上业主且占建筑"
        "面积三分之二以上同意，并经参与表决人数四分之三以上同意；市级财政每台补助20万元。"
        "申请材料可在{township}便民服务中心领取，社区会派网格员上门协助征求意见。",
        replies=(
            (
                SOLVED,
                "经了解，{estate}{building}栋加装电梯项目材料已齐全，我局已于{date}完成联合"
                "审查并出具意见，目前施工单位已进场。补助资金将在电梯验收后按规定拨付。",
                (2,),
            ),
            (
                PARTLY,
                "{township}和社区已多次组织楼内业主协商，目前尚有一户低层住户未同意。我局已"
                "指导社区引入人民调解员参与协调，并提供了低层住户补偿的参考标准。协调结果将"
                "及时告知您，也欢迎您继续与社区保持沟通。",
                (1,),
            ),
            (
                EXPLAINED,
                "既有住宅加装电梯须经本单元业主依法表决同意，政府部门不能代替业主作出决定。"
                "我局已将加装电梯办事指南和补助政策通过社区送达，并安排专人为本单元提供免费"
                "方案咨询。如协商中遇到困难，可随时联系社区。",
                (0, 1),
            ),
        ),
    ),
    Matter(
        key="old_estate",
        title="老旧小区改造",
        category="urban",
        kinds=(SUGGESTION, HELP, COMPLAINT),
        units=("city:zhujian", "township", "county:zhujian"),
        where="urban",
        suggestion=True,
        texts=(
            "{estate}是老小区，雨水管和污水管混在一起，一下大雨一楼就返臭水，楼道墙皮大块"
            "脱落，外墙还有瓷砖掉下来过。听说今年有老旧小区改造计划，我们小区能不能列进去？",
            "{estate}去年列入老旧小区改造，施工到现在快一年了，路面挖开没有恢复，车停不进"
            "来，晚上施工还很吵。请问工程什么时候能完工？施工方案能不能公示一下？",
        ),
        replies=(
            (
                SOLVED,
                "{estate}已列入明年老旧小区改造计划，改造内容包括雨污分流、外墙修缮、楼道"
                "整治和增设停车位。{date}已在小区公示栏公示改造方案，征求居民意见期为15天，"
                "欢迎您参与。",
                (0,),
            ),
            (
                PARTLY,
                "经督促，施工单位已调整作业时间，夜间22时后停止施工，并于{date}恢复了小区"
                "主干道路面。剩余的雨污管网工程预计月底完工，我局将加强现场巡查。",
                (1,),
            ),
            (
                EXPLAINED,
                "老旧小区改造按年度计划分批实施，需满足建成年代、居民改造意愿等条件。{estate}"
                "已纳入改造项目储备库，我局将会同{township}做好居民意愿征集，条件成熟后优先"
                "安排。",
                (0,),
            ),
        ),
    ),
    Matter(
        key="illegal_building",
        title="违法建设",
        category="urban",
        kinds=(REPORT, COMPLAINT),
        units=("township", "city:chengguan", "city:ziran"),
        texts=(
            "{estate}{building}栋顶楼住户在楼顶私自搭了一间彩钢板房，还在砌砖加盖，楼顶防水"
            "层被破坏，我家顶楼已经开始渗水了。跟物业说了没用，请相关部门来查处。",
            "{road}边上一家饭店把后面的公共绿地圈起来，搭了两百多平方米的棚子做包厢，还把"
            "排烟管接到我们住宅楼下面，强烈要求拆除。",
            "{village}{group}有人在基本农田里建房子，已经打了地基，看样子是要盖两层，周围"
            "村民都有意见，希望有关部门尽快制止。",
        ),
        photo_text=1,
        photo="随手拍：{road}某餐饮店占用公共绿地搭建彩钢棚约200平方米，疑似违法建设，"
        "建议核查处理。",
        replies=(
            (
                SOLVED,
                "经现场核查，您反映的建筑属未经规划许可的违法建设。{township}已会同执法部门于"
                "{date}下达限期拆除通知，当事人已自行拆除，现场已恢复原状。",
            ),
            (
                PARTLY,
                "经核查情况属实，执法部门已立案调查并责令当事人停止建设，目前正在依法履行拆除"
                "程序。拆除完成后我们将组织对楼顶防水层进行修复，届时告知您。",
                (0,),
            ),
        ),
    ),
    Matter(
        key="greenery",
        title="树木修剪与绿化管护",
        category="urban",
        kinds=(HELP, SUGGESTION),
        units=("city:yuanlin", "city:chengguan", "township"),
        where="urban",
        texts=(
            "{road}人行道上的香樟树长得太高太密，已经碰到三楼窗户，挡住了路灯，下雨天树枝"
            "还刮到电线，很担心台风来了会出事。请园林部门来修剪一下。",
            "{estate}门口的绿化带被人挖了种菜，还浇粪水，夏天臭味很大，苍蝇蚊子多，希望恢复绿化。",
        ),
        photo="随手拍：{road}人行道多棵行道树树冠过大，遮挡路灯并触碰架空线路，建议修剪。",
        replies=(
            (
                SOLVED,
                "我单位已于{date}对{road}该路段{cn}十余棵行道树进行了修剪，清理了碰触线路和"
                "遮挡路灯的枝条。该路段已纳入汛期前重点巡查范围。",
                (0,),
            ),
            (
                SOLVED,
                "经{township}组织清理，绿化带内种植的蔬菜已全部清除，{date}补种了灌木和草皮，"
                "并在现场设置了爱绿护绿提示牌，社区网格员将加强巡查。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="street_vendor",
        title="占道经营",
        category="urban",
        kinds=(COMPLAINT,),
        units=("township", "city:chengguan"),
        where="urban",
        texts=(
            "每天早上六点到九点，{road}靠近{market}的一段被卖菜的摊贩占满，机动车道都被占了"
            "一半，送孩子上学的车根本过不去，地上全是烂菜叶，希望管理一下。",
            "{estate}门口晚上有十几个烧烤摊，一直摆到凌晨两三点，油烟和吵闹声让楼上的居民"
            "没法休息，垃圾也随地乱扔。",
        ),
        photo="随手拍：早高峰时段{road}（{market}附近）流动摊贩占道经营，车辆通行受阻。",
        replies=(
            (
                SOLVED,
                "经核查，{road}早市摊贩占道情况属实。{township}已会同城管中队开展集中整治，"
                "并在{market}内腾出临时摊位{cn}十个，引导摊贩入市经营。{date}起该路段实行"
                "早高峰定人定岗巡查，目前道路通行已恢复正常。",
                (0,),
            ),
            (
                PARTLY,
                "城管中队已对夜间烧烤摊进行劝导和规范，要求23时前收摊并清理现场。部分摊点已"
                "迁入附近规划的夜市街区。我们将持续开展夜间巡查，巩固整治成效。",
                (1,),
            ),
        ),
    ),
    # --- 水电气暖与通信 ---------------------------------------------------------------------
    Matter(
        key="water_pressure",
        title="供水水压",
        category="utilities",
        kinds=(HELP, COMPLAINT),
        units=("city:zilaishui", "city:shuiwu"),
        where="urban",
        texts=(
            "{estate}{building}栋高层住户每天早晚用水高峰期水压特别低，热水器都打不着火，"
            "有时候干脆没水。物业说是二次供水设备老化，但一直没修，请供水部门帮忙解决。",
            "这个月{estate}已经停了三次水，每次都没有提前通知，家里老人做饭洗澡都成问题。"
            "希望以后停水能提前在小区和手机上通知。",
        ),
        replies=(
            (
                SOLVED,
                "经检测，{estate}二次供水泵房变频设备故障导致高峰时段水压不足。我公司已于"
                "{date}完成设备更换并接管该泵房的运行维护，目前高层供水压力已恢复正常。",
                (0,),
            ),
            (
                EXPLAINED,
                "近期停水系{road}主管网抢修所致，属突发情况。我公司已完善停水通知机制，今后"
                "计划停水将提前24小时通过短信、小区公告和官方公众号发布，给您带来的不便深表"
                "歉意。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="ponding",
        title="道路积水",
        category="utilities",
        kinds=(COMPLAINT, HELP),
        units=("city:paishui", "city:shuiwu", "city:zhujian"),
        where="urban",
        texts=(
            "每次下大雨，{road}下穿通道都会积水，最深的时候有半米多，上个月有辆小车在里面"
            "熄火了。希望排水部门想想办法，至少在积水时设置警示。",
            "{estate}门口{road}的雨水井堵了，下一场雨门口就变成一片汪洋，居民进出要蹚水，"
            "水还倒灌进了地下车库。",
        ),
        photo_text=1,
        photo="随手拍：雨后{road}（{estate}门口）路段积水约20厘米，雨水篦子堵塞，"
        "建议疏通排水管网。",
        replies=(
            (
                SOLVED,
                "我公司已于{date}对{road}段雨水管网进行了清淤疏通，共清理淤泥约{n}立方米，"
                "并更换了破损的雨水篦子。近期降雨后现场已无明显积水。",
                (1,),
            ),
            (
                PARTLY,
                "下穿通道积水主要是排水泵站能力不足。我公司已加装移动泵车和积水水位监测警示"
                "屏，强降雨时安排人员值守；泵站扩容改造已列入明年计划，届时将彻底解决。",
                (0,),
            ),
        ),
    ),
    Matter(
        key="voltage",
        title="电压偏低",
        category="utilities",
        kinds=(HELP,),
        units=("city:gongdian",),
        texts=(
            "{village}{group}家里电压小，一到晚上灯泡就发暗，空调、电磁炉都带不动，冰箱"
            "也经常自己停。可以请电力公司换个大一点的变压器吗？",
            "我们这一片（{village}）夏天用电高峰经常跳闸停电，一停就是好几个小时，家里"
            "养的鱼缸都停氧了，希望供电部门改造一下线路。",
        ),
        replies=(
            (
                SOLVED,
                "经现场测量，{village}{group}台区末端电压偏低。我公司已于{date}新增一台"
                "400千伏安变压器并改造低压线路，目前该区域电压已恢复正常。",
            ),
            (
                PARTLY,
                "我公司已对该台区进行负荷调整，缓解了晚高峰电压偏低问题；台区增容改造已列入"
                "今年农网改造计划，预计两个月内完工。",
            ),
        ),
    ),
    Matter(
        key="gas",
        title="燃气管道",
        category="utilities",
        kinds=(HELP, CONSULT),
        units=("city:ranqi", "city:zhujian"),
        where="urban",
        texts=(
            "{estate}有三栋楼到现在还没通管道天然气，一直用液化气罐，老人换气罐很不方便也"
            "不安全。请问什么时候能给我们小区接通天然气？",
            "{estate}{building}栋外墙的燃气立管锈得很厉害，有的地方一碰就掉渣，住户很担心"
            "漏气，请燃气公司来检查更换。",
        ),
        replies=(
            (
                SOLVED,
                "我公司已于{date}对{estate}{building}栋燃气立管进行检测，更换了锈蚀管段{n}处"
                "并进行了防腐处理，检测无泄漏。我们将把该小区纳入老旧管网更新改造计划。",
                (1,),
            ),
            (
                PARTLY,
                "{estate}未通气楼栋已完成入户调查，管网设计方案正在审查，计划明年上半年施工。"
                "在此期间，请注意液化气的安全使用。",
                (0,),
            ),
        ),
    ),
    Matter(
        key="signal",
        title="通信信号",
        category="utilities",
        kinds=(HELP, SUGGESTION),
        units=("county:gov", "township"),
        where="rural",
        texts=(
            "{village}{group}一带手机信号很差，在家里打电话要跑到院子里，孩子上网课经常"
            "掉线。希望协调通信公司在附近建个基站。",
            "{village}还没有通光纤宽带，年轻人做电商直播卖农产品网速跟不上，能不能帮忙联系一下？",
        ),
        replies=(
            (
                SOLVED,
                "经协调，通信运营企业已于{date}在{village}新建5G基站一座并开通光纤宽带，"
                "目前该区域信号覆盖和网速已明显改善。",
            ),
            (
                PARTLY,
                "已将{village}信号盲区上报通信运营企业，基站选址已初步确定，正在办理用地"
                "手续，预计年底前开通，届时告知您。",
                (0,),
            ),
        ),
    ),
    # --- 交通出行 ---------------------------------------------------------------------------
    Matter(
        key="parking",
        title="停车难",
        category="transport",
        kinds=(SUGGESTION, COMPLAINT),
        units=("city:jiaojing", "city:zhujian", "city:chengguan"),
        where="urban",
        suggestion=True,
        texts=(
            "{estate}是老小区，只有几十个车位，晚上回来根本没地方停，只能停到{road}上，"
            "第二天一早就被贴条。附近{school}周边有空地，能不能建个停车场或者晚上开放"
            "学校操场停车？",
            "{road}两边的停车泊位被长期占用，有的车停了半年没动过，还有人用地锁、石墩占位"
            "收钱，正常停车的居民反而停不上，请交警和城管管一管。",
            "建议在{hospital}周边增设停车位和临时停车区，现在去看病光排队进停车场就要"
            "一个多小时，路上堵成一片，急诊车都进不去。",
        ),
        replies=(
            (
                SOLVED,
                "经调研，我们已协调在{road}北侧闲置地块建设临时停车场，新增停车泊位{cn}十个，"
                "于{date}投入使用，夜间（19:00—次日7:00）对周边居民免费开放。",
                (0, 2),
            ),
            (
                PARTLY,
                "交警部门已对{road}长期占用泊位的{n}辆“僵尸车”进行清拖，并清除私设地锁；"
                "周边学校错时开放停车的方案正在与教育部门协商，有进展将及时告知。",
                (1,),
            ),
            (
                EXPLAINED,
                "该区域停车位供需矛盾较突出，新建停车场需纳入城市停车设施专项规划统筹。"
                "我们已将您的建议报送规划部门，并在{road}增设了限时停车泊位，缓解高峰需求。",
                (0, 2),
            ),
        ),
    ),
    Matter(
        key="bus_line",
        title="公交线路",
        category="transport",
        kinds=(SUGGESTION, CONSULT),
        units=("city:gongjiao", "city:jiaotong"),
        texts=(
            "{village}到{county}城区只有{bus}一条公交线路，40分钟一班，末班车下午五点半"
            "就没了，在城里上班的人下班根本赶不上。希望增加班次、推迟末班车时间。",
            "{bus}公交车调整线路后不再经过{hospital}，我们这边的老人去看病要换乘两次，"
            "能不能恢复原来的站点，或者开一条社区微循环线路？",
            "{road}{estate}站的公交站台没有遮雨棚和座椅，下雨天等车全身湿透，老人也没地方"
            "坐，希望改造一下。",
        ),
        replies=(
            (
                SOLVED,
                "根据群众需求，{bus}线路自{date}起增加早晚高峰班次，发车间隔缩短至20分钟，"
                "末班车延后至19:30。欢迎您继续对公交服务提出意见。",
                (0,),
            ),
            (
                PARTLY,
                "我公司已开通社区微循环线路，途经{estate}和{hospital}，每30分钟一班；"
                "{bus}原线路调整系配合道路施工，施工结束后将评估恢复原站点。",
                (1,),
            ),
            (
                EXPLAINED,
                "该站台位于人行道较窄路段，暂不具备建设候车亭条件。我公司已在相邻站位增设"
                "候车亭和座椅，并将该站列入道路拓宽后的改造计划。",
                (2,),
            ),
        ),
    ),
    Matter(
        key="traffic_light",
        title="信号灯与过街设施",
        category="transport",
        kinds=(SUGGESTION, COMPLAINT),
        units=("city:jiaojing", "city:gongan"),
        where="urban",
        texts=(
            "{road}和{road2}路口行人绿灯只有15秒，老人走到一半就变灯了，车辆右转也不让人，"
            "很危险。建议延长行人过街时间，增加右转提示。",
            "{school}门口的{road}车流量很大，没有红绿灯也没有斑马线，孩子们放学过马路全靠"
            "家长拦车，希望尽快设置人行横道和信号灯。",
        ),
        replies=(
            (
                SOLVED,
                "交警部门已于{date}对{road}与{road2}路口信号配时进行优化，行人过街绿灯延长至"
                "30秒，并增设右转让行提示标志和电子抓拍设备。",
                (0,),
            ),
            (
                SOLVED,
                "经勘察，{school}门口已于{date}施划人行横道线并设置行人过街信号灯，上下学"
                "时段安排警力和志愿者护学岗。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="rural_road",
        title="农村道路",
        category="transport",
        kinds=(HELP, SUGGESTION),
        units=("county:gov", "township", "city:jiaotong"),
        where="rural",
        suggestion=True,
        texts=(
            "{village}{group}到镇上的村道只有3米宽，路面坑坑洼洼，两车相遇根本错不开，"
            "农忙时运粮食的拖拉机经常堵在半路。希望能拓宽硬化，至少增加几个错车道。",
            "{village}通往{road}的那座石桥年久失修，桥墩有裂缝，栏杆也断了好几处，每天有"
            "学生骑车经过，大家很担心安全，请尽快检测维修。",
        ),
        photo="随手拍：{village}{group}村道路面破损严重、无错车道，沿线石桥栏杆断裂，"
        "存在安全隐患。",
        replies=(
            (
                SOLVED,
                "{village}村道拓宽工程已纳入“四好农村路”建设项目，{date}完成路面加宽硬化"
                "和{n}处错车道建设，石桥栏杆已修复，并委托检测单位完成桥梁安全评估。",
            ),
            (
                PARTLY,
                "经检测，该石桥为四类危桥，已设置限载标志和临时护栏；危桥改造已列入明年计划，"
                "村道拓宽将结合改造一并实施。",
                (1,),
            ),
        ),
    ),
    # --- 教育 -------------------------------------------------------------------------------
    Matter(
        key="school_place",
        title="入学学位",
        category="education",
        kinds=(CONSULT, HELP),
        units=("county:jiaoyu", "city:jiaoyu"),
        answer="代表现场讲解了今年义务教育招生政策：按“房户一致”优先、积分入学等规则划片"
        "招生，随迁子女凭居住证和社保缴纳证明参加积分入学。具体学区划分可登录{county}教育"
        "局网站查询，也可拨打招生咨询电话。",
        texts=(
            "我们家孩子明年上小学，户口和房子都在{estate}，但听说今年{school}学位紧张，"
            "划片范围可能调整。想问问我们小区的孩子会不会被分到别的学校？",
            "我们是外地来{city_short}务工的，孩子今年要上一年级，社保交了两年，居住证也办了，"
            "但积分不够上不了{school}，被分到离家十几公里的学校。能不能帮我们想想办法？",
        ),
        replies=(
            (
                EXPLAINED,
                "今年义务教育招生按片区统筹安排，{estate}仍属{school}招生范围，符合“房户一致”"
                "条件的适龄儿童可正常入学。招生简章已于{date}发布，如有疑问可拨打招生咨询电话。",
                (0,),
            ),
            (
                PARTLY,
                "经统筹调剂，已为您孩子安排离家较近的学校学位，并开通了该校至{village}的"
                "定制公交。随迁子女积分入学政策将根据群众意见进一步完善。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="school_gate",
        title="校门口交通安全",
        category="education",
        kinds=(SUGGESTION, COMPLAINT),
        units=("city:jiaojing", "city:jiaoyu"),
        where="urban",
        texts=(
            "{school}门口每天放学时接孩子的车辆把{road}堵得水泄不通，电动车逆行、乱停，"
            "孩子们只能在车缝里穿行。建议设置临时停车接送区，安排交警疏导。",
        ),
        replies=(
            (
                SOLVED,
                "交警部门已会同学校于{date}在{road}设置了“即停即走”接送区，上下学高峰安排"
                "警力和家长志愿者护学，目前校门口交通秩序明显好转。",
            ),
            (
                PARTLY,
                "教育部门已督促学校实行分时段错峰放学，并与属地街道共同开展校园周边环境"
                "整治，下一步将推动在{road}设置港湾式停车区。",
            ),
        ),
    ),
    Matter(
        key="after_school",
        title="课后服务与托育",
        category="education",
        kinds=(SUGGESTION, CONSULT),
        units=("city:jiaoyu", "county:jiaoyu"),
        suggestion=True,
        texts=(
            "双职工家庭下午五点接不了孩子，{school}的课后服务只到五点半，而且只能写作业。"
            "建议延长课后服务时间，增加一些体育、艺术活动。",
            "{village}附近没有一家普惠托育机构，两三岁的孩子只能老人带，私立的托育班一个月"
            "要三千多。希望在社区办一个普惠托育点。",
        ),
        replies=(
            (
                SOLVED,
                "自{date}起，{school}课后服务延长至18:00，并开设篮球、合唱、书法等{n}个兴趣"
                "课程，家长可自愿报名。",
                (0,),
            ),
            (
                EXPLAINED,
                "普惠托育点建设需要场地和运营主体，我局已会同卫健部门将{village}纳入明年社区"
                "嵌入式托育点布点规划，建成后将向社会公布。",
                (1,),
            ),
        ),
    ),
    # --- 医疗卫生与医保 ---------------------------------------------------------------------
    Matter(
        key="medical_insurance",
        title="医保报销",
        category="health",
        kinds=(CONSULT, HELP),
        units=("city:yibao", "city:weijian"),
        answer="代表当场联系了医保经办窗口：异地就医需先在“国家医保服务平台”APP或{township}"
        "便民服务中心办理备案，备案后住院费用可直接结算；未备案的可凭发票、费用清单和出院"
        "小结在6个月内回参保地手工报销。",
        texts=(
            "我父亲上个月在外省住院，花了四万多，回来报销时说没有提前办异地就医备案，只能报"
            "很少一部分。想问问现在补办还来得及吗？报销比例是多少？",
            "我是灵活就业人员，交的是居民医保，在{clinic}开的降压药医保不能报，说是门诊慢病"
            "没有认定。慢病认定怎么办理？要去哪里申请？",
        ),
        replies=(
            (
                SOLVED,
                "经核实，您父亲的住院费用符合“先就医后备案”补办条件。我局已于{date}为其补办"
                "备案并完成手工报销，报销款将在10个工作日内打入社保卡账户。",
                (0,),
            ),
            (
                EXPLAINED,
                "门诊慢特病待遇需经认定后享受。您可携带病历和检查报告到{hospital}或{township}"
                "社区卫生服务中心申请认定，认定通过后在基层医疗机构购药按规定报销。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="clinic",
        title="基层医疗服务",
        category="health",
        kinds=(SUGGESTION, HELP),
        units=("city:weijian", "township"),
        texts=(
            "{clinic}只有两个医生，每天上午排长队，下午四点就下班了，很多常用药也没有，"
            "老人配个药要跑到城里大医院。希望增加医生、延长开放时间。",
            "{village}卫生室的村医年纪大了，明年就要退休，村里三百多户人家以后看小病怎么办？"
            "希望上级卫生部门考虑一下。",
        ),
        replies=(
            (
                SOLVED,
                "自{date}起，{clinic}增派全科医生{n}名，开放时间延长至18:00，并与{hospital}"
                "建立远程会诊和药品配送机制，常用慢病药品已基本配齐。",
                (0,),
            ),
            (
                PARTLY,
                "我委已将{village}纳入乡村医生定向培养计划，并安排{township}卫生院医生每周"
                "两次到村坐诊，确保村卫生室服务不中断。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="hospital",
        title="就医体验",
        category="health",
        kinds=(COMPLAINT, SUGGESTION),
        units=("city:yiyuan", "city:weijian"),
        texts=(
            "在{hospital}看病，挂号、缴费、拿药、做检查每一步都要排队，老年人不会用手机"
            "预约，现场人工窗口只开两个，一上午只能看一个科。希望多开人工窗口，安排志愿者"
            "帮老人。",
            "{hospital}住院部晚上不让家属陪护，又请不到护工，护工费一天要三百多，普通家庭"
            "负担不起。希望医院推行无陪护病房或者规范护工收费。",
        ),
        replies=(
            (
                SOLVED,
                "我院已于{date}在门诊大厅增设老年人综合服务窗口和“一站式”服务台，每天安排"
                "志愿者引导就医，并保留电话、现场等传统预约方式。",
                (0,),
            ),
            (
                PARTLY,
                "我院已在{n}个病区试点“无陪护病房”，由医院统一安排护理员，收费标准报物价"
                "部门备案后公示。试点经验成熟后将逐步扩大。",
                (1,),
            ),
        ),
    ),
    # --- 养老服务 ---------------------------------------------------------------------------
    Matter(
        key="meal",
        title="养老助餐",
        category="elderly",
        kinds=(SUGGESTION, HELP),
        units=("city:minzheng", "township"),
        suggestion=True,
        texts=(
            "{village}有很多独居老人，子女都在外地，中午自己做饭很困难。能不能在社区办一个"
            "老年食堂或者助餐点，价格实惠一点，行动不便的还能送餐上门？",
            "{estate}旁边的长者食堂十块钱一餐，开了半年就关门了，说是亏本经营不下去。老人们"
            "很失望，希望政府给点补贴把食堂重新开起来。",
        ),
        answer="代表现场介绍：{township}已有{n}家长者食堂，60周岁以上老人凭身份证就餐可享"
        "每餐2—5元补贴，80周岁以上行动不便的老人可申请送餐上门，由社区登记后安排。",
        replies=(
            (
                SOLVED,
                "{village}社区助餐点已于{date}开业，由专业餐饮企业运营，60周岁以上老人每餐"
                "享受政府补贴，独居、失能老人可预约送餐上门。欢迎您和家人前去体验并提出意见。",
                (0,),
            ),
            (
                PARTLY,
                "我局正会同{township}重新招募长者食堂运营方，并调整运营补贴办法，按就餐人次"
                "补助。在恢复营业前，已安排附近的助餐点为{estate}老人提供送餐服务。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="elderly_care",
        title="居家养老服务",
        category="elderly",
        kinds=(HELP, SUGGESTION),
        units=("city:minzheng", "township"),
        texts=(
            "我母亲82岁，患阿尔茨海默病，我一个人照顾快撑不住了。附近的养老院床位要排队"
            "半年，请问有没有日间照料或者临时托养的服务？有没有护理补贴？",
            "{village}的日间照料中心建好一年多了一直锁着门，里面的器材、床铺都没用过，"
            "老人们想进去坐坐都不行，希望尽快开放。",
        ),
        replies=(
            (
                SOLVED,
                "经评估，您母亲符合失能老人居家养老服务补贴条件，{township}已于{date}为其"
                "安排每周{n}次上门护理服务，并在附近日间照料中心预留了临时托养床位。",
                (0,),
            ),
            (
                SOLVED,
                "{village}日间照料中心已引入社会组织运营，于{date}正式开放，每天8:00至17:00"
                "提供休闲娱乐、助浴、健康监测等服务。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="old_age_allowance",
        title="高龄津贴",
        category="elderly",
        kinds=(CONSULT,),
        units=("city:minzheng", "township"),
        answer="工作人员当场答复：80周岁以上老人可享受高龄津贴，由本人或家属持身份证、户口本"
        "到社区或{township}便民服务中心申请，审核通过后次月起按月发放到社保卡。",
        texts=(
            "我父亲今年满80周岁了，听说可以领高龄津贴，请问要准备哪些材料？在哪里办？"
            "他行动不便，能不能由子女代办？",
            "我奶奶的高龄津贴从今年三月开始就没有到账了，打了好几次电话没人接，不知道是"
            "什么原因，麻烦帮忙查一下。",
        ),
        replies=(
            (
                SOLVED,
                "经查，您奶奶的高龄津贴因社保卡更换导致发放失败。{township}已于{date}更新"
                "发放账户，并补发了停发期间的津贴。",
                (1,),
            ),
            (
                EXPLAINED,
                "高龄津贴可由家属代为申请，需提供老人身份证、户口本和代办人身份证。社区也提供"
                "上门代办服务，您可联系{village}网格员预约。",
                (0,),
            ),
        ),
    ),
    # --- 社会保障与就业 ---------------------------------------------------------------------
    Matter(
        key="wage_arrears",
        title="拖欠工资",
        category="social",
        kinds=(HELP, COMPLAINT),
        units=("city:renshe", "county:gov"),
        texts=(
            "我们{cn}十多个农民工在{road}{company}承建的工地干了大半年，老板拖欠工资到现在"
            "没发，总共四十多万，眼看要过年了，家里等着钱用。找项目部没人管，请政府帮帮"
            "我们。",
            "我在{company}上班，公司已经三个月没发工资了，现在老板联系不上，厂门也关了。"
            "我们二十几个工人该怎么办？",
        ),
        replies=(
            (
                SOLVED,
                "接到转办后，我局劳动保障监察机构立即立案调查，约谈了总承包单位和劳务分包单位。"
                "{date}已从项目工资保证金中足额支付拖欠的工资，共涉及{cn}十余名农民工。",
                (0,),
            ),
            (
                PARTLY,
                "我局已对{company}欠薪问题立案，目前已追回部分工资并发放到位；剩余部分正在"
                "依法追缴，已告知工人可同时申请劳动仲裁，并提供法律援助。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="social_insurance",
        title="社保参保",
        category="social",
        kinds=(CONSULT,),
        units=("city:renshe",),
        answer="代表当场解答：灵活就业人员可在{city_short}人社APP或社保窗口办理职工养老保险"
        "参保登记，缴费基数可在全省上年度平均工资的60%—300%之间自选，按月或按年缴纳。",
        texts=(
            "我今年48岁，以前在私营企业交过几年社保，后来断了。现在打零工，想以灵活就业身份"
            "继续交养老保险，请问怎么办理？断缴的几年还能补吗？",
            "我在外地交了8年社保，现在回{city_short}工作了，社保关系怎么转回来？转过来以后"
            "年限能不能合并计算？",
        ),
        replies=(
            (
                EXPLAINED,
                "灵活就业人员可通过网上或窗口办理参保，断缴期间按现行政策不能补缴，但累计缴费"
                "年限合并计算。社保关系转移可在国家社会保险公共服务平台在线申请，无需往返两地。",
            ),
        ),
    ),
    Matter(
        key="disability",
        title="残疾人服务",
        category="social",
        kinds=(HELP, SUGGESTION),
        units=("city:minzheng", "township"),
        texts=(
            "我儿子是二级智力残疾，今年18岁了，不能再上特殊学校，整天在家没人照看。请问有"
            "没有托养或者辅助就业的机构？两项补贴能不能提高一点？",
            "{estate}周边的人行道盲道被电动车和共享单车占满，有的盲道直接通到树坑里，"
            "盲人朋友根本没法走，希望整改。",
        ),
        replies=(
            (
                SOLVED,
                "经{township}残联评估，已为您儿子安排到区残疾人托养中心接受日间照料和职业"
                "康复训练，自{date}起入托，相关费用按规定补助。",
                (0,),
            ),
            (
                SOLVED,
                "已会同城管部门于{date}清理了{estate}周边盲道上的违停车辆，对{n}处断头、"
                "错位盲道进行了改造，并设置了禁停提示。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="jobs",
        title="就业帮扶",
        category="social",
        kinds=(HELP, CONSULT),
        units=("city:renshe", "township"),
        texts=(
            "我今年50岁，原来的厂子倒闭后一直没找到工作，年纪大了招聘都不要。听说有公益性"
            "岗位和免费技能培训，请问怎么报名？",
            "{village}有不少妇女在家带孩子，想在家门口找点事做。能不能引进一些来料加工的"
            "活，或者办点育婴、家政的培训？",
        ),
        replies=(
            (
                SOLVED,
                "{township}已将您登记为就业困难人员，并于{date}推荐您到社区公益性岗位从事"
                "保洁管理工作，同时可免费参加家政服务技能培训。",
                (0,),
            ),
            (
                PARTLY,
                "我局已在{village}开设“家门口就业服务站”，首期育婴员培训已于{date}开班；"
                "来料加工项目正在与相关企业对接。",
                (1,),
            ),
        ),
    ),
    # --- 住房与物业 -------------------------------------------------------------------------
    Matter(
        key="property_dispute",
        title="物业服务纠纷",
        category="housing",
        kinds=(COMPLAINT, HELP),
        units=("city:fangguan", "city:zhujian", "township"),
        where="urban",
        texts=(
            "{estate}物业公司今年突然把物业费从每平方米1.2元涨到1.8元，没有开业主大会，"
            "服务却越来越差，楼道一个月没人打扫，门禁坏了两个月不修。业主们要求物业公开"
            "收支账目。",
            "{estate}业委会换届拖了两年，物业合同早就到期了，物业公司说要撤场，小区垃圾"
            "已经堆了好几天。请街道和住建部门尽快指导成立新一届业委会。",
            "{estate}物业把小区公共停车位和电梯广告的收益都装进自己口袋，业主问起来就说"
            "抵了物业费，也拿不出账本，请主管部门查一查。",
        ),
        replies=(
            (
                SOLVED,
                "经调查，{estate}物业公司未经业主大会表决擅自调价，我单位已责令其恢复原收费"
                "标准，并于{date}在小区公示了近两年公共收益收支情况。门禁等设施已维修完毕。",
                (0,),
            ),
            (
                PARTLY,
                "{township}已指导社区成立业委会换届工作组，换届选举预计下月完成；在此期间，"
                "原物业公司已同意继续提供服务，小区垃圾已全部清运。",
                (1,),
            ),
            (
                EXPLAINED,
                "物业服务收费标准属于业主与物业企业的约定事项。我单位已约谈物业公司，要求其"
                "按规定公示收费依据和公共收益，并指导业委会依法组织业主共同决定。",
                (0, 2),
            ),
        ),
    ),
    Matter(
        key="maintenance_fund",
        title="房屋维修",
        category="housing",
        kinds=(HELP, CONSULT),
        units=("city:fangguan", "city:zhujian"),
        where="urban",
        texts=(
            "{estate}{building}栋楼顶漏水，顶楼三户家里墙面发霉、天花板掉皮，想用住宅专项"
            "维修资金修屋顶，可是物业说手续太复杂，要全楼签字，一直拖着。请问应急维修能不能"
            "简化程序？",
            "{estate}的电梯用了快二十年，一个月坏好几次，上周还困了人。物业说要换新电梯得"
            "动用维修资金，请问怎么申请？",
        ),
        replies=(
            (
                SOLVED,
                "屋面漏水属于可启动维修资金应急使用程序的情形。我单位已指导物业公司于{date}"
                "提交应急维修申请并完成审核，屋面防水维修工程已完工。",
                (0,),
            ),
            (
                PARTLY,
                "我单位已督促物业公司对电梯进行全面检修，并委托检验机构开展安全评估；更新电梯"
                "使用维修资金的表决工作正在进行，表决通过后5个工作日内完成拨款审核。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="property_certificate",
        title="不动产权证办理",
        category="housing",
        kinds=(HELP, COMPLAINT),
        units=("city:ziran", "city:zhujian"),
        where="urban",
        texts=(
            "{estate}交房已经七年了，两百多户业主到现在办不了房产证，开发商说是土地出让金"
            "没交清，业主们该交的钱都交了，孩子上学、落户都受影响，请政府帮忙解决。",
        ),
        replies=(
            (
                PARTLY,
                "经核查，{estate}办证难系开发企业欠缴土地出让金所致。我局已会同相关部门采取"
                "“分割办证”措施，首批{cn}十户业主已于{date}领取不动产权证，其余业主将分批办理。",
            ),
            (
                SOLVED,
                "通过“交房即交证”历史遗留问题专项处置，{estate}已于{date}完成首次登记，业主"
                "可携带购房合同、身份证到不动产登记中心办理转移登记。",
            ),
        ),
    ),
    Matter(
        key="resettlement",
        title="安置房交付",
        category="housing",
        kinds=(COMPLAINT, HELP),
        units=("city:zhujian", "county:gov"),
        texts=(
            "我们是{village}的拆迁户，按协议去年底就该交安置房，到现在工地还停着，过渡费"
            "也停发了三个月，一家老小在外面租房，压力很大，希望政府给个说法。",
        ),
        replies=(
            (
                PARTLY,
                "经调查，该安置房项目因施工单位资金问题一度停工，目前已更换施工单位复工，"
                "预计明年6月交付。拖欠的过渡费已于{date}补发到位，交付前按月正常发放。",
            ),
        ),
    ),
    # --- 生态环境 ---------------------------------------------------------------------------
    Matter(
        key="noise_construction",
        title="夜间施工噪音",
        category="environment",
        kinds=(COMPLAINT,),
        units=("city:shengtai", "city:chengguan", "city:zhujian"),
        where="urban",
        texts=(
            "{road}{estate}对面的工地天天晚上施工到凌晨一两点，打桩机、渣土车轰隆隆的，"
            "整栋楼的人都睡不着觉，孩子马上要中考了。请问他们有夜间施工许可吗？",
            "{estate}旁边的地铁施工工地半夜浇混凝土，噪音特别大，打12345说有许可证，"
            "但许可证上写的是22点前结束。请执法部门查处。",
        ),
        replies=(
            (
                SOLVED,
                "经现场检查，该工地未办理夜间施工审批擅自施工，我局已依法立案处罚，并责令其"
                "22时至次日6时停止产生噪声的作业。{date}起执法人员每晚巡查，目前已无夜间施工。",
            ),
            (
                EXPLAINED,
                "该工地因混凝土连续浇筑工艺需要，依法办理了夜间施工证明，并已公示。我局已要求"
                "施工单位采取隔音降噪措施、提前告知周边居民，并将加强夜间监测。",
            ),
        ),
    ),
    Matter(
        key="noise_square",
        title="噪音扰民",
        category="environment",
        kinds=(COMPLAINT,),
        units=("township", "city:gongan", "city:chengguan"),
        texts=(
            "{plaza}每天晚上都有几支广场舞队，音响开得震天响，一直跳到晚上十点多，住在旁边"
            "的居民实在受不了，家里老人有心脏病，希望管理一下音量和时间。",
            "{road}上新开了一家酒吧，每天晚上音乐放到凌晨，还有人在门口喝酒吵闹，"
            "楼上住户根本没法休息。",
        ),
        replies=(
            (
                SOLVED,
                "{township}已召集{plaza}广场舞团队负责人协商，制定了活动公约：活动时间为"
                "19:00—21:00，音量不超过55分贝，{date}起安装了噪声监测显示屏，社区每晚巡查。",
                (0,),
            ),
            (
                SOLVED,
                "公安机关已对该酒吧进行检查并依法警告，责令其加装隔音设施、23时后降低音量。"
                "{date}复查时噪声已符合标准，我们将持续跟踪。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="garbage",
        title="垃圾清运",
        category="environment",
        kinds=(COMPLAINT, HELP),
        units=("township", "city:chengguan"),
        texts=(
            "{estate}的垃圾桶天天满溢，垃圾车两三天才来一次，夏天臭气熏天，苍蝇老鼠到处"
            "都是。请增加清运频次，垃圾分类的桶也不够用。",
            "{village}{group}路边的垃圾池已经一个多星期没人清运了，垃圾堆得比人还高，"
            "下雨后污水流到旁边的水沟里，希望尽快处理。",
            "{road}边上有人长期偷倒建筑垃圾和装修垃圾，已经堆成小山，晚上还有渣土车来倒，"
            "希望有关部门查处并清理。",
        ),
        photo_text=2,
        photo="随手拍：{road}边一处空地堆放大量建筑垃圾和生活垃圾，疑似偷倒，影响环境，"
        "建议清运并加强巡查。",
        replies=(
            (
                SOLVED,
                "已于{date}对您反映的垃圾堆放点进行了全面清理，共清运垃圾约{cn}十吨，并增设"
                "分类垃圾桶{n}组，清运频次调整为每日两次。",
                (0, 1),
            ),
            (
                SOLVED,
                "偷倒建筑垃圾的点位已清理完毕，我们在现场安装了监控和围挡，并对一辆偷倒的"
                "渣土车依法处罚。如再发现偷倒行为，欢迎随时举报。",
                (2,),
            ),
            (
                PARTLY,
                "{village}垃圾池已清运，镇里正在推行农村生活垃圾“户分类、村收集、镇转运”，"
                "新的密闭式收集点预计下月投用。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="river",
        title="河道污染",
        category="environment",
        kinds=(REPORT, COMPLAINT),
        units=("city:shengtai", "city:shuili", "township"),
        texts=(
            "{river}流经{village}这一段，河水发黑发臭，经常看到有死鱼，上游好像有厂子半夜"
            "往河里排污水。以前夏天孩子们还在河里游泳，现在都不敢靠近了。",
            "{river}岸边有一个排污口一直往外冒白色泡沫，味道很刺鼻，怀疑是附近的小作坊"
            "偷排，请环保部门来查一查。",
        ),
        photo_text=1,
        photo="随手拍：{river}（{village}段）排口有浑浊污水排放，水面有泡沫，"
        "建议环保部门采样监测、溯源排查。",
        replies=(
            (
                SOLVED,
                "接到转办后，执法人员当天赶赴现场采样监测，查实上游一家小作坊偷排生产废水，"
                "已依法查封设备并立案处罚。{date}复测，{river}该段水质已明显好转。",
            ),
            (
                PARTLY,
                "经溯源排查，该排口为雨污混接口，已临时封堵；{river}沿线截污纳管工程已启动，"
                "预计年底完成，河长办将定期巡河并公示水质情况。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="fumes",
        title="餐饮油烟",
        category="environment",
        kinds=(COMPLAINT,),
        units=("city:shengtai", "city:chengguan", "township"),
        where="urban",
        texts=(
            "{estate}{building}栋一楼的底商开了一家烧烤店，油烟管道直接排在住宅窗户底下，"
            "家里窗户一开全是油烟，衣服都不敢晾在外面，请相关部门督促他们安装油烟净化器。",
        ),
        replies=(
            (
                SOLVED,
                "经查，该餐饮店未安装油烟净化设施，已责令其整改。{date}该店已安装高效油烟"
                "净化器并将排烟管道改至楼顶高空排放，经检测油烟排放达标。",
            ),
        ),
    ),
    # --- 市场监管与食品安全 -----------------------------------------------------------------
    Matter(
        key="food_safety",
        title="食品安全",
        category="market",
        kinds=(REPORT, COMPLAINT),
        units=("city:shichang",),
        texts=(
            "{market}里有几家卖熟食的摊位没有防蝇罩，也没有健康证，猪头肉、卤菜直接摆在"
            "外面，苍蝇乱飞。上周我家买回去吃了拉肚子，希望市场监管部门查一查。",
            "{school}周边有家早餐店用的油颜色发黑，疑似反复使用，还有人看见他们后厨老鼠"
            "乱窜，那么多学生在那里吃早饭，太让人担心了。",
            "在{road}一家超市买的牛奶还有三天才到期就已经变质结块了，找超市他们只肯退钱，"
            "还说别的顾客没问题，希望查一查他们的冷链储存。",
            "{kindergarten}对面有几家小卖部卖三无零食和玩具刀，孩子们放学都围着买，家长"
            "很担心，希望有关部门管一管。",
        ),
        replies=(
            (
                SOLVED,
                "我局已于{date}对{market}熟食摊位开展专项检查，责令{n}家摊位停业整改，"
                "整改后均已配齐防蝇设施、从业人员健康证，并进行了抽样检测，结果合格。",
                (0,),
            ),
            (
                SOLVED,
                "执法人员对该早餐店进行了突击检查，查获废弃油脂并依法立案，责令停业整顿。"
                "该店已完成后厨改造、建立进货台账，{date}复查合格后恢复营业。",
                (1,),
            ),
            (
                PARTLY,
                "我局已对该超市冷链设施进行检查，发现冷柜温度控制不达标，已责令整改并对同批次"
                "产品下架抽检。关于您的赔偿诉求，已组织调解，超市同意按规定赔偿。",
                (2,),
            ),
            (
                SOLVED,
                "我局已于{date}对{kindergarten}周边小卖部开展专项检查，下架“三无”食品和仿真刀具"
                "类玩具{cn}十余件，责令{n}家店铺整改，并将校园周边纳入常态化巡查。",
                (3,),
            ),
        ),
    ),
    Matter(
        key="prepaid_card",
        title="预付卡消费纠纷",
        category="market",
        kinds=(COMPLAINT, HELP),
        units=("city:shichang", "city:shangwu"),
        texts=(
            "{road}上的一家健身房上个月突然关门，老板联系不上，我们几百个会员办的年卡、"
            "私教课都没上完，有的人充了一两万。请问这种情况怎么维权？",
            "孩子在{road}一家培训机构报了两年的课，交了一万二，现在机构说要搬迁，让我们"
            "去二十公里外上课，不同意就不退钱。",
        ),
        replies=(
            (
                PARTLY,
                "我局已对该健身房立案调查，并联合商务部门约谈了实际经营者。目前已有{cn}百余名"
                "会员登记，经营者承诺分期退款；涉嫌违法犯罪的线索已移送公安机关。",
                (0,),
            ),
            (
                SOLVED,
                "经我局调解，该培训机构同意按未上课时长为您全额退款，退款已于{date}到账。"
                "提醒您今后预付消费选择纳入资金监管的机构，单次预付不超过3个月。",
                (1,),
            ),
        ),
    ),
    # --- 社会治安与矛盾调解 -----------------------------------------------------------------
    Matter(
        key="fraud",
        title="电信网络诈骗",
        category="safety",
        kinds=(REPORT, CONSULT, HELP),
        units=("city:gongan",),
        answer="代表和民警当场提醒：凡是自称“客服”要求转账退款、刷单返利、冒充公检法要求"
        "转到“安全账户”的都是诈骗。已被骗请立即拨打110报警，保存聊天记录和转账凭证；"
        "建议下载国家反诈中心APP。",
        texts=(
            "我母亲70多岁，最近天天去{road}一家“健康讲座”领鸡蛋，被哄着花了两万多买保健品，"
            "说能治高血压。我怀疑是诈骗团伙，他们还在招更多老人，请公安部门查一查。",
            "昨天接到自称快递客服的电话，说我的包裹丢了要理赔，让我下载一个会议软件共享"
            "屏幕，我差点转了钱。现在这种电话太多了，社区能不能多组织一些防诈骗宣传？",
            "我在网上做刷单兼职，先返了几十块钱，后来让我垫付了八千多就联系不上了。已经"
            "报过警，想问问钱还能追回来吗？",
        ),
        replies=(
            (
                SOLVED,
                "公安机关接报后立即对{road}该“健康讲座”点位开展调查，已查明其虚假宣传、诱骗"
                "老年人购买保健品的违法事实，依法刑事拘留{n}名犯罪嫌疑人，部分涉案款已追回。",
                (0,),
            ),
            (
                SOLVED,
                "感谢您的提醒。{date}起，社区民警联合{township}在{village}开展“反诈进社区”宣传，"
                "为老年人一对一讲解冒充客服、刷单返利等常见骗术，并协助居民安装国家反诈中心APP。",
                (1,),
            ),
            (
                EXPLAINED,
                "您的被骗案件已立案侦查，涉案账户已冻结，追赃挽损工作正在进行。同时，我局已"
                "安排社区民警于{date}在{village}开展反诈宣传，并为老年人一对一讲解常见骗术。",
                (2,),
            ),
        ),
    ),
    Matter(
        key="fire_passage",
        title="消防通道堵塞",
        category="safety",
        kinds=(REPORT, COMPLAINT),
        units=("township", "city:yingji"),
        where="urban",
        texts=(
            "{estate}的消防通道被私家车长期占用，画了黄线也没用，上个月小区有户人家着火，"
            "消防车开不进来，只能在外面接水带，太危险了。",
            "{estate}{building}栋楼道里堆满了纸箱、旧家具，还有人在楼道里给电瓶车充电，"
            "物业劝了也不听，万一着火后果不堪设想。",
        ),
        photo="随手拍：{estate}消防通道被车辆长期占用，楼道堆放杂物，存在火灾隐患。",
        replies=(
            (
                SOLVED,
                "{township}已会同消防救援站和物业公司于{date}对{estate}开展消防安全专项检查，"
                "清理楼道堆放物{cn}十余处，在消防通道安装了隔离桩和违停抓拍设备。",
            ),
        ),
    ),
    Matter(
        key="ebike",
        title="电动车充电",
        category="safety",
        kinds=(SUGGESTION, REPORT),
        units=("township", "city:yingji", "city:zhujian"),
        where="urban",
        suggestion=True,
        texts=(
            "{estate}有三百多户，只有一个电动车充电棚，二十个充电口，晚上根本抢不到，很多"
            "人从楼上拉“飞线”充电，还有人把电瓶带回家充，安全隐患很大。希望增建充电桩。",
        ),
        replies=(
            (
                SOLVED,
                "{township}已在{estate}新建电动自行车集中充电点{n}处，新增智能充电口{cn}十个，"
                "于{date}投入使用，具备充满自停、过载断电功能。社区同步开展了“飞线”充电清理。",
            ),
            (
                PARTLY,
                "已督促物业公司清理“飞线”充电，新增充电设施的选址方案正在征求业主意见，"
                "预计下月开工建设。",
            ),
        ),
    ),
    Matter(
        key="neighbor",
        title="邻里纠纷",
        category="safety",
        kinds=(HELP,),
        units=("township",),
        texts=(
            "我家楼上装修把卫生间防水弄坏了，我家天花板漏水已经两个月，找他们协商一直推脱，"
            "物业也调解不了，希望社区帮忙调解。",
            "{village}{group}邻居在两家中间的通道上砌了一道墙，把我家进出的路堵了，"
            "村里调解了两次没结果，请镇里帮忙处理。",
        ),
        replies=(
            (
                SOLVED,
                "{township}人民调解委员会于{date}组织双方调解，楼上住户同意承担防水维修和"
                "您家天花板修复费用，双方已签订调解协议，维修已完成。",
                (0,),
            ),
            (
                PARTLY,
                "镇司法所已组织双方到现场调解，对方同意拆除部分围墙、恢复通行。对宅基地界址"
                "争议，已告知您可向自然资源部门申请确权。",
                (1,),
            ),
        ),
    ),
    # --- 文化体育旅游 -----------------------------------------------------------------------
    Matter(
        key="fitness",
        title="健身设施",
        category="culture",
        kinds=(HELP, SUGGESTION),
        units=("township", "city:wenlv"),
        texts=(
            "{plaza}的健身器材坏了好几件，漫步机的踏板掉了，单杠松动，有老人在上面锻炼时"
            "差点摔倒。请有关部门尽快维修，或者设个警示牌。",
            "{village}年轻人想打篮球，只有一个水泥地篮球场，篮板都烂了，能不能翻新一下，"
            "再装几盏灯晚上也能用？",
        ),
        photo="随手拍：{plaza}多件健身器材损坏，部分器材松动存在安全隐患，建议维修更换。",
        replies=(
            (
                SOLVED,
                "已于{date}对{plaza}损坏的健身器材进行了维修更换，共维修{n}件，并张贴了"
                "器材使用说明和报修电话。",
                (0,),
            ),
            (
                PARTLY,
                "{village}篮球场翻新已列入明年全民健身设施补短板项目，在此之前已更换了篮板"
                "篮网。夜间照明将在翻新时一并安装。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="culture_station",
        title="文化场馆开放",
        category="culture",
        kinds=(SUGGESTION,),
        units=("city:wenlv", "township"),
        texts=(
            "{township}综合文化站的图书室周末不开门，平时开门时间孩子们又在上学，等于"
            "没开。建议周末和寒暑假错时开放，再多进一些儿童读物。",
        ),
        replies=(
            (
                SOLVED,
                "{township}综合文化站自{date}起实行错时开放，周末和寒暑假照常开放，并新增"
                "儿童图书{cn}百余册，开设周末亲子阅读活动。",
            ),
        ),
    ),
    # --- 农业农村 ---------------------------------------------------------------------------
    Matter(
        key="agri_tech",
        title="农技指导",
        category="agriculture",
        kinds=(CONSULT, HELP),
        units=("city:nongye", "county:gov", "township"),
        where="rural",
        answer="代表当场联系了{township}农业综合服务中心，农技员将于本周内上门查看土壤和"
        "地块，并可帮助对接种苗和订单收购。",
        texts=(
            "我明年想在{village}试种特色辣椒，流转了二十亩地，但没有种植经验。镇上有没有"
            "农技员帮忙指导一下？种苗去哪里买比较可靠？",
            "今年{village}的柑橘大面积出现黄叶、落果，打了几次药都不见效，大家很着急，"
            "希望农业部门派专家来看一看。",
        ),
        replies=(
            (
                SOLVED,
                "农技专家已于{date}到{village}现场诊断，确认为黄龙病和缺素症并发，已指导果农"
                "清除病株、科学施肥用药，并免费发放了防治药剂。",
                (1,),
            ),
            (
                SOLVED,
                "我们已为您对接{township}农业综合服务中心农技员一对一指导，并推荐了经认证的"
                "辣椒种苗供应企业和订单收购合作社。",
                (0,),
            ),
        ),
    ),
    Matter(
        key="irrigation",
        title="农田灌溉",
        category="agriculture",
        kinds=(HELP, SUGGESTION),
        units=("city:shuili", "city:nongye", "township"),
        where="rural",
        texts=(
            "{village}{group}的灌溉水渠年久失修，渠道塌了好几段，今年春耕放水放不下来，"
            "几十亩秧田都等着水，请尽快维修。",
            "{village}的机耕路只有一米多宽，收割机、旋耕机都开不进田里，很多人只能把田"
            "撂荒了。希望能纳入高标准农田建设。",
        ),
        replies=(
            (
                SOLVED,
                "我局已安排小型农田水利维修资金，{date}完成{village}灌溉渠道{cn}百米清淤和"
                "衬砌修复，目前已正常放水。",
                (0,),
            ),
            (
                PARTLY,
                "{village}已纳入明年高标准农田建设项目储备，机耕路拓宽和沟渠配套将一并实施。"
                "春耕用水已临时安排抽水泵保障。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="rural_water",
        title="农村饮水",
        category="utilities",
        kinds=(HELP,),
        units=("city:shuiwu", "county:gov", "township"),
        where="rural",
        texts=(
            "{village}{group}还在喝山上引下来的水，一下雨就浑浊，旱季还断水，希望能接通"
            "城乡一体化供水管网。",
        ),
        replies=(
            (
                SOLVED,
                "{village}{group}已纳入城乡供水一体化工程，{date}完成管网接入，村民已用上"
                "经过水厂处理的自来水。",
            ),
            (
                PARTLY,
                "管网延伸工程已完成设计，计划明年开工。在此期间，我们为该村民小组安装了"
                "净水设备，并安排旱季送水。",
            ),
        ),
    ),
    # --- 营商环境与企业发展 -----------------------------------------------------------------
    Matter(
        key="approval",
        title="企业审批服务",
        category="business",
        kinds=(COMPLAINT, SUGGESTION),
        units=("city:fagai", "city:shichang", "county:gov"),
        texts=(
            "我们{company}在{township}的扩建项目，环评、规划、施工许可跑了五个多月还没办"
            "下来，每个部门都说要等另一个部门先出意见，厂房建不起来，订单都要丢了。",
            "小微企业贷款太难，我们{company}有订单、有纳税记录，去银行申请贷款还是要房产"
            "抵押。希望政府多推一些信用贷款、政策性担保产品。",
        ),
        replies=(
            (
                SOLVED,
                "我委已将该项目纳入重点项目“代办帮办”服务，组织相关部门联合审查，{date}已"
                "核发施工许可证。今后同类项目实行并联审批，承诺时限内办结。",
                (0,),
            ),
            (
                EXPLAINED,
                "我市已推出“园区贷”“科创贷”等信用贷款产品和政策性融资担保，已为{company}"
                "对接合作银行上门服务，并推荐申请贷款贴息。",
                (1,),
            ),
        ),
    ),
    Matter(
        key="park_service",
        title="园区配套",
        category="business",
        kinds=(SUGGESTION,),
        units=("city:fagai", "city:jiaotong", "county:gov"),
        texts=(
            "{township}工业园区有三千多名工人，只有一条公交线路，上下班高峰挤不上车，园区"
            "里也没有食堂、超市。建议完善园区配套，增开通勤班车。",
        ),
        replies=(
            (
                PARTLY,
                "已协调公交公司自{date}起开通园区通勤专线，早晚高峰加密班次；园区综合服务"
                "中心（含食堂、便利店）已开工建设，预计明年投用。",
            ),
        ),
    ),
    # --- 其他 -------------------------------------------------------------------------------
    Matter(
        key="doorplate",
        title="门牌地名",
        category="other",
        kinds=(HELP, CONSULT),
        units=("city:gongan", "township"),
        texts=(
            "{village}新建的几栋楼一直没有门牌号，快递、外卖都送不到，办户口迁移时也说地址"
            "不规范，请帮忙安装门牌。",
        ),
        replies=(
            (
                SOLVED,
                "已于{date}为{village}新建楼栋编制并安装门牌{cn}十余块，相关地址信息已同步到"
                "户籍系统和地图导航平台。",
            ),
        ),
    ),
    Matter(
        key="toilet",
        title="公共厕所",
        category="other",
        kinds=(SUGGESTION, COMPLAINT),
        units=("city:chengguan", "township"),
        texts=(
            "{plaza}和{market}一带每天人很多，附近只有一座公厕，而且晚上八点就锁门，卫生也"
            "很差。建议延长开放时间，再建一座。",
        ),
        replies=(
            (
                SOLVED,
                "{plaza}公厕已完成提升改造，自{date}起24小时开放，并安排专人保洁；附近沿街"
                "单位的{n}处厕所已加入“厕所开放联盟”，对外免费开放。",
            ),
        ),
    ),
)

MATTER_BY_KEY = {m.key: m for m in MATTERS}


# --- matters that belong elsewhere (不予受理, with where to go instead) ----------------
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


# --- how the text is framed by the channel ------------------------------------------
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

# --- staff notes ----------------------------------------------------------------------
ESCALATE_NOTES = (
    "需职能部门办理，提请分办。",
    "现场无法答复，转人大办分办。",
    "涉及多个部门职责，提请统筹交办。",
    "",
)
SUGGESTION_NOTES = (
    "同类诉求反映较多，由进站代表开展调研后形成闭会期间代表建议。",
    "问题具有普遍性，代表将结合视察调研提出建议。",
    "纳入代表小组专题调研，形成代表建议。",
)
INSTRUCTIONS = (
    "请于期限内签收，联系群众核实情况后答复。",
    "请会同属地街道（乡镇）共同办理，答复前须与群众沟通。",
    "群众反映较为集中，请重点办理，及时反馈办理进度。",
    "请核实后依法依规处理，并做好解释工作。",
    "",
)
RETURN_REASONS = (
    "经核实，{title}不属于我单位职责范围，按职责分工应由{unit}办理，请重新分办。",
    "该事项涉及{title}，主管部门为{unit}，我单位无权处理，建议转{unit}。",
    "经现场查看，该问题位于{unit}管辖范围内，不属于我单位管理，申请退回。",
)
CONTACT_NOTES = (
    "电话联系群众，了解{title}的具体位置和情况，约定现场查看。",
    "工作人员上门走访，现场核实情况并拍照留存，向群众说明了办理计划。",
    "电话沟通，群众补充说明了问题持续时间和影响范围。",
    "发送短信告知已受理及办理进度，群众回复收到。",
    "约群众到单位面谈，听取意见建议，解释了相关政策。",
)
CONTACT_METHODS = (("phone", 60), ("visit", 22), ("message", 10), ("meeting", 5), ("other", 3))
INTERNAL_NOTES = (
    "已电话回访群众，群众表示认可。",
    "现场整改照片已存档。",
    "涉及资金已报分管领导审批。",
    "",
    "",
    "",
)
REHANDLE_PREFIXES = (
    "针对您评价中提出的意见，我单位再次组织人员到现场核查，现补充答复如下：",
    "收到您的不满意评价后，我单位主要负责同志带队到现场办公，现答复如下：",
)
EXTENSION_REASONS = (
    "涉及管线迁改，需协调供电、通信等单位共同实施，申请延期{days}个工作日。",
    "需申请专项资金，待财政审核后方可实施，申请延期{days}个工作日。",
    "施工受连续降雨影响，无法按期完成，申请延期{days}个工作日。",
    "需征求相关业主意见并公示，申请延期{days}个工作日。",
)
EXTENSION_APPROVED = (
    "同意延期，请抓紧办理并及时告知群众进展。",
    "同意。",
    "同意延期，务必按新期限答复。",
)
EXTENSION_REFUSED = (
    "该事项不涉及多部门协调，请按原期限答复。",
    "理由不充分，请按期办结。",
)

# --- what citizens say when they rate --------------------------------------------------
SATISFIED_COMMENTS = (
    "处理很及时，问题已经解决了，谢谢！",
    "工作人员态度很好，专门打电话来说明情况，点赞。",
    "没想到这么快就有回音，为人大代表和办事部门点赞！",
    "问题解决了，希望以后常态化管理。",
    "",
    "",
)
BASIC_COMMENTS = (
    "问题基本解决了，但是进度有点慢。",
    "答复还算清楚，希望后续能真正落实。",
    "解决了一部分，剩下的希望抓紧。",
    "",
)
UNSATISFIED_COMMENTS = (
    "答复只是解释，问题没有解决，晚上还是老样子。",
    "说已经处理了，但我去现场看问题依旧，希望再派人来看看。",
    "答复时间拖得太久，也没人联系过我。",
    "答复和我反映的不是一回事，请认真核实。",
)

# Estate names are a place stem (places.FIRST + places.SECOND_COMMUNITY) and one of these.
ESTATES = ("小区", "花园", "家园", "新村", "公寓", "嘉园", "小区", "花园")
