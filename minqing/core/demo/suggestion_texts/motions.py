"""Motions (议案): mostly local legislation, raised by ten or more deputies of a delegation.
The presidium places a few on the agenda, refers others to a special committee, and
converts those that do not qualify into suggestions — handled by the units below."""

from __future__ import annotations

from minqing.core.demo.suggestion_texts.topic import POLICY, Topic

TOPICS: tuple[Topic, ...] = (
    Topic(
        key="motion_dogs",
        category="safety",
        name="养犬管理立法",
        titles=("关于制定《{city}养犬管理条例》的议案",),
        background=(
            "我市登记犬只已超过八万只，未登记的数量更多。犬只伤人、扰民、污染环境等问题"
            "引发的投诉和纠纷逐年增加，现行的养犬管理规定制定于十多年前，已不适应管理需要。",
        ),
        problems=(
            "现行规定位阶低、罚则轻，对不拴绳遛犬、烈性犬管理缺乏有效手段；",
            "公安、城管、农业农村等部门职责划分不清，存在管理空白；",
            "犬只免疫和登记率不高，狂犬病防控存在隐患。",
        ),
        measures=(
            "将制定《{city}养犬管理条例》列入市人大常委会年度立法计划",
            "明确重点管理区域、禁养犬只目录和文明养犬行为规范",
            "厘清部门职责，建立犬只登记、免疫、收容一体化管理制度",
            "设定与违法行为相适应的法律责任",
        ),
        lead=("city:gongan",),
        co=("city:chengguan", "city:nongye"),
        done=(
            "市政府已将养犬管理条例草案列入今年立法计划，并于{date}提请市人大常委会审议，"
            "同时开展了文明养犬专项整治，查处不拴绳遛犬等行为二千余起。",
        ),
        plan=("我局已会同相关部门完成养犬管理条例草案起草，正在广泛征求社会意见。",),
        promises=(("完成《{city}养犬管理条例（草案）》起草并报送市政府", 6),),
        limits=("养犬管理涉及的部门职责调整需按机构改革方案统筹，条例起草需待职责明确后推进。",),
        keywords=("狗", "犬"),
        classes=POLICY,
        framed=False,
    ),
    Topic(
        key="motion_ebike_law",
        category="transport",
        name="电动自行车管理立法",
        titles=("关于制定《{city}电动自行车管理条例》的议案",),
        background=(
            "电动自行车已成为我市群众出行的重要交通工具，但因电动自行车引发的交通事故"
            "和火灾事故多发，生产、销售、登记、通行、停放充电等环节缺乏系统的地方性法规。",
        ),
        problems=(
            "非标车、改装车大量存在，源头管控缺乏法律依据；",
            "停放充电设施建设责任不明确，“飞线充电”屡禁不止；",
            "交通违法处罚标准偏低，违法成本低。",
        ),
        measures=(
            "制定《{city}电动自行车管理条例》",
            "对生产、销售、登记、通行、停放充电、维修、回收实行全链条管理",
            "明确住宅小区和公共场所充电设施建设责任",
        ),
        lead=("city:jiaojing", "city:gongan"),
        co=("city:shichang", "city:zhujian", "city:yingji"),
        done=(
            "市政府已于{date}出台电动自行车管理办法，对全链条管理作出规定，"
            "相关条例已列入市人大常委会立法计划调研项目。",
        ),
        plan=("我们已开展电动自行车管理立法调研，拟争取列入明年立法计划。",),
        promises=(("完成电动自行车管理立法调研报告", 5),),
        limits=("国家层面电动自行车安全技术规范正在修订，地方立法需待国家标准明确后跟进。",),
        keywords=("电动车",),
        classes=POLICY,
        framed=False,
    ),
    Topic(
        key="motion_heritage_law",
        category="culture",
        name="历史文化名城保护立法",
        titles=("关于制定《{city}历史文化名城保护条例》的议案",),
        background=(
            "{city_short}建城已有两千余年，保存有历史文化街区{n}处、历史建筑二百余处。"
            "但城市更新中拆旧建新、破坏历史风貌的情况仍有发生，亟需以立法加强保护。",
        ),
        problems=(
            "历史文化资源底数不清，保护名录不完整；",
            "保护与利用的责任主体、资金保障缺乏制度规定；",
            "破坏历史建筑的违法行为处罚依据不足。",
        ),
        measures=(
            "制定《{city}历史文化名城保护条例》",
            "建立历史文化资源普查和保护名录制度",
            "明确保护责任人制度和保护资金保障",
        ),
        lead=("city:ziran", "city:wenlv"),
        co=("city:wenlv", "city:zhujian"),
        done=(
            "市自然资源规划局已牵头完成历史文化名城保护条例草案起草，"
            "市人大常委会已于{date}进行一审。",
        ),
        plan=("条例草案已列入明年市人大常委会立法计划正式项目。",),
        promises=(("提请市人大常委会审议历史文化名城保护条例草案", 8),),
        limits=("历史文化名城保护规划尚在修编，条例需与规划衔接，起草工作需待规划批复后推进。",),
        classes=POLICY,
        framed=False,
    ),
    Topic(
        key="motion_elderly_law",
        category="elderly",
        name="居家养老服务立法",
        titles=("关于制定《{city}居家养老服务条例》的议案",),
        background=(
            "我市已进入中度老龄化社会，居家养老是绝大多数老年人的选择。"
            "现有政策以规范性文件为主，设施配建、服务供给、资金保障等缺乏刚性约束。",
        ),
        problems=(
            "新建住宅小区养老服务设施配建要求落实不到位；",
            "居家养老服务标准不统一，服务质量参差不齐；",
            "养老服务资金投入缺乏稳定增长机制。",
        ),
        measures=(
            "制定《{city}居家养老服务条例》",
            "明确养老服务设施“四同步”配建要求",
            "建立居家养老服务标准和评估制度",
        ),
        lead=("city:minzheng",),
        co=("city:weijian", "city:zhujian"),
        done=("市民政局已完成居家养老服务条例立法调研，条例草案已于{date}提请市人大常委会审议。",),
        plan=("我局正在起草居家养老服务条例草案，计划明年提请审议。",),
        promises=(("完成居家养老服务条例草案起草", 8),),
        limits=("省人大常委会正在制定全省养老服务条例，我市立法需待省级条例出台后再作衔接。",),
        classes=POLICY,
        framed=False,
    ),
    Topic(
        key="motion_property_law",
        category="housing",
        name="物业管理立法修订",
        titles=("关于修订《{city}物业管理条例》的议案",),
        background=(
            "《{city}物业管理条例》施行已十余年，《民法典》实施后，条例中业主大会、"
            "维修资金、物业交接等规定与上位法不一致，亟需修订。",
        ),
        problems=(
            "业主大会成立难、表决难的问题缺乏制度破解；",
            "物业服务企业退出交接程序不完善；",
            "街道、社区在物业管理中的职责不明确。",
        ),
        measures=(
            "将修订《{city}物业管理条例》列入年度立法计划",
            "完善业主共同决定事项的电子表决制度",
            "建立物业服务企业退出交接和应急服务制度",
        ),
        lead=("city:zhujian", "city:fangguan"),
        co=("city:fangguan", "county:gov"),
        done=("市住建局已完成物业管理条例修订草案起草，市人大常委会已于{date}完成一审。",),
        plan=("条例修订已列入明年立法计划，我局正在开展修订调研。",),
        promises=(("完成物业管理条例修订草案并报送市政府", 6),),
        limits=("国家《物业管理条例》修订工作正在进行，地方条例修订需与之衔接。",),
        keywords=("物业",),
        classes=POLICY,
        framed=False,
    ),
    Topic(
        key="motion_river_law",
        category="environment",
        name="河道管理立法",
        titles=("关于制定《{city}{river}保护条例》的议案",),
        background=(
            "{river}是全市重要的饮用水源地和生态廊道，流经多个县区。"
            "流域内采砂、排污、侵占河道等问题时有发生，迫切需要专门立法实行流域统一保护。",
        ),
        problems=(
            "流域上下游、左右岸管理各自为政，缺乏统筹协调机制；",
            "水源保护区内违法建设和面源污染问题突出；",
            "生态补偿机制尚未建立。",
        ),
        measures=(
            "制定《{city}{river}保护条例》",
            "建立流域统一规划、统一监测、统一执法机制",
            "建立上下游横向生态保护补偿制度",
        ),
        lead=("city:shuili", "city:shengtai"),
        co=("city:shengtai", "city:nongye"),
        done=("{river}保护条例已列入今年立法计划，市水利局牵头起草的条例草案已于{date}提请审议。",),
        plan=("我局正在开展{river}保护立法调研，拟争取列入明年立法计划。",),
        promises=(("完成{river}保护立法调研和条例草案起草", 9),),
        limits=("{river}流域横向生态补偿需省级统筹协调，相关机制正在研究。",),
        classes=POLICY,
        framed=False,
    ),
    Topic(
        key="motion_business_law",
        category="business",
        name="优化营商环境立法",
        titles=("关于制定《{city}优化营商环境条例》的议案",),
        background=(
            "国务院《优化营商环境条例》施行以来，我市出台了一系列改革举措，"
            "但部分经验做法尚未固化为法规，企业对政策稳定性存在担忧。",
        ),
        problems=(
            "改革措施多以文件形式出台，稳定性和约束力不足；",
            "涉企检查多头、重复，影响企业正常经营；",
            "政府守信践诺缺乏制度约束。",
        ),
        measures=(
            "制定《{city}优化营商环境条例》",
            "将行之有效的改革措施上升为法规",
            "建立涉企检查统筹和政府诚信履约制度",
        ),
        lead=("city:fagai",),
        co=("city:shichang", "city:shangwu"),
        done=("市发改委已牵头完成优化营商环境条例草案起草，市人大常委会已于{date}通过。",),
        plan=("条例已列入明年立法计划，我委正在组织起草。",),
        promises=(("完成优化营商环境条例草案起草", 6),),
        limits=("省级优化营商环境条例正在修订，我市立法需待省级条例修订后衔接。",),
        classes=POLICY,
        framed=False,
    ),
    Topic(
        key="motion_civility_law",
        category="other",
        name="文明行为促进立法",
        titles=("关于制定《{city}文明行为促进条例》的议案",),
        background=(
            "创建全国文明城市以来，我市市民文明素质明显提升，但乱扔垃圾、随地吐痰、"
            "高空抛物、不文明养犬等行为仍时有发生，需要以法治方式巩固创建成果。",
        ),
        problems=(
            "不文明行为治理缺乏地方性法规依据；",
            "对文明行为的激励和保障措施不够；",
            "高空抛物等行为取证难、处罚难。",
        ),
        measures=(
            "制定《{city}文明行为促进条例》",
            "明确重点治理的不文明行为清单",
            "建立文明行为激励和志愿服务保障制度",
        ),
        lead=("city:chengguan",),
        co=("city:gongan",),
        done=("文明行为促进条例已于{date}经市人大常委会审议通过，并报省人大常委会批准。",),
        plan=("条例已列入明年立法计划调研项目。",),
        promises=(("完成文明行为促进立法调研", 6),),
        limits=("文明行为促进涉及的部分事项已有法律规定，需进一步论证立法的必要性和可行性。",),
        classes=POLICY,
        framed=False,
    ),
)
