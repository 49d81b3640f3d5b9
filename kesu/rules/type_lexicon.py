"""Term lists for the complaint-type suggester (R-CLS-1, R-CLS-4) — plain data, read by `kesu.rules.types`.

Patterns are matched against normalised text, exactly like the risk terms in `kesu.rules.lexicon` (traditional
folded to simplified, full-width to ASCII, ASCII lower-cased).
"""

from kesu.rules import lexicon

# ---------------------------------------------------------------------------------------------------------------
# Complaint types (R-CLS-1), for suggest_type
# ---------------------------------------------------------------------------------------------------------------

# Each type has strong terms (weight 2) and weak terms (weight 1), each distinct word counted once; a type needs a
# total of at least TYPE_MIN_SCORE to be suggested. Demands (要求退款, 要求赔偿) say what the customer wants, not what
# went wrong, so they are weak. The highest total wins; ties go to the earlier type in TYPE_ORDER.
TYPE_ORDER = ("quality", "after_sales", "price", "delivery", "service")
TYPE_MIN_SCORE = 2

# Everyday products named without a product suffix (空调, 沙发, 衣服), weak evidence of a quality problem.
PRODUCT_WORDS = (
    r"(?:空调|冰箱|电视|手机|电脑|平板|沙发|衣服|连体衣|内衣|睡衣|毛衣|羽绒服|拉链|充电线|数据线|蓝牙|车机|暖气片?|奶瓶|"
    r"把手|耳钉|耳环|项链|戒指|裤子|裙子|外套|鞋子?|床垫|床板|椅子|桌子|柜子|柜门|插座|插头|玩具|积木|面霜|"
    r"奶粉|零件|螺丝|轮胎|电池|(?<![红绿路])灯|窗帘|地板|瓷砖|马桶|水龙头|花洒|家具|床|被子|枕头|包包|手表|耳机|眼镜|首饰|口红)"
)

# Food and drink, weak evidence of a quality problem; meals and orders (外卖, 套餐, 点餐) say nothing about quality.
TYPE_FOOD = r"(?!外卖|套餐|用餐|点餐|餐品|餐食|早餐|午餐|晚餐|快餐)" + lexicon.FOOD_NOUNS

TYPE_TERMS: dict[str, tuple[str, str]] = {
    # A product or food fault. Spoilage, foreign bodies, fire and the like are added from the risks found.
    "quality": (
        r"质量|品质|故障|坏掉|用不了|不工作|不制冷|不制热|不加热|不出水|漏油|异响|噪音|声音大|开不了机|黑屏|死机|卡顿|失灵|"
        r"瑕疵|做工|掉色|褪色|起球|开线|脱胶|开胶|变形|次品|假货|假的|劣质|不合格|缺陷|色差|尺寸不对|超差|与描述不符|货不对板|"
        r"跟图片|缩水|顿挫|虚接|掉渣|干涉|结霜|不平|没电|充不进电|不充电|耗电|续航|关不严|关不上|拧不紧|没拧紧|合格率|良率|"
        r"不良率|失效|卡滞|渗漏|扭矩|超标|游隙|缩痕|以次充好|假冒|翻新|事故车|泡水车|调表|口味|味道|分量|太咸|材质|性能|"
        r"质检|不良品|效果(?:差|不好|一般|太差|很差|不明显)|没(?:什么|啥)?效果|太(?:辣|甜|淡|油|腻|硬|酸|苦)|难吃|不好吃|口感|配方|"
        r"线头|毛刺|短路|断路|尺寸|(?<![a-z])ng(?![a-z])|样件|不放行|围堵|全检|挑选|返工|外观|贴歪|贴反|晃来晃去|晃动|松动|"
        r"摇晃|很难(?:拧|打|拆|装|扣|拉)|不好用|难用|一直响|乱响|误报|来料(?:有问题|不良|质量)|二手|虚假宣传|与宣传不符|连不上|"
        r"不顺滑|费劲|不好使|不灵敏|不够热|不怎么热|不热(?!情)|看不清|印得不清|不够用|太短|有点松|松了(?!一?口气)|升级以后|起球",
        r"坏了|不能用|漏水|漏了|检测|8d|索赔|不良|说明书|用了(?:你们|这|两|三|几|一|没)",
    ),
    # Repairs, installation, spare parts, warranty.
    "after_sales": (
        r"维修|修理|修好|修不好|没修好|修完|修了|保修|报修|返修|售后|配件|备件|上门|安装|三包|返厂|换新|换一台|来修|维修人员|"
        r"师傅|派(?:个)?人(?:来|过来|上门)?|紧一下|换完|更换后|(?<!包)装完|进厂|检修|安装工",
        r"保养|4s店|服务站|维修点|换货|检测报告",
    ),
    # Prices, fees, charges, promotions.
    "price": (
        r"价格|价钱|差价|多收|乱收|多扣|扣款|扣费|乱收费|收费|费用|优惠|促销|活动|折扣|满减|降价|涨价|价保|保价|标价|吊牌价|价签|"
        r"结账|账单|物业费|停车费|运费|违约金|押金|会员费|自动续费|年费|优惠券|积分|赠品|赠送|太贵|多付|电费|水费|"
        r"收了.{0,6}(?:钱|块|元)|包邮|打孔费|公共收益|年卡|找零|发票|服务费|退费|多刷|扣了|补贴|加盟费|学费|充值|"
        r"会员卡|健身卡|储值卡|余额|退不回|[\u4e00-\u9fff]?(?![消花浪经])[\u4e00-\u9fff]费(?![心劲力解时尽])|办的?卡|办了?卡|卡里|储值|"
        r"钱(?:也|都|还)?不退|明码标价|到账|refund|贵了|话费",
        r"退钱|钱|不值这个价|免费|多少钱",
    ),
    # Orders, logistics, couriers, lead times.
    "delivery": (
        r"快递|物流|配送|送货|派送|派件|发货|到货|收货|签收|包裹|快递员|骑手|外卖员|送餐|送达|配送员|送餐员|快递小哥|外卖小哥|丢件|少发|漏发|错发|发错|送错|"
        r"延误|延迟|迟迟不到|没收到|未收到|交期|交货|缺料|短缺|缺货|断货|补货|补发|运输|驿站|冒领|送了.{0,4}小时|"
        r"送晚|晚了.{0,4}(?:小时|天)|晚到|配货|铺货|来料(?:不及时|延迟|短缺|不足|晚|没到)|"
        r"包装(?:破|烂|坏|损|漏|压|都是拆|被拆)|少送|漏送|送得(?:太|有点|很|特别)?慢|送到的时候|送来的时候|送到时|破损|"
        r"什么时候(?:能|可以|才)?(?:送|发|到)|七天无理由|无理由退|不给退|不能退|拒绝退|发过来|寄过来|型号不对|少了一件|"
        r"交付|延期|迟迟未到|还在路上|物料(?:迟迟|未到|没到|短缺|不足)",
        r"订单|下单|退货|退款|换货|规格不对|收到的?|到手|到店|箱子|纸箱|快递盒",
    ),
    # Staff behaviour and responsiveness.
    "service": (
        r"态度|骂人|辱骂|骂我|凶|不耐烦|爱理不理|不理人|没人理|不理|没人管|不管|不作为|敷衍|推诿|推卸|踢皮球|打太极|挂我电话|"
        r"挂电话|给我挂了|不接电话|电话打不通|打不通|没人接|回复慢|不回复|没回复|没人回复|答非所问|冷漠|没礼貌|不礼貌|歧视|"
        r"推销|强制消费|服务差|服务太差|服务质量|理发|美发|美容|医美|嫩肤|美甲|按摩|纹眉|洗头|回访|无人回|没人回|升级处理|扯皮|"
        r"(?:鬼|破|垃圾|什么)服务|物业(?!费)|回电|预约|叫号|排了.{0,6}队|对接人|借口|动手(?:打|推)|推我|技师|游乐场|乐园|早教|健身房|"
        r"游泳馆|酒店|景区|垃圾站|垃圾桶|环境(?:差|太差|脏|不好|很差)|地(?:太|很)?滑|连扶|督导|嚣张|推来推去|能负责的人|服务(?:明显)?(?:下滑|变差|越来越差)|阴阳怪气|上菜|排队|道歉|吵|通知|不承认|"
        r"卫生|管理处|不归(?:他们|我们)管|不关(?:他们|我们)的?事|不负责|(?<!新闻|市长|政务|市民|便民|政府)热线|转人工|人工客服|专人联系|没有?人联系|"
        r"没有一个人|换个人|换人处理|技术太差|技术差|手艺|翻白眼|脏话|监控|警示牌|没有提示|让我等|一直等",
        r"客服|店员|服务员|营业员|导购|保安|前台|员工|店长|工作人员|经理|理发师|按摩师|保洁|老师|业主|服务|"
        r"理发店|电话|美容院|培训机构|教练|停车场|商场|超市|店里",
    ),
}

# Praise right after a type word cancels it: 味道还行，就是送得慢 is about delivery.
TYPE_PRAISE = r"[^,.!?;。\s]{0,4}?(?:还行|不错|挺好|还可以|没问题|很好|好吃|正常|那么好|挺喜欢|没毛病)"

# Naming a product or a food is weak evidence of a quality problem, counted once however many are named (蛋糕的奶油
# 化了 is not twice as much about quality): the words below and jieba words ending in a product suffix.
TYPE_THINGS = PRODUCT_WORDS + "|" + TYPE_FOOD

# Product nouns count as weak quality evidence: a jieba word of two or more characters ending in one of these
# characters (热水器, 电动车, 玩具, 面膜), except the words listed below (司机, 倒车, 飞机 …).
PRODUCT_SUFFIXES = "机器车具品件剂灯锅壶柜炉裤鞋杯瓶床椅桌膜霜粉箱表"
NOT_PRODUCTS = (
    "司机 时机 危机 随机 转机 生机 登机 飞机 主机 机会 倒车 下车 停车 开车 坐车 打车 乘车 上车 堵车 修车 "
    "洗车 提车 买车 卖车 货车 火车 客车 公交车 出租车 班车 专车 网约车 作品 人品 文件 案件 条件 事件 "
    "邮件 证件 附件 快件 稿件 代表 手表 电表 水表 报表 粉丝"
)

# Risks that say what went wrong, with the weight they add to a type …
TYPE_RISK_BONUS: dict[str, tuple[str, int]] = {
    "food_safety": ("quality", 2),
    "foreign_body": ("quality", 2),
    "spoiled": ("quality", 2),
    "fire": ("quality", 2),
    "electric_shock": ("quality", 2),
    "breakage": ("quality", 2),
    "failure_in_use": ("quality", 2),
    "batch": ("quality", 2),
    "injury": ("quality", 1),
}
# … except these kinds of hit: many customers complaining together says nothing about what they complain about.
TYPE_RISK_NO_BONUS = ("reports the same problem from many customers or stores",)
