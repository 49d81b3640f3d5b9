"""The demo organisation: people, departments and the complaints its customers write.

Only data lives here. `manage.py load_demo` (complaints/management/commands/load_demo.py) turns it
into about 200 complaints and drives each one through the real actions, so every timeline is real.
The texts are written the way customers, franchisees and a car maker's engineers really write to a
complaint desk; placeholders in braces ({product}, {model}, {store}, {batch}, …) are filled per
complaint with a fixed random seed.
"""

# ruff: noqa: E501  (data: long Chinese sentences read better unbroken)
from __future__ import annotations

DEMO_PASSWORD = "kesu1234"

ORGANIZATION = {
    "name": "示例家电有限公司",
    "short_name": "示例家电",
    "hotline": "400-123-4567",
    "complaints_email": "tousu@example.com",
}

# code, name; the six the playbooks route to, and the general manager's office.
DEPARTMENTS = [
    ("CS", "客服部"),
    ("QA", "质量部"),
    ("LOG", "物流部"),
    ("FIN", "财务部"),
    ("PROD", "生产部"),
    ("SALES", "销售部"),
    ("GMO", "总经办"),
]

# username, role, display name, job title, departments, heads these departments
USERS = [
    ("agent", "agent", "王晓燕", "客服专员", ["CS"], []),
    ("agent2", "agent", "刘佳", "客服专员", ["CS"], []),
    ("supervisor", "supervisor", "陈敏", "客服主管", ["CS"], ["CS"]),
    ("director", "director", "赵建国", "销售中心总监", ["SALES"], ["SALES"]),
    ("quality", "quality", "孙伟", "质量工程师", ["QA"], ["QA"]),
    ("quality2", "quality", "何芳", "质量工程师", ["QA"], []),
    ("handler", "handler", "李强", "生产部处理人", ["PROD"], ["PROD"]),
    ("handler_log", "handler", "周涛", "物流部处理人", ["LOG"], ["LOG"]),
    ("handler_fin", "handler", "吴静", "财务部处理人", ["FIN"], ["FIN"]),
    ("archivist", "archivist", "郑丽", "事务文员", ["CS"], []),
    ("manager", "manager", "黄志明", "总经办", ["GMO"], ["GMO"]),
    ("admin", "admin", "系统管理员", "管理员", [], []),
]

# What the owner choice knows besides load (routing.HandlerProfile): username → (skills, areas).
HANDLER_PROFILES = {
    "quality2": ([], ["东岳汽车制造有限公司", "海瑞新能源汽车有限公司"]),
    "agent": (["service"], ["杭州滨江专卖店", "宁波鄞州专卖店", "嘉兴南湖专卖店", "上海闵行旗舰店"]),
    "agent2": (["after_sales"], ["苏州吴中专卖店", "南京河西专卖店", "无锡新吴专卖店", "常州武进专卖店"]),
}

# The simplest responsibility matrix (R-RT-1): type → responsible department, collaborating departments.
ROUTING = {
    "quality": ("QA", ["PROD", "SALES"]),
    "service": ("CS", []),
    "after_sales": ("CS", ["QA"]),
    "delivery": ("LOG", ["SALES"]),
    "price": ("FIN", ["SALES"]),
    "other": ("CS", []),
}

# Where a case goes when the active playbook has no such type (the manufacturing one has no after_sales).
TYPE_FALLBACKS = {"after_sales": ("service", "quality"), "service": ("other",), "policy": ("price", "service")}

# ---------------------------------------------------------------------------------------------
# What the company sells

APPLIANCES = {
    "fridge": ("冰箱", [("BCD-520WPZ", 4299), ("BCD-405TMB", 3199), ("BCD-630WKS", 6999)]),
    "washer": ("滚筒洗衣机", [("XQG100-HBD14", 3299), ("XQG80-B12", 1999)]),
    "ac": ("空调", [("KFR-35GW/N1A", 2899), ("KFR-50LW/BP3", 5699), ("KFR-72LW/BP3", 8299)]),
    "heater": ("电热水器", [("DSZF-60L-V5", 1599), ("DSZF-80L-S3", 2199)]),
    "gas_heater": ("燃气热水器", [("JSQ30-16T", 3299), ("JSQ25-13E", 2499)]),
    "hood": ("油烟机", [("CXW-260-T9", 3599), ("CXW-220-A5", 2299)]),
    "dishwasher": ("洗碗机", [("WQP12-J7", 4999)]),
    "cooker": ("电饭煲", [("MB-FB40S", 459), ("MB-HS50", 699)]),
    "fryer": ("空气炸锅", [("KZ-C5501", 349)]),
}

# Thermal-management parts the company's auto-parts division supplies to car makers.
AUTO_PARTS = [
    ("空调压缩机支架", "ZJ-2207-03"),
    ("电动压缩机", "EC-34V-A"),
    ("冷凝器总成", "LNQ-7712"),
    ("鼓风机电机", "GFJ-12V-08"),
    ("空调线束", "XS-HVAC-118"),
    ("膨胀阀", "PZF-0915"),
]

# The franchise store network (and where consumers bought).
STORES = [
    "苏州吴中专卖店",
    "杭州滨江专卖店",
    "南京河西专卖店",
    "合肥蜀山专卖店",
    "宁波鄞州专卖店",
    "无锡新吴专卖店",
    "常州武进专卖店",
    "嘉兴南湖专卖店",
    "上海闵行旗舰店",
]
ONLINE_STORES = ["天猫官方旗舰店", "京东自营旗舰店", "官方商城", "抖音官方直播间"]

# ---------------------------------------------------------------------------------------------
# Who complains

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_NAMES = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰",
    "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "晓东", "雪梅", "国庆", "文博", "思远", "梓涵", "一鸣",
    "欣怡", "浩然", "丹丹", "春梅", "玉兰", "建国", "红霞", "晓峰", "佳琪", "子轩", "雨桐", "俊杰", "美玲",
]  # fmt: skip

# store, franchisee's name, customer id, phone, relationship
FRANCHISEES = [
    ("苏州吴中专卖店", "陈建华", "JM-SZ-012", "13962110387", "vip"),
    ("杭州滨江专卖店", "沈丽萍", "JM-HZ-007", "13857162245", "existing"),
    ("南京河西专卖店", "蒋涛", "JM-NJ-021", "13914478820", "existing"),
    ("合肥蜀山专卖店", "许文斌", "JM-HF-003", "13705519362", "existing"),
    ("宁波鄞州专卖店", "胡海燕", "JM-NB-015", "13605843317", "vip"),
    ("无锡新吴专卖店", "顾晓东", "JM-WX-009", "13771065582", "existing"),
    ("常州武进专卖店", "钱国平", "JM-CZ-004", "13915035716", "existing"),
    ("嘉兴南湖专卖店", "朱春梅", "JM-JX-002", "13586331049", "existing"),
]

# name, company, customer id, phone, e-mail, relationship
BUSINESSES = {
    "carmaker": ("王建军（SQE）", "东岳汽车制造有限公司", "C-DY-001", "13816629014", "sqe.wang@dongyue-auto.example.com", "vip"),
    "ev_maker": ("李娜（供应商质量）", "海瑞新能源汽车有限公司", "C-HR-002", "13524780316", "lina@hairui-ev.example.com", "vip"),
    "developer": ("张经理", "华庭置业有限公司", "C-HT-011", "13701884521", "zhang.pm@huating.example.com", "existing"),
    "hotel": ("刘主管", "锦程酒店管理有限公司", "C-JC-015", "13611902274", "", "existing"),
}  # fmt: skip

# name, company, phone, relationship — property managers, fitters, landlords…
OTHERS = [
    ("陈主任", "翠湖花园物业服务中心", "057188203341", "new"),
    ("赵工", "匠心装饰工程有限公司", "13967120458", "existing"),
    ("孙老师", "江南理工学院后勤处", "051285091126", "new"),
    ("钱先生", "", "13382196677", "new"),
]

# ---------------------------------------------------------------------------------------------
# The complaints. One entry is a way customers complain; load_demo fills it in one or more times.
#
# type      complaint type code          kind      consumer | franchisee | business:<key> | other
# goods     appliance key, "parts" or ""  channels  the channels this arrives by
# demand    what the customer asks for    amount    "price" (the product's price), (low, high) or None
# flags     Flag values                   level     handling level when the text alone decides it
# solution  (solution_type, detail, (compensation low, high) or None)
# summary   what was done                 reject    (reason, polite reply): a complaint judged not justified
# untyped   recorded without a type (triage sets it)
# wrong     recorded under this type first; triage corrects it with a reason
# urgent    the customer threatens a regulator, the media or a lawsuit
# store     where it was bought, when the text says so
# repeat    the customer has complained before (reuse an earlier customer)

# fmt: off
CASES: list[dict] = [
    # --- 产品质量 quality: consumers ----------------------------------------------------------
    dict(
        type="quality", goods="fridge", channels=("phone",), demand="exchange", amount="price",
        title="冰箱不到一个月不制冷，客服电话没人回",
        text="冰箱用了不到一个月就不制冷了，冷藏室跟常温差不多，里面的菜和肉全坏了。打了三次客服电话都没人回，"
        "每次都说会有师傅联系我，结果一个电话都没有。你们到底管不管？",
        solution=("exchange", "上门检测为压缩机启动器故障，按三包规定为客户整机换新，新机送达时拉走旧机；"
                  "另补偿坏掉的食材{comp}元。", (100, 300)),
        summary="新机已送达并安装调试，冷藏室 4℃ 正常；食材补偿已转账。三次来电未回电的问题已在客服部内部通报。",
        repeat=True,
    ),
    dict(
        type="quality", goods="washer", channels=("phone", "chat"), demand="repair",
        title="{product}脱水时剧烈晃动、噪音大",
        text="{product}（{model}）才用了{days}天，脱水的时候整台机器跳来跳去，声音跟拖拉机一样，"
        "楼下邻居都上来敲门了。安装的时候师傅说运输螺栓拆了，我也不知道到底拆没拆。",
        solution=("repair", "上门检查发现一颗运输螺栓未拆除，已拆除并重新调平机脚，空载、满载脱水试机正常。", None),
        summary="运输螺栓已拆除，机器调平，客户试用一周无异常。安装师傅已按规定考核。",
    ),
    dict(
        type="quality", goods="ac", channels=("phone", "web"), demand="compensation", amount=(300, 900),
        title="新装空调内机漏水，墙面泡坏",
        text="新装的空调内机一直往下滴水，墙面都泡起皮了，刚刷的乳胶漆。要求马上上门处理，墙面的损失谁来赔？",
        solution=("compensation", "排水管坡度不足导致冷凝水倒流，已重新走管并做排水试验；墙面修补费用按客户提供的"
                  "报价补偿{comp}元。", (300, 800)),
        summary="重新走管后无滴水，墙面修补补偿已支付，客户确认。",
    ),
    dict(
        type="quality", goods="heater", channels=("phone",), demand="other", flags=["safety"], urgent=True, level=2,
        title="电热水器洗澡时有麻手感",
        text="家里的电热水器洗澡的时候手碰到水龙头有麻麻的感觉，吓得我赶紧把电闸拉了。家里有老人和小孩，"
        "这是要命的事！必须今天派人来查，给个说法。",
        solution=("repair", "当天派技术主管上门，检测热水器绝缘和防电墙功能正常，漏电源为客户家插座未接地；"
                  "免费为客户加装带漏电保护的插座并讲解安全用电。", None),
        summary="已排除热水器漏电，接地问题已整改，复测无感应电。客户表示放心。",
    ),
    dict(
        type="quality", goods="hood", channels=("phone", "store"), demand="repair",
        title="油烟机开大档有刺耳异响",
        text="油烟机开大档的时候有很刺耳的嗡嗡声，像电机要坏了一样。买了才两个月，在{store}买的，"
        "店里让我自己打售后电话，这也太不负责任了。",
        solution=("repair", "上门更换风轮并做动平衡校正，噪音恢复正常。", None),
        summary="风轮已更换，异响消除。",
    ),
    dict(
        type="quality", goods="cooker", channels=("web", "social", "phone"), demand="refund", amount="price",
        flags=["safety"],
        title="电饭煲内胆涂层脱落",
        text="电饭煲内胆用了不到半年，涂层一块一块往下掉，煮出来的饭里都能看到黑色的碎片，这吃进肚子里谁负责？"
        "要求退货，并给我看检测报告。",
        solution=("refund", "全额退款{price}元，寄回的内胆送质量部做涂层附着力检测，检测报告复印件寄给客户。", None),
        summary="退款已原路退回；内胆检测为个别件喷涂前处理不良，已通知供应商整改。",
    ),
    dict(
        type="quality", goods="dishwasher", channels=("chat", "web"), demand="repair",
        title="洗碗机洗不干净，杯子全是水渍",
        text="洗碗机洗完碗上还有油，玻璃杯上全是白色水渍，用的就是你们推荐的洗涤块。是不是机器有问题？"
        "买的时候说得那么好。",
        solution=("repair", "上门检测为软水器未按当地水质设置硬度档位，已调到 H4 并添加软水盐，指导客户使用。", None),
        summary="重新设置软水档位后洗涤效果正常，客户认可。",
    ),
    dict(
        type="quality", goods="fridge", channels=("phone",), demand="repair",
        title="冰箱门封条翘起，冷冻室结厚冰",
        text="冰箱门封条有一边翘起来了，门关不严，冷冻室结了厚厚一层冰，差不多一个礼拜就得除一次冰，太麻烦了。",
        solution=("repair", "上门更换冷冻室门封条并调整门体铰链。", None),
        summary="门封条已更换，门体密封良好。",
    ),
    dict(
        type="quality", goods="ac", channels=("phone",), demand="repair", level=2,
        title="空调制热吹凉风，家里有新生儿",
        text="这几天降温，空调开制热吹出来的是凉风，开了一个小时屋里还是 15 度。家里有刚出生的孩子，"
        "麻烦尽快安排人来看看，越快越好！",
        solution=("repair", "上门检测为四通阀线圈故障，当天更换，制热出风温度 45℃。另赠送一年延保。", None),
        summary="四通阀线圈已更换，制热正常；延保已登记。",
    ),
    dict(
        type="quality", goods="fryer", channels=("web", "chat"), demand="refund", amount="price",
        title="空气炸锅塑料味重",
        text="空气炸锅第一次用就有很重的塑料味，按说明书空烧了三次还是有，炸出来的鸡翅都有味道，不敢吃了。",
        solution=("refund", "七天无理由期内，为客户办理退货退款{price}元，上门取件。", None),
        summary="已退款，退回机器送质量部做气味评估。",
    ),
    dict(
        type="quality", goods="washer", channels=("phone",), demand="repair", urgent=True,
        title="洗衣机门锁打不开，报 E21",
        text="洗衣机洗完衣服门锁打不开，衣服在里面闷了两天了，屏幕一直显示 E21。客服说排队派单要等三天，等不了！"
        "再拖下去衣服都臭了。",
        solution=("repair", "加急派单，师傅上门更换门锁开关并清理排水泵滤网，衣服已取出。", None),
        summary="门锁开关已更换，排水正常。",
    ),
    dict(
        type="quality", goods="gas_heater", channels=("social", "phone"), demand="compensation",
        amount=(5000, 8000), flags=["safety", "media"], urgent=True, level=3,
        title="燃气热水器爆燃，家人手臂烫伤",
        text="昨天晚上洗澡的时候燃气热水器突然“嘭”的一声，面板都震裂了，我老公手臂被烫红了一大片，去医院处理了。"
        "已经拍了视频发到抖音上了，你们要是不给个说法，我就找电视台曝光！",
        solution=("compensation", "安全工程师与质量部上门勘查，确认为排烟管接口松脱导致回火；承担医药费及误工费"
                  "{comp}元，免费更换新机并由厂家师傅重新安装排烟管。", (3000, 6000)),
        summary="新机已安装并做燃气密封、排烟检测；赔付已到账，客户认可处理结果，视频已由客户自行删除。",
    ),
    dict(
        type="quality", goods="ac", channels=("phone", "letter"), demand="repair", kind="other",
        title="空调外机噪音扰邻",
        text="楼上住户装的你们家空调，外机装在我卧室窗户正上方，晚上嗡嗡响、还有滴水声，根本睡不着。"
        "跟楼上说了没用，只好找厂家。",
        solution=("repair", "上门检测外机噪音 58dB 属正常范围；加装减震垫、调整冷凝水管走向，噪音和滴水明显改善。", None),
        summary="减震垫已加装，冷凝水改走落水管。",
    ),
    dict(
        type="quality", goods="fridge", channels=("email", "web"), demand="exchange", amount="price",
        title="冰箱冷藏室结冰、蔬菜冻坏",
        text="{product}（{model}）冷藏室后壁一直结冰，放在里面的蔬菜水果全冻坏了，温度调到最高档也没用。"
        "才买了{days}天，申请换货。订单号 {order}。",
        solution=("exchange", "上门检测为冷藏室温度传感器漂移，按三包为客户换新。", None),
        summary="已换新机，新机运行两周温度正常。",
    ),
    dict(
        type="quality", goods="heater", channels=("phone", "web"), demand="repair",
        title="电热水器漏水",
        text="电热水器底部一直在滴水，下面放个盆一晚上能接半盆。安装才一年多，是不是内胆漏了？",
        solution=("repair", "上门检测为进水口生料带老化渗漏，非内胆问题；免费更换密封件并加装泄压阀排水管。", None),
        summary="已更换密封件，观察三天无渗漏。",
    ),
    dict(
        type="quality", goods="washer", channels=("store",), demand="exchange", amount="price",
        title="洗衣机外观有划痕和凹坑",
        text="在{store}买的洗衣机，送到家拆开发现侧面有一道很长的划痕，顶盖还有个小凹坑。店员说是展示机出库前没仔细检查。"
        "我买的是新机，不接受展示机。",
        solution=("exchange", "门店为客户更换全新机器，并赠送洗衣液一箱致歉。", None),
        summary="新机已送达，客户验机无问题。",
    ),
    # --- 产品质量 quality: franchisees ---------------------------------------------------------
    dict(
        type="quality", kind="franchisee", goods="fridge", channels=("phone", "email"), demand="improvement",
        flags=["batch"], level=3,
        title="同一批次冰箱多位顾客反映异响",
        text="我们店这两个月卖出去的{model}，已经有{n}个顾客回来反映夜里压缩机“咔咔”响，都是同一批货（批次 {batch}）。"
        "顾客天天来店里闹，门店压力很大，请总部尽快给个统一的处理方案。",
        solution=("process_change", "质量部确认该批次压缩机减震胶垫硬度超差：对已售{n}台免费上门更换胶垫，门店库存"
                  "和在途产品全部返工后再销售；供应商来料检验增加硬度抽检。", None),
        summary="已售机器全部完成胶垫更换，门店库存返工完毕；8D 报告已归档。",
    ),
    dict(
        type="quality", kind="franchisee", goods="fridge", channels=("phone", "web"), demand="exchange",
        title="展示样机门体色差",
        text="总部这次配的展示样机，拆箱就发现冰箱两扇门颜色不一样，一扇偏黄。这摆在店里让顾客怎么看？要求换货。",
        solution=("exchange", "换发同型号样机，色差门体退回工厂分析喷涂批次。", None),
        summary="样机已更换，门店确认。",
    ),
    dict(
        type="quality", kind="franchisee", goods="ac", channels=("phone",), demand="improvement", flags=["batch"],
        level=2,
        title="多台空调安装后报 E6 通讯故障",
        text="本周我们店装了{n}台{model}，有一半开机报 E6 通讯故障，安装师傅查了线路都没问题。顾客家里等着用，"
        "请总部技术马上支持。",
        solution=("repair", "技术部确认为该批次外机主板程序版本错误，派工程师到店为已安装机器刷写程序，库存机器同步升级。", None),
        summary="故障机器全部升级程序后运行正常。",
    ),
    # --- 产品质量 quality: the car makers -----------------------------------------------------
    dict(
        type="quality", kind="business:carmaker", goods="parts", part=0, channels=("phone", "email"),
        demand="compensation", amount=(20000, 80000), flags=["line_stop", "batch"], level=3,
        title="{part}尺寸超差导致总装线停线",
        text="贵司前天送来的这批{part}（零件号 {part_no}，批次 {batch}）尺寸超差，安装孔位偏了 1.5mm 左右，压缩机装不上，"
        "导致我们总装线停线两个小时。请立即安排人员到现场挑选，24 小时内提交初步整改报告，停线损失我方将按合同索赔。",
        solution=("compensation", "驻厂人员连夜对主机厂线边、我司库存品、在制品和在途品共{qty}件全部挑选，不良品退回返工；"
                  "根本原因为钻孔夹具定位销磨损，已更换并增加首件三坐标检测；8D 报告已提交；停线损失按协商赔付{comp}元。",
                  (15000, 50000)),
        summary="挑选、返工完成，后续三批来料检验合格；8D 报告经主机厂 SQE 认可关闭。",
    ),
    dict(
        type="quality", kind="business:ev_maker", goods="parts", part=1, channels=("email",), demand="improvement",
        flags=["batch"],
        title="电动压缩机批量异响",
        text="近一周我司售后反馈{qty}台车开空调时压缩机有异响，集中在批次 {batch}，已影响整车交付。请贵司派 SQE 到场分析，"
        "并提供该批次的出厂检测数据。",
        solution=("process_change", "拆解分析为涡旋盘装配间隙偏大；对该批次在库件全部复检，已装车件随保养召回更换；"
                  "装配工序增加间隙 100% 检测。", None),
        summary="召回更换完成，8D 报告 D8 已关闭。",
    ),
    dict(
        type="quality", kind="business:carmaker", goods="parts", part=2, channels=("email", "phone"), demand="refund",
        amount=(8000, 30000), flags=["batch"],
        title="冷凝器总成氦检泄漏",
        text="入厂检验发现{qty}件{part}氦检泄漏，泄漏点都在集流管焊缝处，已全部判退。要求退货并提供失效分析报告，"
        "同时说明在途产品如何处置。",
        solution=("refund", "不良件全部退回，货款冲红{comp}元；钎焊炉温曲线重新验证，在途产品到厂后由我方驻厂人员 100% 复检。",
                  (8000, 30000)),
        summary="失效分析报告已提交，后续批次氦检合格率 100%。",
    ),
    dict(
        type="quality", kind="business:carmaker", goods="parts", part=4, channels=("email",), demand="improvement",
        flags=["rohs_reach"], level=2,
        title="线束护套铅含量超标（RoHS）",
        text="第三方检测报告显示贵司提供的{part}护套材料铅含量 1200ppm，超过 RoHS 限值 1000ppm，该批次已全部冻结。"
        "请在三个工作日内提供材料声明、供应商检测报告及整改方案。",
        solution=("process_change", "更换护套材料供应商并重新送检，合格报告及全材料声明已提交；冻结批次全部报废重做。", None),
        summary="新材料检测合格，主机厂解冻后续批次。",
    ),
    dict(
        type="quality", kind="business:ev_maker", goods="parts", part=3, channels=("email", "phone"),
        demand="improvement",
        title="来料标签与实物不符",
        text="来料外箱标签上写的是{part_no}，里面装的却是另一个型号，差点上线装错。请加强出货检验，给出原因说明。",
        solution=("process_change", "包装工位增加扫码比对防错，出货检验增加开箱核对；错装箱已换回。", None),
        summary="防错措施已实施，后续来料未再发生。",
    ),
    dict(
        type="quality", kind="business:carmaker", goods="parts", part=0, channels=("phone", "email"),
        demand="improvement", level=3,
        title="支架毛刺问题本月第三次发生",
        text="同样的毛刺问题这个月已经是第三次了，上次 8D 报告里写的措施根本没落实到位。我方要求贵司质量部长亲自到现场说明，"
        "否则将启动供应商降级流程。",
        solution=("process_change", "质量部长到主机厂现场说明；去毛刺工序由人工改为自动化设备，出货前 100% 目检并留影像记录。",
                  None),
        summary="整改措施经主机厂现场审核通过，连续两个月无毛刺投诉。",
        repeat=True,
    ),
    dict(
        type="quality", kind="business:hotel", goods="ac", channels=("email", "phone"), demand="repair",
        title="酒店客房空调批量噪音",
        text="我们酒店去年装的{qty}台{model}，最近陆续有客人投诉夜间噪音大，已经影响入住评价。请安排工程师集中上门检修。",
        solution=("repair", "安排两名工程师驻店三天，逐台清洗并更换老化的风机轴承。", None),
        summary="已检修全部客房空调，酒店确认。",
    ),
    # --- 服务体验 service ---------------------------------------------------------------------
    dict(
        type="service", channels=("store", "phone"), demand="apology", level=2,
        title="门店店员态度恶劣",
        text="今天下午在{store}看洗衣机，问了店员几个问题，那个店员爱答不理，一直低头玩手机，最后还说“买不起就别问了”。"
        "门店店员态度恶劣，我要求店里公开道歉！",
        solution=("apology", "店长当面向客户道歉，涉事店员停岗培训并按门店制度处罚；赠送 200 元购物券。", None),
        summary="客户接受道歉，门店服务规范已重新培训。",
    ),
    dict(
        type="service", goods="ac", channels=("phone", "web"), demand="apology",
        title="安装师傅在家里抽烟、不清理现场",
        text="安装师傅在我家里抽烟，烟头还扔在阳台上，我说了他一句还不高兴。装完也没清理，地上全是打孔的灰，"
        "最后还是我自己拖的地。",
        solution=("apology", "网点负责人上门致歉并安排保洁清理，涉事安装师傅扣罚并重新培训服务规范。", None),
        summary="客户接受道歉。",
    ),
    dict(
        type="service", channels=("phone", "social"), demand="improvement",
        title="400 客服电话打不通",
        text="400 电话打了一上午，一直是“坐席忙，请稍后再拨”，等了二十多分钟终于接通，说了两句又被挂断了。"
        "你们客服就是这样服务的？",
        solution=("process_change", "核查为当日话务高峰排班不足，已增加高峰时段坐席并开通回拨功能；客服主管回电致歉。", None),
        summary="客户的维修需求已同步派单；话务排班已调整。",
    ),
    dict(
        type="service", channels=("chat", "web"), demand="improvement",
        title="在线客服转不了人工",
        text="在线客服全是机器人自动回复，转人工转了五次都转不过去，我的问题一个也没解决，浪费了半个小时。",
        solution=("process_change", "优化机器人转人工规则，连续两次“转人工”直接排队人工坐席；客服回电处理客户原问题。", None),
        summary="已回电解决客户问题。",
    ),
    dict(
        type="service", goods="ac", channels=("phone",), demand="compensation", amount=(100, 200),
        title="上门安装严重迟到且不提前通知",
        text="约好上午 9 点到 12 点上门安装，我专门请了半天假，结果师傅下午 4 点才到，也没提前打个电话说一声。"
        "我的误工谁负责？",
        solution=("compensation", "网点致歉，补偿误工费{comp}元，并将预约超时提醒纳入派工系统。", (100, 200)),
        summary="补偿已支付。",
    ),
    dict(
        type="service", channels=("phone",), demand="apology", repeat=True,
        title="维修师傅承诺回电，一周无人联系",
        text="上次上门的师傅说三天内给我回电话确认配件，到现在一个礼拜了，一个电话都没有。打过去就说在查，"
        "你们说话算不算数？",
        solution=("apology", "客服主管回电致歉，配件已到货，次日上门安装；网点回访时限纳入考核。", None),
        summary="配件已装好，客户确认。",
    ),
    dict(
        type="service", kind="franchisee", channels=("phone", "email"), demand="improvement", level=2,
        title="区域经理当众训斥店员，补贴迟迟不批",
        text="区域经理来店里巡检，当着顾客的面大声训斥我们店员，影响很不好。而且答应帮我们申请的展台补贴，"
        "两个月了也没下文，问了几次都说在走流程。",
        solution=("apology", "销售中心总监与加盟商面谈，区域经理书面致歉；展台补贴审批已完成，本月随货款结算。", None),
        summary="加盟商接受处理，补贴已结算。",
    ),
    dict(
        type="service", goods="ac", channels=("phone", "store"), demand="apology", level=2,
        title="买完空调就接到大量推销电话",
        text="我刚在你们店里买了空调，第二天就接到好几个装修公司和卖净水器的电话，对方连我家地址都知道。"
        "我的个人信息是不是你们泄露的？必须给我一个解释。",
        solution=("apology", "核查门店与安装网点的客户信息使用记录，确认网点一名外包人员私自外传，已终止合作并报警备案；"
                  "向客户书面致歉。", None),
        summary="已向客户说明调查结果，客户信息访问权限已收紧。",
    ),
    dict(
        type="service", goods="fridge", channels=("store", "phone"), demand="other",
        title="店员承诺的赠品没有兑现",
        text="买冰箱的时候店员说送一个电饭煲，还写在了收据背面，结果送货的时候没有，问店里说活动已经结束了。"
        "当时说好的事情怎么能不认？",
        solution=("gift", "门店补发电饭煲一台，店员口头承诺未登记的问题已整改。", None),
        summary="赠品已送达。",
    ),
    dict(
        type="service", goods="washer", channels=("phone",), demand="apology",
        title="维修师傅不穿鞋套进屋",
        text="上门的维修师傅没穿鞋套就进屋了，木地板上全是泥脚印。我让他套个鞋套，他说没带，还嫌我事多。",
        solution=("apology", "网点负责人致歉，补发服务工具包并抽查所有师傅上门规范。", None),
        summary="客户接受道歉。",
    ),
    dict(
        type="service", channels=("phone", "social"), demand="apology", urgent=True, level=2,
        title="客服说话难听，要求投诉到底",
        text="我打电话问个维修进度，那个客服一直打断我说话，还说“你听不懂吗”。我这辈子没受过这种气。"
        "再不处理我就打 12315 投诉！",
        solution=("apology", "调取通话录音确认客服用语不当，客服主管回电道歉，涉事坐席停岗复训。", None),
        summary="客户接受道歉，维修已完成。",
    ),
    dict(
        type="service", kind="franchisee", channels=("phone",), demand="improvement",
        title="总部培训临时取消未通知",
        text="总部通知我们周三去参加新品培训，店里专门调了班，两个店员开车一个多小时到了才说培训取消了，也没人提前通知。",
        solution=("process_change", "培训通知改为系统短信加确认回执，差旅费用按标准报销。", None),
        summary="费用已报销。",
    ),
    # --- 售后响应 after_sales -----------------------------------------------------------------
    dict(
        type="after_sales", goods="washer", channels=("phone",), demand="repair", urgent=True,
        title="报修五天无人上门，威胁 12315",
        text="上礼拜报修的洗衣机，说 48 小时内上门，到现在已经五天了，没人来也没人打电话。家里四口人的衣服都堆着。"
        "再不处理我就打 12315 投诉！",
        solution=("repair", "加急派单，当天上门更换排水泵；补偿 100 元洗衣费。", None),
        summary="已修复，客户确认。派单超时原因为网点漏单，已整改。",
    ),
    dict(
        type="after_sales", goods="fridge", channels=("phone", "store"), demand="exchange", amount="price", level=2,
        repeat=True,
        title="冰箱修了三次还不制冷，要求换新",
        text="这台冰箱已经修了三次了，第一次换温控器，第二次加氟，第三次说是主板，每次修完好不了几天又不制冷。"
        "要求直接换新机，不要再修了！",
        solution=("exchange", "按三包“修理两次仍不能正常使用可换货”的规定，为客户换新。", None),
        summary="新机已送达，客户确认。",
    ),
    dict(
        type="after_sales", goods="ac", channels=("phone", "web"), demand="repair", level=2,
        title="压缩机配件等了两周还没到",
        text="维修师傅说压缩机要换，配件要从总部调，让我等，这都等了两个礼拜了还没到。大热天没空调怎么过？",
        solution=("repair", "配件从华东仓加急调拨，次日上门更换；等待期间借用移动空调一台。", None),
        summary="压缩机已更换，制冷正常。",
    ),
    dict(
        type="after_sales", goods="ac", channels=("phone",), demand="refund", amount=(150, 200),
        title="保修期内维修被收费",
        text="空调还在保修期内，师傅上门说是电容坏了，收了我 180 块，还不给开单子。保修期内凭什么收费？",
        solution=("refund", "核实属保修范围，网点退还维修费{comp}元，违规收费师傅按规定处罚。", (180, 180)),
        summary="费用已退还。",
    ),
    dict(
        type="after_sales", goods="washer", channels=("phone", "email"), demand="repair", amount=(299, 299),
        title="延保系统里查不到",
        text="买的时候花 299 块买了三年延保，现在坏了，售后说系统里查不到延保记录，要我自费维修。延保卡我都还留着。",
        solution=("repair", "核对延保卡确认门店漏录，已补录延保，本次维修按延保免费。", None),
        summary="已免费维修，延保信息补录完成。",
    ),
    dict(
        type="after_sales", goods="hood", channels=("phone",), demand="refund", amount=(150, 150),
        title="上门检测就收 150 元",
        text="售后师傅上门看了一眼就说要换电路板，要我先付上门费 50、检测费 100，我都还没决定修不修，这收费合理吗？",
        solution=("refund", "保修期内不收取上门及检测费，退还{comp}元，已修复。", (150, 150)),
        summary="退费完成。",
    ),
    dict(
        type="after_sales", goods="fridge", channels=("phone", "web"), demand="exchange", level=2,
        title="同意换新三周仍未送到",
        text="厂家已经同意给我换新机了，说一周内送到，现在快三周了，每次打电话都说在走流程。冰箱里的东西只能放邻居家。",
        solution=("exchange", "换机单加急审批，物流部次日专车送达并安装。", None),
        summary="新机已送达。",
    ),
    dict(
        type="after_sales", goods="washer", channels=("phone",), demand="repair",
        title="修完后门封圈漏水，师傅说与他无关",
        text="修完之后洗衣机倒是能转了，但是门封圈那里开始漏水，师傅说跟他没关系，是机器老化。修之前明明不漏！",
        solution=("repair", "网点二次上门更换门封圈，不收费用。", None),
        summary="漏水已解决。",
    ),
    dict(
        type="after_sales", goods="ac", channels=("api",), demand="repair", untyped=True, store="京东自营旗舰店",
        title="电商售后工单：安装后开机 E1",
        text="京东售后工单转入（订单 {order}）：顾客反映{product}安装后开机显示 E1 故障，不制冷，要求厂家尽快上门。",
        solution=("repair", "上门检测为内外机连接线接错，重新接线后运行正常。", None),
        summary="已修复，平台工单已回写。",
    ),
    dict(
        type="after_sales", goods="dishwasher", channels=("api",), demand="repair", untyped=True, store="天猫官方旗舰店",
        title="电商售后工单：洗碗机不排水",
        text="天猫售后工单转入（订单 {order}）：买家称洗碗机洗完后底部积水不排，已自行清理过滤网无效，要求上门维修。",
        solution=("repair", "上门清理排水管弯折处异物，试机排水正常。", None),
        summary="已修复。",
    ),
    dict(
        type="after_sales", kind="franchisee", goods="washer", channels=("phone", "email"), demand="improvement",
        title="门店报的售后配件一个月未发货",
        text="我们店上个月报的售后配件（{model}的主板 3 块、门封条 5 条）到现在还没发货，顾客的机器压在店里修不好，"
        "天天来催。总部到底什么时候发？",
        solution=("process_change", "配件当天发出并提供物流单号；加盟商配件申请纳入系统跟踪，超过 7 天自动预警。", None),
        summary="配件已签收，顾客机器已修复。",
    ),
    dict(
        type="after_sales", kind="business:carmaker", goods="parts", part=1, channels=("email",), demand="compensation",
        amount=(12000, 40000),
        title="质量索赔单逾期未确认",
        text="上个月提交的质量索赔单（{order}），贵司至今未确认。按双方质量协议应在 10 个工作日内回复，请尽快处理。",
        solution=("compensation", "质量部与财务部核对索赔明细后确认{comp}元，从下期货款中扣除。", (10000, 35000)),
        summary="索赔已确认并结算。",
    ),
    dict(
        type="after_sales", goods="heater", channels=("web",), demand="repair",
        title="官网报修提交后没有任何回复",
        text="在官网报修了热水器不加热，提交成功后没有任何短信和电话，查询页面一直显示“待受理”。",
        solution=("repair", "派单上门更换加热管，并排查官网报修单同步故障。", None),
        summary="已修复，官网报修同步问题已修复。",
    ),
    dict(
        type="after_sales", goods="gas_heater", channels=("phone",), demand="repair", level=2,
        title="热水器忽冷忽热，修了两次没好",
        text="燃气热水器洗着洗着就变凉水，修了两次，换了水流传感器还是一样。冬天洗澡太遭罪了，这次再修不好我要求退货。",
        solution=("repair", "技术主管上门，确认为比例阀故障，更换后连续测试 30 分钟水温稳定。", None),
        summary="故障已排除。",
    ),
    dict(
        type="after_sales", goods="cooker", channels=("chat", "email"), demand="exchange",
        title="电饭煲保修换新要求自付邮费",
        text="电饭煲保修期内坏了，售后让我自己寄回去检测，来回邮费还要我自己出，东西才四百多，邮费都快五十了。",
        solution=("exchange", "改为上门取件，免邮费，直接换新。", None),
        summary="新机已寄出并签收。",
    ),
    # --- 订单/交付 delivery -------------------------------------------------------------------
    dict(
        type="delivery", goods="fridge", channels=("phone", "chat"), demand="compensation", amount=(50, 100),
        title="约好周六送货，晚上才说改周一",
        text="订单 {order}，说好周六送货，我在家等了一整天，晚上 8 点打电话问才说车坏了，改到周一。我周一要上班啊！",
        solution=("compensation", "改约客户方便的周日上午专车配送，补偿{comp}元。", (50, 100)),
        summary="已送达安装。",
    ),
    dict(
        type="delivery", goods="fridge", channels=("phone", "web"), demand="exchange", amount="price",
        title="冰箱送到时侧板凹陷",
        text="冰箱送到的时候外箱就是破的，拆开一看侧板凹进去一大块。送货师傅让我先签收，说有问题找售后，现在售后又说签收了就不管。",
        solution=("exchange", "承运商运输破损，免费换新，费用由承运商承担。", None),
        summary="新机已送达，客户验收无损。",
    ),
    dict(
        type="delivery", goods="washer", channels=("phone",), demand="refund", amount=(100, 100),
        title="送货只到楼下，上楼加收 100 元",
        text="送货的说只送到楼下，要搬上 6 楼得另外加 100 块钱，买的时候可没说过这个，没办法只能给了。",
        solution=("refund", "送货上楼属服务承诺范围，退还{comp}元，配送商按协议处罚。", (100, 100)),
        summary="费用已退还。",
    ),
    dict(
        type="delivery", goods="ac", channels=("phone", "store"), demand="exchange",
        title="送错空调型号",
        text="我订的是{model}，送来的是另一个型号，颜色都不一样，师傅都装好了我才发现。现在怎么办？",
        solution=("exchange", "上门拆回错发机器，换装正确型号，安装费全免。", None),
        summary="已换装正确型号。",
    ),
    dict(
        type="delivery", goods="dishwasher", channels=("chat", "web"), demand="other",
        title="下单十天物流信息不更新",
        text="网上下单十天了，物流信息一直停在“已发货”，问客服也说不清货在哪儿，只说让我再等等。",
        solution=("other", "核查为中转仓漏扫，货物已找到并加急派送，预计两天内送达。", None),
        summary="已签收。",
    ),
    dict(
        type="delivery", kind="business:carmaker", goods="parts", part=3, channels=("phone",), demand="improvement",
        flags=["line_stop"], level=3,
        title="到货晚 4 小时造成二线停线半个班",
        text="贵司承诺昨天下午 2 点到货的{qty}件{part}，晚上 6 点才到，我们二线停了半个班。这已经不是第一次了，"
        "请立即回复原因和防止再发的措施。",
        solution=("process_change", "物流部增加主机厂专线车辆并建立 2 天安全库存；原因为承运商临时换车未报备，已追责。", None),
        summary="安全库存已建立，近一个月准时到货率 100%。",
    ),
    dict(
        type="delivery", kind="business:ev_maker", goods="parts", part=5, channels=("email",), demand="improvement",
        title="要求确认到货时间，否则将停线",
        text="贵司承诺的{qty}件{part}至今未到，我方库存只够明天上午生产。如再不到货将造成停线，请立即回复确切到货时间。",
        solution=("other", "安排专车当晚发出，次日早 7 点前送达线边；后续按周滚动确认交付计划。", None),
        summary="货物已按时送达，未造成停线。",
    ),
    dict(
        type="delivery", kind="franchisee", goods="fridge", channels=("phone", "email"), demand="other",
        title="总部发货数量少 3 台",
        text="这次总部发来的货，单子上写的冰箱 20 台，实际只到了 17 台，物流说装车就这么多。少的 3 台我们已经收了顾客定金，"
        "下周就要送货。",
        solution=("other", "仓库核查为分拣漏装，补发 3 台专车送达。", None),
        summary="补发已签收。",
    ),
    dict(
        type="delivery", kind="franchisee", channels=("phone",), demand="improvement", level=2,
        title="备货单半个月未到齐，影响门店活动",
        text="半个月前下的备货单到现在还没到齐，马上就要做店庆活动了，店里没货卖。每次问都说仓库在排，总部能不能重视一下我们小店？",
        solution=("process_change", "物流部调整华东仓发货优先级，加盟商备货单纳入周计划。", None),
        summary="剩余货物已到店。",
    ),
    dict(
        type="delivery", goods="cooker", channels=("web", "chat"), demand="exchange",
        title="快递把电饭煲直接扔门口",
        text="快递员送电饭煲直接扔在门口，也不打电话，箱子都摔瘪了，内胆也磕掉了一块漆。",
        solution=("exchange", "为客户换新，向快递公司索赔并更换配送服务商。", None),
        summary="新机已签收。",
    ),
    dict(
        type="delivery", goods="ac", channels=("phone",), demand="other",
        title="空调送到三天没人安装",
        text="空调送到三天了，一直没人来装，打电话说安装师傅排不过来。天这么热，机器放在客厅看得见用不上。",
        solution=("other", "协调邻近网点次日上午上门安装。", None),
        summary="已安装。",
    ),
    dict(
        type="delivery", kind="business:developer", goods="hood", channels=("email", "phone"), demand="compensation",
        amount=(20000, 50000), level=2,
        title="精装项目油烟机交付延期",
        text="我司翠湖苑项目采购的{qty}台{model}，合同约定本月 10 日前到场，现在延期一周仍未到货，已影响交房进度。"
        "请贵司书面说明原因，延期违约金按合同执行。",
        solution=("compensation", "分三批专车送达工地，按合同支付延期违约金{comp}元。", (10000, 30000)),
        summary="全部到货并验收，违约金已结算。",
    ),
    # --- 费用/价格 price ----------------------------------------------------------------------
    dict(
        type="price", goods="ac", channels=("phone", "store"), demand="refund", amount=(500, 800),
        title="买后一周降价，价保申请无人处理",
        text="上周在{store}花{price}元买的{product}，今天看到天猫旗舰店同款便宜了 600 块。店里说有 15 天价保，"
        "我申请了三天还没人处理。",
        solution=("refund", "核实在价保期内，退还差价{comp}元。", (500, 700)),
        summary="差价已退还。",
    ),
    dict(
        type="price", goods="ac", channels=("phone",), demand="refund", amount=(400, 500),
        title="空调安装辅材收费不透明",
        text="空调安装，师傅说要加铜管，一米收 80，加了 3 米，还收了支架费 150、打孔费 50。这收费标准哪里能查到？感觉被坑了。",
        solution=("refund", "按公示价目表核算，铜管应为每米 60 元、室内打孔免费，退还多收的{comp}元。", (110, 110)),
        summary="多收费用已退还，安装网点收费公示已整改。",
    ),
    dict(
        type="price", goods="washer", channels=("phone", "email"), demand="refund", amount="price",
        title="官方商城重复扣款",
        text="在你们官方商城付款的时候提示失败，我又付了一次，结果银行卡扣了两次钱，{price}元，到现在一个礼拜了还没退回来。",
        solution=("refund", "财务核实重复支付，原路退回{price}元。", None),
        summary="退款已到账。",
    ),
    dict(
        type="price", goods="ac", channels=("phone", "email"), demand="other",
        title="发票一个月开不出来",
        text="买空调一个月了，发票一直开不出来，公司报销等着用。问了三次，每次都说下周。",
        solution=("other", "财务部当天开具电子发票并发送至客户邮箱。", None),
        summary="发票已开具。",
    ),
    dict(
        type="price", goods="fridge", channels=("phone", "web"), demand="refund", amount=(300, 300),
        title="以旧换新补贴未到账",
        text="参加以旧换新活动，说好补贴 300 元，旧冰箱已经拉走了，补贴到现在都没到账。",
        solution=("refund", "补贴已补发{comp}元。", (300, 300)),
        summary="补贴已到账。",
    ),
    dict(
        type="price", kind="franchisee", channels=("phone", "email"), demand="other", amount=(20000, 60000),
        level=2,
        title="上季度销售返利逾期未到账",
        text="上季度的销售返利按政策应该在季度结束后 30 天内到账，现在快两个月了还没到，财务说在走审批。"
        "我们小店资金压力很大，请给个明确时间。",
        solution=("other", "返利审批已完成，{comp}元本周内打款；返利审批时限纳入财务部考核。", (20000, 60000)),
        summary="返利已到账。",
    ),
    dict(
        type="price", kind="franchisee", goods="fridge", channels=("phone",), demand="compensation",
        amount=(3000, 9000), level=2,
        title="总部调价未提前通知，要求补差",
        text="总部这次调价没有提前通知，我们刚按老价格进了一批{product}，结果零售价降了，每台亏 300 多。要求补差价。",
        solution=("compensation", "按调价政策对调价前 15 天内进货的库存给予价差补偿{comp}元。", (3000, 8000)),
        summary="补差已结算。",
    ),
    dict(
        type="price", kind="business:carmaker", goods="parts", part=2, channels=("email",), demand="other",
        title="开票数量与入库数量不符",
        text="贵司本月开票与我方入库数量不符，多开了{qty}件的货款，请核对后重开发票。",
        solution=("other", "核对为发货单重复开票，已红冲并重开发票。", None),
        summary="发票已重开。",
    ),
    dict(
        type="price", goods="washer", channels=("phone",), demand="refund", amount=(300, 300),
        title="换个排水泵收费 380 元",
        text="修个洗衣机换了个排水泵收了 380，网上同款配件才 80 块，收费也不给明细。",
        solution=("refund", "按配件价目表排水泵 120 元加工时费 60 元，退还多收的{comp}元并补开明细。", (200, 200)),
        summary="多收费用已退还。",
    ),
    dict(
        type="price", channels=("chat", "web"), demand="other",
        title="满减券下单时不能用",
        text="领了满 3000 减 300 的券，下单时显示不可用，客服说活动规则有限制，但页面上根本没写。这不是虚假宣传吗？",
        solution=("discount", "补发等额优惠券并完善活动页说明。", None),
        summary="客户已用券下单。",
    ),
    dict(
        type="price", goods="fridge", channels=("phone",), demand="refund", amount=(199, 399),
        title="被迫购买延保，要求退",
        text="送货师傅推销延保，说不买以后坏了修不了，我被迫买了，现在想退，售后说延保一经售出不退。",
        solution=("refund", "送货人员存在误导销售，全额退还延保费{comp}元。", (199, 399)),
        summary="延保费已退还。",
    ),
    # --- 其他 other ---------------------------------------------------------------------------
    dict(
        type="other", channels=("phone", "social"), demand="improvement",
        title="促销短信太多，退订无效",
        text="每天都收到你们的促销短信，回复 TD 也没用，一天好几条，严重骚扰，再这样我就去工信部投诉。",
        solution=("process_change", "已将客户号码加入营销黑名单，并修复短信退订同步问题。", None),
        summary="客户确认不再收到。",
    ),
    dict(
        type="other", goods="ac", channels=("web", "email"), demand="improvement",
        title="说明书字太小，遥控器全是英文",
        text="建议你们的说明书字印大一点，老人根本看不清。还有遥控器上的按键全是英文，我爸妈不会用，能不能出个中文遥控器？",
        solution=("process_change", "寄送大字版说明书和中文按键贴；建议已转产品部评估。", None),
        summary="客户感谢。",
    ),
    dict(
        type="other", kind="other", goods="ac", channels=("phone", "letter"), demand="improvement", level=2,
        title="安装师傅高空作业未系安全绳",
        text="你们安装师傅在我们小区给业主装空调外机，没有按物业要求系安全绳，还在外墙上乱打孔，已经被我们叫停了。"
        "请贵司规范施工，否则不再允许进入小区作业。",
        solution=("process_change", "安装网点停工整顿，高空作业人员全部复核特种作业证并配发安全带；外墙孔洞已修补。", None),
        summary="物业确认整改到位。",
    ),
    dict(
        type="other", kind="other", channels=("phone",), demand="improvement",
        title="门店早上大喇叭促销扰民",
        text="你们楼下门店每天早上 8 点不到就放大喇叭促销，一大早吵得人睡不着，跟店员说了也不管。",
        solution=("process_change", "门店停止使用户外音响，总部下发门店促销规范。", None),
        summary="已整改。",
    ),
    dict(
        type="other", goods="fridge", channels=("social",), demand="other", flags=["media"], level=3, urgent=True,
        title="微博吐槽售后，转发量上千",
        text="#示例家电# 买了你家冰箱，坏了报修一周没人管，客服就会说“已为您加急”。这种售后谁还敢买？"
        "（该微博已被转发 1000 余次）",
        solution=("repair", "舆情专员私信联系博主，当天上门修复并致歉；博主更新微博说明已解决。", None),
        summary="已修复，舆情平息。",
    ),
    dict(
        type="other", goods="fridge", channels=("regulator",), demand="exchange", flags=["regulator"], level=3,
        title="12315 转办：冰箱故障商家拒绝退换",
        text="12315 平台转办：消费者称于{store}购买{product}（{model}），使用{days}天后出现不制冷故障，商家拒绝退换。"
        "请企业在 7 个工作日内与消费者协商处理，并将结果反馈至平台。",
        solution=("exchange", "按三包规定为消费者换新，处理结果已在 12315 平台反馈。", None),
        summary="消费者满意，平台已办结。",
    ),
    dict(
        type="other", goods="washer", channels=("regulator",), demand="refund", flags=["regulator"], level=3,
        amount="price",
        title="12345 热线转办：洗衣机退货纠纷",
        text="12345 市民热线转办：市民反映在{store}购买的洗衣机送货时发现外观破损，要求退货被拒，请商家核实处理并回复。",
        solution=("refund", "门店办理退货退款{price}元，处理结果已回复热线。", None),
        summary="已退款，热线办结。",
    ),
    dict(
        type="other", kind="other", goods="ac", channels=("email", "letter"), demand="other",
        title="学校采购空调售后对接人不明确",
        text="我校去年采购的{qty}台空调，今年陆续有故障，打 400 每次都要重新报一遍学校地址和合同号。"
        "希望贵司指定一名专门的售后对接人。",
        solution=("process_change", "为学校建立大客户档案并指定专属服务经理。", None),
        summary="已指定对接人。",
    ),
    # --- judged not justified (不成立) ---------------------------------------------------------
    dict(
        type="other", channels=("phone",), demand="compensation", untyped=True,
        title="外卖汤洒了一半",
        text="外卖送到时汤洒了一半，袋子里全是汤，骑手还催我给好评。你们必须赔偿！",
        reject=("客户反映的是外卖平台订单，与本公司产品和服务无关，系拨错电话。",
                "您好，经核实，您反映的是外卖平台的订单，并非本公司的产品或服务。建议您通过外卖平台的订单页面或客服申请售后。"
                "给您带来不便，敬请谅解。"),
    ),
    dict(
        type="after_sales", goods="ac", channels=("phone", "web"), demand="repair",
        title="网店买的空调不给保修",
        text="在网上一个小店买的{product}，现在坏了，你们售后说不给保修，凭什么？都是你们的牌子。",
        reject=("机身条码查询为非授权渠道销售的海外版机器，不在国内联保范围。",
                "您好，经查询，您机器的条码对应的是海外市场版本，未通过国内授权渠道销售，无法享受国内联保服务。"
                "我们可以为您提供付费维修并免收上门费，如需要请回电 400-123-4567。感谢您的理解。"),
    ),
    dict(
        type="quality", goods="washer", channels=("phone", "store"), demand="exchange",
        title="洗衣机门玻璃碎了要求免费换",
        text="洗衣机的门玻璃突然碎了，幸好没伤到人，要求免费换一台新的。",
        reject=("上门检测玻璃呈放射状碎裂、有明显撞击点，系外力撞击所致，不属于产品质量问题。",
                "您好，经师傅上门检测并拍照确认，门玻璃的破损由外力撞击造成，不属于保修范围。"
                "我们可以按成本价为您更换门玻璃组件，并承担上门费用。感谢您的理解与支持。"),
    ),
    dict(
        type="price", goods="fridge", channels=("phone", "chat"), demand="refund", amount=(500, 1000),
        title="买了一个多月降价要求退差价",
        text="一个多月前买的{product}，现在便宜了 800 块，要求退差价，不然我就退货。",
        reject=("购买日期距今已超过 15 天价保期，且已超出 7 天无理由退货期。",
                "您好，您的订单已超出 15 天价保期限，按活动规则无法退还差价。为表歉意，我们为您准备了一张 100 元"
                "购物券，可用于本店任意商品。感谢您对我们的支持。"),
    ),
    dict(
        type="quality", goods="fridge", channels=("phone",), demand="repair", untyped=True,
        title="冰箱不是本公司品牌",
        text="我家冰箱冷冻室不冻了，你们赶紧派人来修。",
        reject=("客户家中冰箱为其他品牌产品，非本公司产品。",
                "您好，经核对您提供的铭牌照片，您家的冰箱是其他品牌的产品，我们无法为您提供维修服务。"
                "建议您联系该品牌的售后热线。祝您生活愉快。"),
    ),
    dict(
        type="after_sales", goods="heater", channels=("phone",), demand="repair",
        title="用了七年的热水器要求免费修",
        text="家里的热水器用了七年了，现在不加热，要求免费维修，你们的质量也太差了。",
        reject=("已超出整机保修期（3 年）及主要部件保修期（6 年）。",
                "您好，您的热水器已使用约七年，超出了整机和主要部件的保修期。我们可以为您提供付费维修，"
                "并免收上门检测费。如需安排，请回复或致电 400-123-4567。"),
    ),
    dict(
        type="service", channels=("phone", "chat"), demand="apology",
        title="重复投诉：同一问题已在处理",
        text="我上周投诉的事怎么还没人管？我要再投诉一次！",
        repeat=True,
        reject=("与客户上周的投诉为同一事项，原投诉单正在处理中，不重复立案。",
                "您好，您反映的问题已在原投诉单中处理，处理人会在明天中午前与您联系并告知进展。"
                "给您带来的等待我们深表歉意。"),
    ),
    dict(
        type="delivery", goods="washer", channels=("phone",), demand="compensation",
        title="自己改约后要求赔偿等待时间",
        text="送货的昨天没来，我在家白等了一天，要求赔偿误工费。",
        reject=("系统记录显示客户前天已来电改约到今天送货，配送按改约时间执行。",
                "您好，经核查，您于前天来电将送货时间改约为今天，配送人员已按约定时间安排。"
                "可能是沟通中有误会，给您带来困扰我们很抱歉，今天的配送会在上午 11 点前送达。"),
    ),
    dict(
        type="quality", kind="business:carmaker", goods="parts", part=5, channels=("email",), demand="compensation",
        amount=(5000, 12000),
        title="膨胀阀失效索赔（非我司批次）",
        text="我方售后反馈{qty}件{part}失效，要求贵司承担索赔。",
        reject=("失效件批次追溯为其他供应商产品，非我司供货。",
                "王工您好，经核对贵司提供的失效件铭牌及追溯码，该批膨胀阀并非我司供货，相关数据和照片已附上。"
                "如有疑问，我司质量部随时配合现场核对。"),
    ),
]
# fmt: on

# ---------------------------------------------------------------------------------------------
# What people write while handling

# First contact, by how the complaint came in.
ACK_NOTES = {
    "phone": [
        "已电话联系客户，说明处理流程，承诺 24 小时内给出初步答复。",
        "客户情绪较激动，已安抚并记录诉求。",
        "已回电客户确认问题细节和上门地址。",
        "",
    ],
    "email": ["已回复邮件确认收到投诉，并告知投诉单号。", "已邮件回复并电话联系客户确认诉求。"],
    "online": ["已在线回复客户，留了回访电话。", "已短信告知客户投诉单号和预计处理时间。", ""],
}
ACK_BY_CHANNEL = {"email": "email", "web": "online", "chat": "online", "social": "online", "api": "online"}
TRIAGE_REASONS = ["电话核实后确认分类和等级。", "根据客户描述及照片确认。", "与客户核实订单信息后确认。"]
WRONG_TYPE_REASON = "与客户核实后，实际诉求与原分类不符，改正分类。"

INVESTIGATION_NOTES = {
    "QA": [
        "已调取该批次出厂检验记录，未见异常，待样品寄回后拆机分析。",
        "已通知生产部检查在制品和成品库存，暂停该批次发货。",
        "客户寄回的样品已收到，安排实验室复测。",
        "SQE 已到客户现场确认不良现象，拍照取证。",
    ],
    "PROD": [
        "已隔离库存品、在制品及在途品，组织 100% 全检。",
        "分厂已完成原因分析初稿，待质量部确认。",
        "临时措施：增加首件检验和巡检频次。",
    ],
    "LOG": [
        "已与承运商核实，车辆在途延误，预计明天送达。",
        "已调取仓库出库扫描记录核对数量。",
        "已联系配送网点负责人了解情况。",
    ],
    "FIN": [
        "已向支付渠道查询交易流水。",
        "已提交退款审批，待财务经理签字。",
        "已核对合同及价格政策。",
    ],
    "CS": [
        "已联系售后网点安排师傅明天上午上门检测。",
        "已调取通话录音核实。",
        "已与门店店长沟通，了解当时情况。",
        "客户要求下午三点后联系。",
    ],
    "SALES": ["已与客户采购部电话沟通，说明处理进度。", "已安排区域经理到店了解情况。"],
}
CUSTOMER_MESSAGES = [
    "已短信告知客户目前处理进度。",
    "已电话向客户说明原因分析进展，客户表示可以等待。",
    "已邮件向客户发送阶段性回复。",
]
# What a collaborating department reports when its task is done (or under way).
TASK_NOTES = {
    "PROD": [
        "已完成库存品、在制品和在途品排查，未发现同类问题。",
        "分厂已提交原因分析和临时措施。",
        "已对相关工序增加巡检。",
    ],
    "SALES": ["已与客户沟通处理方案并取得同意。", "已通知区域门店配合处理。", "已向客户采购部书面说明。"],
    "QA": ["质量部已复核检测结果，确认原因。", "已验证整改措施有效。"],
}
TASK_NOTES_DEFAULT = ["已完成配合工作。"]
TASK_UNDER_WAY = ["正在排查，明天反馈结果。", "已安排人员跟进。"]
PAUSE_REASONS = [
    "等待客户寄回故障样品。",
    "客户出差，约定下周一上门。",
    "等待主机厂提供不良品照片及数量。",
    "等待客户提供购买凭证。",
]
RESUME_REASONS = ["样品已收到。", "客户已回来，可以上门。", "资料已收齐。"]
ESCALATE_REASONS = [
    "客户情绪激动，多次来电，升级主管处理。",
    "涉及多位客户，可能为批量问题，升级处理。",
    "超出一级受理人权限，申请升级。",
]
ACCEPT_COMMENTS = ["可以，尽快安排。", "行吧，希望这次别再出问题。", "同意，麻烦上门前先打电话。", "没问题。", ""]
DECLINE_COMMENTS = [
    "只维修不行，我要求直接换新机。",
    "补偿太少了，不能接受。",
    "原因分析不充分，要求重新提交整改方案。",
]
SATISFACTION_COMMENTS = {
    1: ["处理很及时，师傅很专业，非常满意。", "谢谢你们，服务很好。"],
    2: ["总体满意，就是等得有点久。", "问题解决了，满意。"],
    3: ["能理解，希望以后改进。", "还行吧。"],
    4: ["问题是解决了，但前后拖了两周，不满意。", "处理态度一般，不满意。"],
    5: ["根本没解决，敷衍了事！", "非常不满意，要找你们领导。"],
}
NO_RATING_REASONS = ["客户三次回访电话均未接听，已短信告知处理结果。", "客户表示不需要回访。"]
REVIEW_SEND_BACK = ["回访记录不完整，请补充客户确认后再关闭。", "整改措施未验证，请验证后再关闭。"]
REOPEN_REASONS = [
    "客户来电称同样问题再次出现。",
    "客户补充提供了购买凭证，需要重新处理。",
    "客户对处理结果有异议，要求重新处理。",
]
REASSIGN_REASONS = ["客户不满意，重新派单处理。", "第二轮处理，改由其他处理人跟进。"]
