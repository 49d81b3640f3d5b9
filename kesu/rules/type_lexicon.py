"""Term lists for the complaint-type ranking (R-CLS-1, R-CLS-4) — plain data, read by `kesu.rules.types`.

Patterns are matched against normalised text, exactly like the risk terms in `kesu.rules.lexicon` (traditional
folded to simplified, full-width to ASCII, ASCII lower-cased).
"""

from kesu.rules import lexicon

# ---------------------------------------------------------------------------------------------------------------
# Complaint types (R-CLS-1)
# ---------------------------------------------------------------------------------------------------------------

# Every type the ranking has terms for, in the order that breaks ties. The first five are the types of every
# playbook (GENERAL_TYPES, what suggest_type names by default); `policy` (a retail franchise's 加盟政策) and
# `technical_change` (a parts maker's 技术更改) exist only in some playbooks.
TYPE_ORDER = ("quality", "after_sales", "price", "delivery", "service", "policy", "technical_change")
GENERAL_TYPES = TYPE_ORDER[:5]
# suggest_type names a type only from this score on.
TYPE_MIN_SCORE = 2

# Everyday products and their parts named without a product suffix (空调, 沙发, 发动机盖), weak evidence of a quality
# problem: a bare complaint about goods is usually about the goods.
PRODUCT_WORDS = (
    r"(?:空调|冰箱|电视|手机|电脑|平板|笔记本|键盘|鼠标|显示器|屏幕|沙发|衣服|连体衣|内衣|睡衣|毛衣|羽绒服|卫衣|衬衫|t恤|"
    r"牛仔裤|袜子|拉链|纽扣|扣子|充电线|数据线|充电宝|蓝牙|车机|暖气片?|奶瓶|把手|耳钉|耳环|项链|戒指|裤子|裙子|外套|鞋子?|"
    r"靴子|拖鞋|鞋底|鞋垫|床垫|床板|椅子|桌子|柜子|柜门|插座|插头|玩具|积木|面霜|精华|粉底液?|口红|眼影|香水|洗面奶|"
    r"奶粉|零件|螺丝|轮胎|电池|(?<![红绿路])灯|窗帘|地板|瓷砖|马桶|水龙头|花洒|家具|床|被子|枕头|包包|背包|书包|手表|耳机|"
    r"音箱|眼镜|首饰|面料|布料|涂层|漆面|车漆|油漆|发动机|变速箱|离合|刹车|方向盘|底盘|悬挂|减震|轮毂|车门|车窗|天窗|"
    r"后视镜|雨刮|座椅|安全带|仪表盘?|中控|大屏|导航|倒车影像|雷达|空调滤|喇叭|密封条|后备箱|引擎盖|保险杠|排气管|"
    r"电瓶|火花塞|机油|电机|门锁|车锁|钥匙|充电桩|壳|盖子|瓶盖|把手|手柄|按键|按钮|开关|滤网|滤芯|内胆|压缩机|外机|"
    r"马达|零配件|配件(?=.{0,4}(?:坏|断|裂|松|掉|响))|产品|商品|东西|宝贝|货品)"
)

# Food and drink, weak evidence of a quality problem; meals and orders (外卖, 套餐, 点餐) say nothing about quality.
TYPE_FOOD = r"(?!外卖|套餐|用餐|点餐|餐品|餐食|早餐|午餐|晚餐|快餐)" + lexicon.FOOD_NOUNS

# Each type has terms of weight 3 (the customer names the kind of problem: 质量问题, 态度恶劣, 乱收费), 2 (what went
# wrong) and 1 (weak: people, places, demands), each distinct word counted once. Demands (要求退款, 要求赔偿) say
# what the customer wants, not what went wrong, so they are weak, and any word right after a demand (要求…, 希望…)
# counts half. The highest total wins; ties go to the earlier type in TYPE_ORDER.
TYPE_TERMS: dict[str, tuple[tuple[float, str], ...]] = {
    # The product or food itself: faulty, broken, not working, poor workmanship, bad taste, not fresh, not as
    # described, fake. Spoilage, foreign bodies, fire and the like are added from the risks found.
    "quality": (
        (
            3,
            r"质量(?:问题|太差|很差|差|不好|不行|堪忧|一般|真的差|有问题|不过关)|品质(?:差|太差|不好|问题)|"
            r"(?:做工|用料|材质|面料|包装质量)(?:太|很|非常|特别|极其)?(?:差|粗糙|一般|不好|垃圾|廉价)|假货|假冒|高仿|山寨|"
            r"不是正品|与描述不符|和描述不符|跟描述不符|与宣传不符|货不对板|以次充好|难吃|不好吃|太难吃|"
            r"(?:严重|有)?色差|掉色|褪色|起球|质量太次|次品|残次品|劣质",
        ),
        (
            2,
            r"质量|品质|故障|坏掉|坏了|坏的|用不了|不能用|不工作|不制冷|不制热|不加热|不出水|不出风|漏油|漏水|渗水|进水|漏气|漏电|"
            r"异响|响声|噪音|噪声|声音大|风噪|胎噪|咔咔|哒哒|咯噔|嗡嗡|吱吱|一直响|乱响|开不了机|开不了|打不着火|启动不了|着不了车|"
            r"熄火|黑屏|蓝屏|花屏|闪屏|死机|卡顿|卡死|卡住|卡滞|自动重启|反复重启|失灵|不灵|失效|没反应|没声音|不响|不亮|不转|"
            r"不动了|不好用|难用|不好使|不灵敏|识别不了|识别不到|连不上|断连|bug|抖动|方向盘抖|顿挫|闯动|冲击感|换挡冲|"
            r"跑偏|烧机油|机油乳化|乳化|油耗(?:高|太高|大|太大|惊人|离谱)|百公里.{0,6}个油|续航(?:虚标|缩水|不足|太短|差)|掉电|"
            r"充不进电|充不上电|不充电|耗电|没电|关不严|关不上|拧不紧|打不开|合不上|装不上|对不齐|起泡|生锈|锈了|锈迹|掉漆|"
            r"开裂|裂了|裂开|裂纹|变形|脱胶|开胶|开线|脱线|线头|毛刺|毛边|瑕疵|划痕|刮痕|缩水|透光|起皱|掉毛|掉渣|氧化|"
            r"尺码(?:偏|不准|不对|不标准|太)|偏大|偏小|不合身|磨脚|夹脚|掉跟|断了|断裂|松动|松了(?!一?口气)|晃动|摇晃|"
            r"晃来晃去|堵了|堵塞|喷不出|不出水|刺鼻|甲醛|味道(?:大|重|很大|刺鼻|难闻|怪|奇怪|不对)|异味|怪味|塑料味|臭味|"
            r"有股.{0,3}味|太(?:咸|辣|甜|淡|油|腻|硬|酸|苦|干|柴|稀)|好咸|齁|腥|没味|没有味道|不新鲜|不熟|夹生|生的|"
            r"凉了|冷了|坨了|硬了|软塌塌|不脆|分量(?:少|太少|很少|不足)|量(?:太)?少|份量少|缩水|图片仅供参考|跟图片不一样|"
            r"和图片不一样|与图片不符|实物|假的|仿品|翻新|二手|事故车|泡水车|调表|效果(?:差|不好|一般|太差|很差|不明显)|"
            r"没(?:什么|啥)?效果|口味|口感|味道|不合格|缺陷|超差|尺寸不对|超标|合格率|良率|不良率|不良品|不良|渗漏|扭矩|"
            r"游隙|缩痕|虚接|干涉|结霜|不平|短路|断路|尺寸|(?<![a-z])ng(?![a-z])|样件|围堵|全检|挑选|返工|贴歪|贴反|"
            r"来料(?:有问题|不良|质量)|虚假宣传|不顺滑|费劲|不够热|不怎么热|不热(?!情)|看不清|不清晰|不够用|太短|"
            r"升级以后|没法用|无法使用|不耐用|质检|性能|配方|很难(?:拧|打|拆|装|扣|拉)|廉价|粗糙|劣质|不结实|一碰就|"
            r"就坏|就断|就裂|就掉|就破|穿了.{0,4}就|洗了.{0,4}就|用了.{0,6}就|吃了.{0,6}就|不防水|起红疹|过敏|烂的|"
            r"烂了|发霉|不准|误差|泄漏|断电|乱跳|烫坏|强度不足|不达标|偏离|塌陷|蔫|不合适",
        ),
        (
            1,
            r"检测|8d|说明书|材料|用了(?:你们|这|两|三|几|一|没)|外观|设计|功能|系统|软件|屏|漆|车子|这车|这台车|"
            r"新车|台车|电动车|车辆|型号",
        ),
    ),
    # Putting it right after the sale: repairs, installation, spare parts, warranty and 三包, the 4S workshop, a
    # return or refund the seller will not process.
    "after_sales": (
        (
            3,
            r"售后(?:不管|太差|很差|差|不处理|推诿|不作为|服务差|服务太差|问题|一直|迟迟|拖)|修不好|没修好|修了.{0,4}(?:次|回|遍)|"
            r"反复维修|多次维修|三包|退换货|拒绝退(?:货|款)|不给(?:我)?退|不退款|退款.{0,8}(?:被拒|拒绝|不处理|没处理|不给|没到|"
            r"未到账|没退|迟迟)|退货.{0,8}(?:被拒|拒绝|不处理|不给|不让)|申请退.{0,8}(?:被拒|拒绝|驳回)|保修期内|延保|申请售后.{0,12}(?:驳回|拒绝|不给|不通过|说)|(?:一直|都)?没人(?:来)?修|没人来|配件(?:没货|缺货|"
            r"等了|要等|还没到|没到)|等配件|拆车件|翻新件",
        ),
        (
            2,
            r"维修|修理|修好|修完|修了|修车|来修|保修|质保|报修|返修|售后|配件|备件|上门|安装|装机|调试|返厂|换新|换一台|"
            r"换件|维修人员|师傅|派(?:个)?人(?:来|过来|上门)?|紧一下|换完|更换后|(?<!包)装完|进厂|进店|检修|安装工|召回|"
            r"七天无理由|无理由退|不能退|拒绝退|退货|退款|换货|退换|寄回|退回去|退回|售后网点|服务站|维修站|维修点|工单|"
            r"首保|定损|理赔|拒赔|不在保修|不保修|不给保|不给修|不给换|退不了|退不掉|驳回|没人修",
        ),
        (1, r"保养|4s店|检测报告|维保|车间"),
    ),
    # Money: overcharging, hidden fees, price drops after purchase, coupons and promotions not honoured, deposits,
    # refunds of fees, billing.
    "price": (
        (
            3,
            r"乱收费|多收(?:费|钱|了)|乱收|乱加价|加价|价格(?:太|很|也太)?(?:贵|高|离谱|虚高|不透明|欺诈)|太贵|天价|坑钱|宰客|"
            r"被坑了?|不保价|价保|保价|降价|差价|满减(?:没|不|未)|没减|优惠券(?:用不了|不能用|无法使用|没用上)|捆绑(?:销售)?|"
            r"金融服务费|服务费|手续费|强制(?:购买|收费|消费|买)|返现|定金不退|押金不退|退费|不给退(?:钱|费|款项)|杀熟|索赔(?:金额|款)|追偿|扣除|说好(?:的)?免费|说是免费|要(?:收|交|付|另付).{0,6}(?:费|钱)|扣.{0,4}(?:钱|块|元)|另外收|另收|额外收|加收|"
            r"(?:收费|费用|报价|要价|价钱)(?:太|也太|真)?(?:离谱|贵|高|不合理|不透明)|坑了.{0,4}(?:钱|块|元|千|万|百)",
        ),
        (
            2,
            r"价格|价钱|报价|多扣|扣款|扣费|收费|费用|优惠|促销|活动|折扣|满减|涨价|标价|吊牌价|价签|结账|账单|对账|"
            r"物业费|停车费|运费|违约金|押金|定金|订金|会员费|自动续费|年费|优惠券|券|积分|赠品|赠送|多付|电费|水费|"
            r"收了.{0,6}(?:钱|块|元)|要了.{0,6}(?:钱|块|元)|包邮|打孔费|公共收益|年卡|找零|发票|多刷|扣了|补贴|"
            r"加盟费|学费|充值|会员卡|健身卡|储值卡|余额|退不回|"
            r"[\u4e00-\u9fff]?(?![消花浪经免收])[\u4e00-\u9fff]费(?![心劲力解时尽])|办的?卡|办了?卡|卡里|储值|"
            r"钱(?:也|都|还)?不退|明码标价|到账|refund|贵了|话费|加钱|收钱|要钱|付款|款项|金额|好评返|流量包|"
            r"套餐费|工时|性价比|(?<!宝)贵(?!司|方|公司|厂|单位|店|姓|宾|州|阳|人|重)|退钱|只给了?[0-9]+|索赔|货款|收了?我?[一二三四五六七八九十百千万两0-9]{2,}",
        ),
        (1, r"钱|免费|多少钱|[0-9]+(?:块|元)|块钱|不值"),
    ),
    # Orders and logistics: late, lost, wrong or missing items, damaged in transit, courier and rider conduct
    # while delivering, lead times, out of stock after ordering; a car handed over late.
    "delivery": (
        (
            3,
            r"物流(?:太|很|也太|特别|超级)?慢|快递(?:太|很|也太|特别|超级)?慢|发货(?:太|很|也太|特别)?慢|送(?:得|的)?(?:太|很|也太|"
            r"特别|有点|超级)?慢|迟迟不发货|不发货|还没发货|没发货|发错|错发|送错|少发|漏发|少送|漏送|少给|丢件|丢了.{0,2}件|"
            r"包裹丢|快递丢|冒领|送了.{0,4}(?:小时|钟头)|等了.{0,4}(?:小时|钟头).{0,6}(?:才到|才送|没到)|提车(?:延期|延迟|推迟|一拖再拖)|"
            r"交车(?:延期|延迟|推迟|晚|日期.{0,4}改|时间.{0,4}改)|延期交车|迟迟不交车|交付(?:延期|延迟|推迟)|到货(?:太)?慢|"
            r"包装(?:破|烂|坏|损|漏|压|都是拆|被拆)|出餐(?:太|很|特别)?慢|少(?:了)?东西|少了(?:一|整整|两|几)|洒了|撒了|漏了一袋|汤洒|外箱(?:破|烂|坏)|压扁|压坏",
        ),
        (
            2,
            r"快递|物流|配送|送货|派送|派件|发货|到货|签收|包裹|快递员|骑手|外卖员|送餐|送达|配送员|送餐员|快递小哥|外卖小哥|"
            r"延误|延迟|迟迟不到|没收到|未收到|交期|交货|缺料|短缺|缺货|断货|补货|补发|运输|驿站|送晚|晚了.{0,4}(?:小时|天)|"
            r"晚到|配货|铺货|来料(?:不及时|延迟|短缺|不足|晚|没到)|送到的时候|送来的时候|送到时|送过来|破损|"
            r"什么时候(?:能|可以|才)?(?:送|发|到)|发过来|寄过来|寄来|发来|发成|型号不对|少了一件|只有一件|交付|延期|"
            r"迟迟未到|还在路上|物料(?:迟迟|未到|没到|短缺|不足)|提车|交车|(?<!发)现车|等车|断供|断料|准时率|到货率|停产|没发出|还没发|出餐慢|订车|车还没到|合格证|临牌|"
            r"不送上门|放驿站|扔在门口|放门口|物流信息|不更新|没动|寄丢|寄到|送错楼|超时(?!收费|费)|送到|才送到|才到|一个礼拜才到|"
            r"[一二三四五六七八九十两几0-9]+天(?:才|都没|还没)?到(?!期)",
        ),
        (1, r"订单|下单|收到|到手|到店|箱子|纸箱|快递盒|规格不对|外包装|包装"),
    ),
    # People and process: staff attitude, ignored messages, pushed from one desk to another, waiting, false
    # promises by staff, hygiene of a place.
    "service": (
        (
            3,
            r"态度(?:极其|非常|特别|太|很|也太|真的|极|超级)?(?:差|恶劣|不好|冷淡|傲慢|蛮横|嚣张|敷衍|极差)|服务态度|态度问题|"
            r"服务(?:太|很|也太|真的|极其)?(?:差|烂|垃圾|不好)|骂人|辱骂|骂我|爱理不理|不理人|没人理|不耐烦|敷衍|推诿|踢皮球|"
            r"打太极|挂我电话|挂电话|给我挂了|不回消息|不回复|没回复|没人回复|答非所问|阴阳怪气|翻白眼|冷嘲热讽|甩脸色|"
            r"动手(?:打|推)|推我|推人|不作为|没人管|不管不问|推来推去|扯皮",
        ),
        (
            2,
            r"态度|凶|不理|不管|推卸|不接电话|电话打不通|打不通|没人接|回复慢|冷漠|没礼貌|不礼貌|歧视|推销|强制消费|"
            r"服务质量|理发|美发|美容|医美|嫩肤|美甲|按摩|纹眉|洗头|回访|无人回|没人回|升级处理|(?:鬼|破|垃圾|什么)服务|"
            r"物业(?!费)|回电|预约|叫号|排了.{0,6}队|对接人|借口|技师|游乐场|乐园|早教|健身房|游泳馆|酒店|景区|"
            r"垃圾站|垃圾桶|垃圾没人|环境(?:差|太差|脏|不好|很差)|(?<![卫])地(?:太|很)?滑|连扶|督导|嚣张|能负责的人|"
            r"服务(?:明显)?(?:下滑|变差|越来越差)|上菜|排队|道歉|吵|不承认|(?<!间)卫生(?!间|纸|巾)|管理处|"
            r"不归(?:他们|我们)管|不关(?:他们|我们)的?事|不负责|(?<!新闻|市长|政务|市民|便民|政府)热线|转人工|人工客服|"
            r"专人联系|没有?人联系|没有一个人|换个人|换人处理|技术太差|技术差|手艺|脏话|监控|警示牌|没有提示|让我等|"
            r"一直等|不搭理|没人搭理|骗我|忽悠|欺骗|承诺|说好的|答应|销售顾问|服务顾问|接待|脏|玩手机|难缠|不高兴|抽烟|脏乱|乱七八糟|"
            r"不专业|业务不熟|一问三不知|不懂|不告知|没告知|不提醒|不解释|说不清楚|弄脏|不尊重|刁难|威胁",
        ),
        (
            1,
            r"客服|店员|服务员|营业员|导购|保安|前台|员工|店长|工作人员|经理|理发师|按摩师|保洁|老师|业主|服务|销售|"
            r"理发店|电话|美容院|培训机构|教练|停车场|商场|超市|店里|门店|商家|小姐姐|小哥|老板|老板娘",
        ),
    ),
    # A retail franchise's terms with its head office: 加盟政策, rebates, territory, forced stock, franchise fees.
    "policy": (
        (
            3,
            r"加盟政策|政策(?:变|改|调整|不兑现|没兑现|不落实|朝令夕改)|返利|返点|区域保护|保护区域|区域内又开|附近又开|"
            r"旁边又开|窜货|压货|强制(?:进货|订货|压货|铺货)|任务量|进货任务|考核指标|加盟(?:合同|协议|资格|条款|商|店)|"
            r"保证金|品牌使用费|管理费|装修标准|统一装修|指定供应商|总部(?:政策|规定|要求|强制)|扣(?:我)?保证金|取消加盟",
        ),
        (2, r"加盟|总部|政策|合同条款|门店考核|督导|开店|闭店|解约|续约|授权"),
        (1, r"区域|规定|条款|任务"),
    ),
    # A parts maker's customer about drawings, specifications and changes: 技术更改, 图纸变更, ECN, PPAP.
    "technical_change": (
        (
            3,
            r"技术(?:更改|变更|变化|通知)|设计变更|设计更改|工程变更|图纸(?:变更|更改|升版|版本|改版|改了)|(?<![a-z])ecn|"
            r"(?<![a-z])ecr(?![a-z])|(?<![a-z])pcn|变更(?:通知|申请|流程|评审)|擅自(?:变更|更改|更换|改)|未经.{0,6}(?:变更|更改|更换|批准|同意)|"
            r"切换(?:时间|计划|新状态|新版)|新旧(?:件|状态|版本)|新状态|老状态|旧版本|ppap|样件认可|工艺变更|材料变更|"
            r"更换(?:材料|供应商|分供方|工艺|模具)|换了(?:材料|供应商|分供方|工艺)|版本错误|软件版本",
        ),
        (2, r"图纸|变更|更改|升版|版本|技术要求|规格书|技术协议|工艺|模具|重新认可|认可"),
        (1, r"工程师|技术部|研发"),
    ),
}

# Praise right after a type word cancels it: 味道还行，就是送得慢 is about delivery.
TYPE_PRAISE = (
    r"[^,.!?;。\s]{0,4}?(?:还行|不错|挺好|还可以|没问题|很好|好吃|正常|那么好|挺喜欢|没毛病|也行|"
    r"可以的?$|可以[,.!?;。\s])"
)

# Words before a type word that deny it (不是质量问题，是态度问题) and that make it a demand (要求退款).
TYPE_DENIAL = r"不是|并非|不属于|无关|排除|不存在|倒不是|不算"
TYPE_DEMAND = r"要求|希望|我要|请求|务必|必须|能否|能不能|可否|申请"
# Words that turn to what the customer really complains about (但是, 就是, 结果): what follows weighs more.
TYPE_CONTRAST = r"但是|但|可是|就是|只是|然而|不过|结果|偏偏|关键是|问题是|主要是|最气的是|最可气的是"
TYPE_CONTRAST_FACTOR = 1.5

# Naming a product or a food is weak evidence of a quality problem, counted once however many are named (蛋糕的奶油
# 化了 is not twice as much about quality): the words below and jieba words ending in a product suffix.
TYPE_THINGS = PRODUCT_WORDS + "|" + TYPE_FOOD

# Product nouns count as weak quality evidence: a jieba word of two or more characters ending in one of these
# characters (热水器, 电动车, 玩具, 面膜), except the words listed below (司机, 倒车, 飞机 …).
PRODUCT_SUFFIXES = "机器车具品件剂灯锅壶柜炉裤鞋杯瓶床椅桌膜霜粉箱表液油膏霜衣帽袋包盒条管板盘窗镜"
NOT_PRODUCTS = (
    "司机 时机 危机 随机 转机 生机 登机 飞机 主机 机会 倒车 下车 停车 开车 坐车 打车 乘车 上车 堵车 修车 "
    "洗车 提车 买车 卖车 货车 火车 客车 公交车 出租车 班车 专车 网约车 作品 人品 文件 案件 条件 事件 "
    "邮件 证件 附件 快件 稿件 代表 手表 电表 水表 报表 粉丝 加油 石油 汽油 柴油 包包 红包 钱包 打包 "
    "背包 快递包 包裹 纸条 条条 面条 发票 信条 便条 欠条 收条 门窗 窗口 黑板 老板 木板 模板 样板 平板 "
    "眼镜 镜头 饭盒 快递盒 盒子 口袋 塑料袋 袋子 纸箱 箱子 车间 电话 库存 交通 机器人"
)

# Where the text is about a building, a site or a personal service (物业, 小区, 美容院), a broken lift or a leaking
# ceiling is the management's upkeep, not the quality of a product: quality words there count this much.
FACILITY_CONTEXT = (
    r"物业|小区|业主|楼道|楼上|楼下|管理处|商场|停车场|车库|景区|酒店|健身房|游乐场|美容院|医美|嫩肤|理发店|"
    r"美发|美甲|按摩"
)
FACILITY_QUALITY_FACTOR = 0.5

# Negative reviews that name nothing (差评！, 太垃圾了, 不会再买了) are read as being about the goods.
BARE_NEGATIVE = (
    r"差评|垃圾|太差|很差|真差|好差|失望|不推荐|不会再买|再也不买|不会回购|不回购|避雷|踩雷|别买|千万别|"
    r"后悔|一般般|一般$|很一般|太一般|不怎么样|不咋地|不咋样|拉胯|拉垮|辣鸡|垃极|无语|坑人|坑爹|上当|智商税|"
    r"不值|别点|不会再点|再也不点|难受|恶心|不行|很烂|太烂|烂透"
)
# A bare negative review about a meal is about the food; about a shop or staff, about the service.
BARE_NEGATIVE_SERVICE = r"(?:这家店|店家|商家|老板|店员|服务员|客服|骑手|师傅|小哥)(?!.{0,6}(?:东西|菜|饭|产品|货))"

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
