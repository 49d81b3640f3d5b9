"""Term lists for the Chinese risk analyser (R-CLS-4) — plain data, read by `kesu.rules.risk`.

Every pattern is a regular expression matched against *normalised* text: traditional characters folded to
simplified (see TRADITIONAL_TO_SIMPLIFIED), full-width letters, digits and punctuation folded to ASCII
(，→ ,  ！→ !  １２３１５ → 12315) and ASCII letters lower-cased. Normalising keeps every character in place, so
offsets found in the normalised text are offsets in the original.

A `Group` is a set of patterns for one risk that share one reason and the same guards:

- `context`: a pattern that must occur within `window` characters of the match (e.g. 头发 counts as a foreign body
  only near food words);
- `not_context` / `unless`: a pattern that must NOT occur near the match, unless `unless` also does (e.g. 碎了 next
  to 快递/收到 is damage in transit, not breakage in use — unless the text also says 用了/使用);
- `exclude`: false friends; a match that overlaps an exclude match is ignored (曝光不足 is a camera, 爆炸头 a
  haircut, 工商银行 a bank);
- `word`: the match must start and end on a word boundary as jieba segments the text (一起火锅 is not 起火,
  暂停线上 is not 停线);
- `negatable`: whether a negator shortly before the match cancels it (没有受伤, 不想打12315), or a denial right after
  it (受伤倒是没有, 12315就算了);
- `confidence`: how sure a hit of this group is, 0–1: explicit terms (12315, 律师函, 食物中毒) high, weak or
  context-dependent ones (避雷, 过期 without food words) lower. A hazard only imagined (万一着火怎么办) counts for less.

Keep patterns specific. A term that fires on ordinary complaints teaches agents to ignore the flag; agents'
rejections are counted and noisy terms can be switched off (`disabled_terms`).
"""

from typing import NamedTuple


class Group(NamedTuple):
    risk: str
    reason: str
    patterns: tuple[str, ...]
    context: str | None = None
    not_context: str | None = None
    unless: str | None = None
    exclude: str | None = None
    word: bool = False
    negatable: bool = True
    window: int = 15
    confidence: float = 0.8


# ---------------------------------------------------------------------------------------------------------------
# Normalisation data
# ---------------------------------------------------------------------------------------------------------------

# Traditional → simplified, one character each, limited to characters that occur in the terms below or in the
# words around them (negators, context words). Pairs are written "繁简".
TRADITIONAL_TO_SIMPLIFIED = (
    "師师 訴诉 訟讼 傷伤 燒烧 醫医 記记 體体 監监 協协 會会 責责 報报 蟲虫 蒼苍 蠅蝇 絲丝 變变 質质 黴霉 "
    "發发 髮发 過过 氣气 異异 觸触 電电 斷断 脫脱 車车 線线 產产 貨货 門门 買买 賣卖 員员 騙骗 憤愤 頭头 "
    "這这 們们 與与 對对 沒没 無无 還还 說说 話话 問问 題题 劃划 燙烫 進进 診诊 瀉泻 嘔呕 鋼钢 鐵铁 膠胶 "
    "餿馊 長长 爐炉 煙烟 剎刹 靈灵 轉转 帶带 機机 總总 裝装 復复 覆复 應应 約约 換换 熱热 論论 視视 臺台 "
    "聞闻 價价 費费 遞递 達达 運运 衛卫 態态 壞坏 療疗 廠厂 檢检 測测 號号 樓楼 鍋锅 燈灯 漲涨 錢钱 賠赔 "
    "償偿 將将 備备 貴贵 從从 讓让 條条 隻只 顆颗 塊块 個个 語语 謊谎 壓压 擊击 寶宝 兒儿 媽妈 飯饭 麵面 "
    "湯汤 飲饮 雞鸡 魚鱼 蝦虾 餅饼 腸肠 藥药 錯错 遲迟 郵邮 單单 碼码 網网 絡络 驗验 數数 動动 護护 險险 "
    "盤盘 據据 決决 續续 級级 滿满 誤误 週周 鬧闹 嚇吓 經经 雙双 實实 現现 麼么 滅灭 災灾 頂顶 鏡镜 權权 "
    "維维 聯联 係系 邊边 樂乐 離离 開开 關关 顧顾 聽听 該该 請请 認认 識识 紅红 書书 準准 團团 隊队 戶户 "
    "業业 區区 際际 館馆 糧粮 鹽盐 醬酱 櫃柜 櫥橱 鎖锁 蓋盖 墻墙 牆墙 頓顿 議议 務务 處处 辦办 樣样 點点 "
    "為为 時时 來来 東东 場场 廳厅 剛刚 腦脑 攝摄 歲岁 孫孙 寫写 讀读 學学 縣县 幾几 兩两 並并 別别 難难 "
    "嗎吗 誰谁 謝谢 給给 陽阳 爺爷 趕赶 證证 鬥斗 訊讯 銷销 僅仅 優优 補补 裡里 裏里 於于 後后 當当 著着 "
    "乾干 濕湿 淨净 髒脏 爛烂 黃黄 綠绿 藍蓝 聲声 響响 驚惊 嚴严 廢废 縫缝 針针 膚肤 臉脸 腳脚 脛胫 頸颈 "
    "齒齿 術术 輸输 廁厕 樑梁 鋁铝 銅铜 錫锡 鍵键 釘钉 鏈链 輪轮 擋挡 闆板 墊垫 艙舱 緊紧 鬆松 彈弹 "
    "嚨咙 凍冻 噁恶 嗆呛 癢痒 膿脓 腫肿 衝冲 軟软 輛辆 舊旧 顯显 蘋苹 啟启 窩窝 勸劝 評评 規规 詐诈 駛驶 "
    "墜坠 毀毁 審审 貓猫 洩泄 禍祸 飄飘 陰阴 騰腾 夠够 憑凭 適适 蓮莲 啞哑 鑒鉴 鑑鉴 齡龄 嬰婴 屬属"
)

# ---------------------------------------------------------------------------------------------------------------
# Shared fragments
# ---------------------------------------------------------------------------------------------------------------

# Food and drink, for terms that are only a risk in something eaten (头发, 虫子, 有异味, 拉肚子 …).
# Appliance names that contain a food character (电饭煲, 咖啡机, 豆浆机) are kept out with look-arounds.
FOOD_NOUNS = (
    r"(?:(?<!电)饭(?![煲锅])|菜(?!单)|汤|粥|面条|面包|面食|拉面|泡面|方便面|米饭|大米|米粉|米线|粉丝|肠粉|螺蛳粉|饮料|饮品|奶茶"
    r"|咖啡(?!机)|果汁|牛奶|奶粉|酸奶|奶油|奶酪|水果|零食|食(?!言)|外卖|套餐|早餐|午餐|晚餐|快餐|餐品|餐食|用餐|点餐|海鲜|生鲜"
    r"|卤味|凉菜|沙拉|寿司|粽子|汤圆|酒水|饺子|包子|馒头|蛋糕|月饼|冻品|速冻|食材|牛排|排骨|羊排|猪排|鸡排|猫粮|狗粮"
    r"|宠物食品|芒果|榴莲|车厘子|樱桃|荔枝|龙眼|猕猴桃|蓝莓|杨梅|李子|柿子|哈密瓜|菠萝|山竹|火龙果|酱|调料|调味|醋|蜂蜜|麦片|燕麦|橙子|苹果(?!手机|电脑|店)|香蕉|葡萄|草莓|西瓜|桃子|梨子|坚果|花生|海苔|腊肠|香肠|火腿|奶昔|饼干"
    r"|蛋黄|鸡蛋|蛋挞|肉|鱼|虾|鸡|鸭|鹅|火锅|烧烤|炸串|烤串|串串|汉堡|披萨|薯条|薯片|罐头|糖|巧克力|豆腐|豆浆(?!机)|茶饮"
    r"|茶水|果茶|凉茶|矿泉水|饮用水|瓶装水|纯净水|辅食|小笼包|酸菜鱼|杯底|碗里|盘子里|果冻|布丁|凉皮|凉面|辣条|肉干|冰粉"
    r"|冰淇淋|冰激凌|雪糕|甜品|甜点|点心|糕点|熟食|便当|盒饭|炒饭|炒面|馄饨|烧麦|油条)"
)
FOOD = r"(?:吃(?!药|亏|惊|力|香|醋|不消)|喝|嘴里|口里|咽|嚼|咬|下肚|入口|" + FOOD_NOUNS + ")"

# Medicines, cosmetics and chemicals: illness after these is an injury, not food safety.
NON_FOOD_INTAKE = (
    r"(?:药|胶囊|保健品|维生素|钙片|鱼油|口服液|冲剂|化妆品|护肤品|面膜|面霜|护手霜|身体乳|乳液|精华|精油|口红|粉底|防晒|洗面奶|沐浴露|牙膏|香水|洗发|染发|美容|嫩肤|医美|纹眉|美甲|"
    r"纸尿裤|尿不湿|甲醛|油漆|除甲醛|消毒液|清洁剂|洗涤剂|杀虫剂|蚊香|香薰|涂抹|敷|吸入|闻了|刺鼻|化学味|油漆味|胶水味|塑料味)"
)

# "Allergic to peanuts" describes a person, not a reaction.
ALLERGY_DISPOSITION = r"对[^,.!?;。\s]{1,6}过敏|过敏体质|过敏史|易过敏"

# Electrical things, for tingling hands (手麻) and sparks (火花).
ELECTRIC = (
    r"(?:电|插座|插头|插排|排插|插线板|开关|线路|电线|充电|电池|电源|机身|外壳|机壳|水龙头|灯|浴霸|吹风|卷发棒|烤箱|"
    r"热水壶|洗衣机|冰箱|空调|热水器|微波炉|取暖器|跑步机|淋浴|花洒)"
)

# Batteries, for swelling (鼓包) and explosions.
BATTERY = r"(?:电池|电瓶|充电宝|移动电源|手机|平板|笔记本|电脑|锂电|电动车|充电|手表|耳机|电子烟)"

# Gas appliances, for leaks (漏气).
GAS = r"(?:燃气|煤气|天然气|液化气|气罐|灶|热水器|管道|阀门)"

# Damage in transit, which is a delivery problem rather than a product breaking in use …
IN_TRANSIT = (
    r"(?:快递|物流|运输|收到|到货|签收|拆开|开箱|打开包装|送到|送来|送货|配送|包裹|外包装|发货|寄来|寄到|运送|搬运|装卸|"
    r"到的货|路上)"
)
# … unless the text also says the thing was in use.
IN_USE = r"(?:用了|使用|用的时候|用着|安装后|装上|穿了|戴了|骑|开车|行驶|坐|正常|第一次用|没用几|才用|用两|用三|用一)"

# People and body parts, for injuries phrased as "hit / cut / burn + body part or person".
PERSON = (
    r"(?:我|人|孩子|小孩|宝宝|儿子|女儿|老人|老婆|老公|妻子|丈夫|爸爸?|妈妈?|父亲|母亲|家人|顾客|客人|他|她|员工|工人|"
    r"行人|路人|业主|孙子|孙女)"
)
BODY = (
    r"(?:(?<![龙插镜枕馒码石木罐斧锄箭针念苗线接源车床灯])头|脸|眼睛|眼(?!镜|看|光|前|神)|鼻子|(?<![壶瓶奶喷])嘴巴?|嘴唇|牙齿|牙(?![膏刷签线])|舌头|耳朵|脖子|喉咙|"
    r"手指|手臂|手腕|手掌|手背|手心|手(?![机柄表环链套续工艺感把提册写电办法段下头游纸绢帕推车动])|胳膊|(?<![桌椅床凳柜架])腿|膝盖|"
    r"(?<![桌椅床凳柜架])脚(?!垫|架|踏|本|步)|脚趾|脚踝|脚背|腰|背(?![面板景包带胶光后])|胸|胸口|肚子|皮肤|身上|肩(?!带)|肩膀|额头|后脑勺?|下巴|指甲|"
    r"尾椎骨?|屁股|臀部|大腿|小腿|脚底|头皮|门牙)"
)
HARM = r"(?:划|割|烫|烧|夹|砸|扎|刺|撞|磕|咬|压|剪|戳|崴|扭|勒)"

# Things whose surface gets scratched, scraped or dented (外观划伤, 表面划伤, 车漆刮伤, 苹果碰伤): cosmetic damage,
# not a person hurt.
SURFACE_DAMAGE = (
    r"(?:外观|表面|外表|漆面|车漆|油漆|烤漆|漆|屏幕|屏|镜面|镜片|镜头|玻璃|面板|外壳|机身|机壳|壳子?|零件|产品|工件|部件|配件|"
    r"表层|皮面|涂层|镀层|边框|中框|后盖|表盘|表镜|车身|轮毂|地板|桌面|台面|柜门|门板|车门|保险杠|包装|箱子|纸箱|盒子|鞋面|"
    r"皮革|家具|木板|货物?|商品|东西|样品|来料|板材|型材|铝材|钢板|管材|背面|正面|侧面|边角|棱角|端面|水果|苹果|果子|果皮|表皮)"
    r"(?:上|有|被|都|也|严重|多处|轻微|大面积|明显|出现|存在|有些|有点|还|全是|全都|发现|各种|几处|一处|好几处|一道|一条)*"
    r"[^,.!?;。\s]{0,2}?(?:划|刮|擦|碰|磕|压|蹭|撞)(?:伤|破|花|坏|痕|印)|"
    r"(?:划|刮|擦|碰|磕|压)伤(?:痕迹|印|处|点|面积|不良|缺陷)|(?:几|多|一|好几|两|三)处(?:划|刮|擦|碰|磕|压)伤"
    + r"|一口咬定|咬定|咬牙|咬咬牙"
)

NUMBER = r"(?:两|二|三|四|五|六|七|八|九|十|几|好几|很多|多少|多|无数|N|n|\d+)"

# Expired things that are not goods (券, 积分, 保修) — 过期 of these is no spoilage.
EXPIRED_NOT_GOODS = (
    r"(?:券|卡|会员|积分|保修|质保|三包|活动|优惠|套餐|证|证件|护照|码|链接|红包|账户|密码|合同|押金|福利|权益|vip|"
    r"资格|期限|租约|驾照|年检|保险)期?(?:已经?|都|早就?|也|快要?|马上)?过期|过期(?:作废|不候|未用)|"
    r"过期的?(?:券|优惠券|代金券|卡|会员|积分|红包|链接|码|活动|证件|驾照|护照|合同|套餐|权益|福利)|"
    r"(?:临牌|牌照|车牌|年审|驾驶证|行驶证|签证|居住证|身份证|健康证|许可证|执照|资质|授权|报价|订单|物料|胶条|原料|软件|系统|"
    r"证书|报告)[^,.!?;。]{0,4}过期|过期的?(?:胶条|物料|原料|零件|配件|软件|证书|报告)"
)

# Words that look like breakage but are not a product breaking in use.
BREAKAGE_FALSE_FRIENDS = (
    r"(?:电话|网|网络|信号|联系|通话|线|货|电|气|水|头发|发尾|发丝|牙|牙齿)(?:都|也|就|又|突然)?断了|"
    r"(?:皮面|皮革|漆面|漆|表皮|外皮|涂层|镀层|皮)(?:都|也|有点|大面积|已经)?(?:开裂|裂开|裂了)|"
    r"(?:薯片|饼干|蛋糕|月饼|面包|鸡蛋|蛋|零食|巧克力|饼|糕点|粉丝|面条|米粉|蛋卷|酥)[^,.!?;。]{0,6}?(?:碎|裂|断|塌|破)|"
    r"断了(?:联系|货|网|电|线|气|水)|不断了|心(?:都)?碎了|(?:牙|牙齿|嘴唇|皮肤|手|脚|脚后跟)(?:都|也)?(?:裂|开裂|裂开|崩)|"
    r"(?:漆|漆面|皮|表皮|皮面|色|胶|毛|涂层|镀层|头发|墙皮|贴纸|标签|logo|字)(?:都|也|有点|大面积|大块|大片|成片)?脱落|"
    r"(?:价格|价|分数|成绩|眼泪|泪)(?:都)?掉下来|爆了粗口|人气|爆单|火爆|挤爆|辣爆|爆辣|爆汁|爆浆|爆料|好吃爆了|香爆了|爆了个火花|电话打爆|爆满|(?:撞|砸|踢|摔|压|踩|碰)(?:倒|翻|掉)了?(?:碎|裂|断|坏)|"
    r"(?:电梯|扶梯)(?:突然)?(?:坠落|下坠)|(?:撞|砸|踢|摔|压|踩|碰)(?:得)?(?:塌|倒|坏|碎|断|裂)|"
    r"从(?:床|沙发|椅子|楼梯|台阶|车|床上|上面|高处|楼上)[^,.!?;。]{0,3}(?:掉|摔|跌)下|"
    r"(?:充电|电池|电瓶|充电宝|热水器|燃气|煤气)[^,.!?;。]{0,8}?(?:爆了|炸开|爆开)|"
    r"(?:摔|掉|磕|砸|撞|碰|踩)(?:了一下|了一跤|了|到地上|在地上|地上)[^,.!?;。\s]{0,3}?(?:就)?(?:裂|碎|断|坏|破)"
)

# ---------------------------------------------------------------------------------------------------------------
# Risk groups
# ---------------------------------------------------------------------------------------------------------------

GROUPS: tuple[Group, ...] = (
    # --- regulator ---------------------------------------------------------------------------------------------
    # Government complaint hotlines. The digits must stand alone so phone and order numbers do not match.
    # 12315 consumer rights, 12345 city hotline, 12365 quality supervision, 12331 food and drugs, 12358 prices,
    # 12305 postal services (couriers), 12328 transport, 12319 urban management, 12369 environment, 12320 health.
    Group(
        "regulator",
        "mentions a government complaint hotline",
        (r"(?<!\d)(?:12315|12345|12365|12331|12358|12305|12328|12319|12369|12320|12366|12333|12326)(?!\d)",),
        negatable=True,
        confidence=0.95,
    ),
    # The consumer rights day and its complaint line (去315投诉, 打315), not a price, a bus route or a room.
    Group(
        "regulator",
        "mentions the consumer rights day or hotline (3·15)",
        (r"(?<![\d.])3[·.]?15(?![\d.]|[路号室元块次公里米毫克度%线栋楼])",),
        exclude=r"3[·.]?15晚会",
        confidence=0.75,
    ),
    # Regulators and consumer associations by name.
    Group(
        "regulator",
        "mentions a regulator or consumer association",
        (
            r"市场监督管理局|市场监管局|市场监管部门|市场监管|市监局|质量技术监督局|技术监督局|质监局|质监站|质监",
            r"食药监|药监局|食品药品监督|卫生监督所?|卫健委|卫生局|物价局|发改委|价格监督|价监",
            r"消费者协会|消协|消保委|消委会|消费者权益保护委员会",
            r"邮政管理局|国家邮政局|邮管局|邮政业申诉|(?:去|到|向|找|给)邮政局|邮政局投诉|住建局|住建委|房管局|房屋管理局|城管|"
            r"交通局|交通运输局|运管|环保局|生态环境局|税务局|工信部|通信管理局|电信用户申诉|银保监|金融监管|人民银行|证监会|"
            r"民航局|铁路局|文旅局|旅游局|教育局|人社局|劳动监察|网信办|纪委|人大代表",
            r"工商局|工商部门|工商所|(?:去|到|找|向|告到|投诉到|报给|报到)工商|市场局|消保(?:会|处|官)?",
            r"缺陷产品管理中心|缺陷产品|召回中心|质检总局|质检局|市场监督管理总局|国家市场监督|市场监管所|监管所|商务局|商务部",
        ),
        exclude=r"工商银行|工商(?:注册|信息|执照|登记)",
        confidence=0.9,
    ),
    # Government in general: city hotlines, petitions, "the relevant departments", reports to the authorities.
    Group(
        "regulator",
        "threatens to complain to the authorities",
        (
            r"市长热线|市民热线|政务热线|便民热线|政府热线|市长信箱|领导留言板|人民网留言|国务院客户端|互联网督查",
            r"信访|政府部门|监管部门|主管部门|行政部门|执法部门|(?:找|去|到|向|告到)政府|[市区县镇省]政府",
            r"(?:向|到|去|找|给|跟|告到)(?:有关|相关|上级|政府)部门(?:投诉|反映|反应|举报)?",
            r"投诉到监管|向监管|实名举报|举报",
            r"街道办|居委会|(?:给|找|去|到|向|告到)街道(?!上|边|两|口)",
            r"一二三一五|幺二三幺五|一二三四五|幺二三四五|全国12315|12315平台",
        ),
        exclude=r"举报(?:电话|奖励)?(?:是多少|在哪)",
        confidence=0.75,
    ),
    # A complaint taken to some authority the customer names their own way (投诉到区里的市场监管所, 向交通局反映).
    Group(
        "regulator",
        "threatens to complain to the authorities",
        (
            r"(?:投诉|举报|反映|反应|告|申诉)(?:到|给|至)了?(?:(?!你们|贵|公司|总部|客服|售后|厂家|商家|店|品牌|集团|物业|平台)"
            r"[^,.!?;。\s]){0,8}?(?:局|监管|管理所|监督所|有关部门|相关部门|政府|委员会)(?!长)",
            r"向(?:(?!你们|贵|公司|总部|客服|售后|厂家|商家|店|品牌|集团|物业|平台)[^,.!?;。\s]){1,8}?(?:局|监管部门|管理所|监督所)"
            r"[^,.!?;。\s]{0,3}?(?:投诉|举报|反映|反应|申诉)",
        ),
        confidence=0.8,
    ),
    # --- media ---------------------------------------------------------------------------------------------------
    # Journalists, newspapers, television and public opinion.
    Group(
        "media",
        "mentions the media or public opinion",
        (
            r"媒体|记者|报社|报纸|电视台|新闻热线|新闻媒体|上新闻|找新闻|舆论|舆情|公之于众|自媒体|大v|博主",
            r"315晚会|3·15晚会|3\.15晚会|央视315|央视3·15|黑猫投诉|聚投诉|消费保|人民网|人民日报|新华社|央视|焦点访谈|"
            r"采访|报道|网红|挂出来|挂你们|全网|拉横幅|拉条幅|举牌|车质网|汽车投诉网|新浪投诉|黑猫",
        ),
        # 多媒体 / 流媒体 are car and TV features, not the press.
        exclude=r"多媒体|流媒体|媒体中心|媒体播放|黑猫(?:警长|牌)|火爆全网|全网(?:最低|最便宜|爆款|热卖|同款|销量|第一|最火|通用)",
        confidence=0.85,
    ),
    # Exposure: 曝光 and the like. A camera's exposure is not the press.
    Group(
        "media",
        "threatens to expose the company publicly",
        (r"曝光|揭露|公开(?:此事|这件事|你们)",),
        exclude=(
            r"曝光(?:不足|过度|补偿|时间|度|值|参数|模式|锁定|过高|过低|太高|太低|偏|不准)|过曝|欠曝|自动曝光|长曝光|"
            r"多重曝光|测光"
        ),
        confidence=0.85,
    ),
    # Posting on social networks. A platform name alone is not enough: "在抖音上买的" is where they bought it.
    Group(
        "media",
        "threatens to post about the company online",
        (
            r"(?:发|发到|发在|发布到?|发个|发条|发了|传到|放到|挂到|挂在|晒到|晒在|晒出来|捅到|曝光到)(?:了)?"
            r"(?:微博|抖音|小红书|快手|b站|哔哩哔哩|知乎|朋友圈|视频号|公众号|贴吧|论坛|头条|业主群|网上|网络上|大众点评|点评|"
            r"[^,.!?;。]{0,4}?(?:生活号|本地号|同城号|公众号|论坛|网站|平台))",
            r"(?:微博|抖音|小红书|xhs|快手|朋友圈|网上|网络上|知乎|贴吧|论坛|b站|头条|车质网|汽车之家|懂车帝|易车|大众点评|点评|业主群)"
            r"(?:上|里|平台)?[^,.!?;。]{0,6}?(?:曝光|发了?(?:个|条|篇|一篇)?(?:帖|贴|视频|文章|文|长文|笔记)|吐槽|揭露|控诉|说说|"
            r"评评理|投诉|维权|写了?(?:个|条|篇|一篇)?(?:帖|差评|评价|文章|笔记)|挂)",
            r"发帖|发贴|发个?帖子|发(?:一|个)篇|发笔记|写(?:个|篇)?帖子",
            r"上热搜|热搜|让(?:大家|所有人|更多人|全国人民|网友|全网|别人)(?:都)?(?:看看|知道|评评理|评理|来评|看清)",
            r"@了?你们|发(?:个|条)?视频|拍(?:个|条)?视频发",
        ),
        exclude=r"发(?:个|条)?朋友圈[^,.!?;。\s]{0,2}?(?:夸|表扬|推荐|安利|好评|感谢|点赞)|(?:直播间|旗舰店|店铺)[^,.!?;。]{0,4}发帖",
        confidence=0.8,
    ),
    # A video, post or screenshots about to be published (视频剪好了，明天就发出去), reviews on every platform.
    Group(
        "media",
        "threatens to post about the company online",
        (r"发出去|放出来|(?:所有|各大|每个|全部)平台|写长文|小作文",),
        context=r"视频|帖子|文章|录音|录像|聊天记录|差评|长文|曝光",
        exclude=r"发出去(?:给|了?吗|了?没)",
        window=25,
        confidence=0.7,
    ),
    # Warning other buyers in a post (避雷, 姐妹们千万别买): written for the public.
    Group(
        "media",
        "warns other buyers publicly",
        (
            r"避雷|排雷|拔草帖|劝退帖|"
            r"(?:大家|姐妹们?|兄弟们?|家人们|宝子们|宝宝们|朋友们|各位|集美们)[^,.!?;。\s]{0,3}?(?:千万|一定)?(?:别|不要|慎)"
            r"(?:买|去|来|点|入|选|用|吃)",
            r"千万(?:别|不要|莫|勿|不能)(?:再)?(?:买|来|去|点|入|选|用|吃|住|办|信|碰|相信|上当|在)|劝(?:大家|各位|你们|所有人|诸位|朋友们|想买)|"
            r"奉劝|提醒(?:一下)?(?:大家|各位|广大|其他|后来)|(?:给|跟|替)(?:大家|各位)提(?:个)?醒|提个醒|慎买|慎入|慎重购买|慎选|慎点|"
            r"谨慎购买|不建议(?:大家|各位|任何人)[^,.!?;。\s]{0,2}?(?:购买|买|入手|选择|去|来|点)|不建议(?:购买|买|入手)|"
            r"不推荐(?:大家|各位)|不推荐(?:购买|买|入手)|避坑|别(?:再)?上当|不要上当|广大(?:消费者|车主|网友|买家|业主)",
        ),
        negatable=False,
        confidence=0.6,
    ),
    # A buyer's own bad buy, written for others to read (踩雷了, 踩坑).
    Group(
        "media",
        "warns other buyers publicly",
        (r"踩雷|踩坑",),
        # Only when it is written for others (大家, 姐妹们, 千万别); 又踩雷了 alone is the buyer's own bad luck.
        context=r"大家|各位|姐妹|宝子|家人们|朋友们|别买|不要买|别点|不要点|千万|提醒|劝|慎重|慎入|慎买",
        window=30,
        negatable=False,
        confidence=0.5,
    ),
    Group(
        "media",
        "warns other buyers publicly",
        (r"(?:大家|各位)(?:一定)?要?(?:注意|小心|当心)",),
        negatable=False,
        confidence=0.5,
    ),
    # --- legal -------------------------------------------------------------------------------------------------
    # Lawyers, courts, lawsuits and arbitration.
    Group(
        "legal",
        "mentions lawyers, courts or legal action",
        (
            r"律师函|律师|律所|起诉|诉讼|诉至|告上法庭|法庭|法院|打官司|官司|仲裁|控告|司法(?:途径|程序|鉴定|部门)|法律顾问|法务|"
            r"公证|证据保全|立案|开庭|判决|上诉|侵权|法律援助|12348",
            r"追究(?:你们的?|贵司的?|相关)?法律责任|法律责任|法律途径|法律手段|法律程序|法律武器|诉诸法律|走法律|依法维权|"
            r"维权到底",
            r"(?<![转报通公忠警广预劝宣祷控诉被原])告(?:你们|你|死你|到底|贵司|你公司|你们公司|他们)|去告|一直告|我要告|我就告|"
            r"告到(?:底|法院)|告到(?:你们?|贵司)?(?:倒闭|破产|关门)|传票|法院见|法庭上见",
        ),
        exclude=(
            r"(?:律师(?:事务所)?|法院|公安局?|派出所|检察院|法庭|警察局)(?:楼|路|街|大街|大道|巷|附近|旁边?|对面|楼下|隔壁|站|门口|那边|斜对面|东门|西门|小区|分店|店)|"
            r"律师事务所的?(?:打印机|办公室|前台|装修|物业)|"
            r"(?:工商|市场局|市监局|市场监管局|消协|消保委|12315|12345|政府|上级|总部|领导|老板)[^,.!?;。\s]{0,3}告"
        ),
        confidence=0.9,
    ),
    # Statutory claims under consumer law are a legal demand.
    Group(
        "legal",
        "makes a claim under consumer law",
        (
            r"退一赔三|假一赔十|十倍赔偿|三倍赔偿|赔偿十倍|赔偿三倍|十倍赔付|消费者权益保护法|消法|食品安全法|产品质量法|"
            r"民法典|合同法|三包法|《[^》]{1,20}(?:法|条例)》|[退假]一赔[三十]|退一赔十",
        ),
        confidence=0.85,
    ),
    # Fraud and breaking the law, said of the company: a legal claim, though often said in anger.
    Group(
        "legal",
        "accuses the company of breaking the law",
        (r"违法|犯法|欺诈|诈骗|敲诈|勒索|骗保|合法权益|依法",),
        exclude=r"电信诈骗|诈骗电话|防诈骗|反诈",
        confidence=0.6,
    ),
    # The police. Calling the police is counted as legal escalation (law enforcement), not as a regulator.
    # 报警 is also what a dashboard or a smoke detector does, so the person must be the one reporting.
    Group(
        "legal",
        "mentions calling the police",
        (
            r"(?:我|我们|要|去|就|已经|已|马上|立刻|立即|只能|只好|直接|必须|会|得|准备|打算|选择|让我|帮我|然后|先)报警",
            r"报了警|报的警|报过警|报警处理|报警了事|向警方|找警察|叫警察|警察(?:都|也|已经)?(?:来|到)|派出所|公安局|公安|"
            r"(?:打|拨打?|报|叫)了?110(?!\d)|(?:报|叫|找|喊)了?jc(?![a-z])|(?<![a-z])jc(?:都|也|已经)?(?:来|到)|报jing|"
            r"警察|民警|警方|出警",
        ),
        exclude=r"(?:律师(?:事务所)?|法院|公安局?|派出所|检察院|法庭|警察局)(?:楼|路|街|大街|大道|巷|附近|旁边?|对面|楼下|隔壁|站|门口|那边|斜对面|东门|西门|小区|分店|店)",
        confidence=0.85,
    ),
    # --- injury --------------------------------------------------------------------------------------------------
    # Injuries named as such.
    Group(
        "injury",
        "reports an injury",
        (
            r"受伤|受了伤|伤到|弄伤|割伤|烫伤|烧伤|灼伤|扎伤|刺伤|夹伤|砸伤|撞伤|"
            r"摔伤|扭伤|咬伤|挫伤|按伤|骨折|骨裂|脑震荡|流血|出血|流了.{0,3}血|缝了?.{0,2}针|伤口|破皮|淤青|瘀青|红肿|水泡|"
            r"人身伤害|人身安全|伤亡|致残|残疾|毁容|窒息|昏迷|晕倒|休克|一氧化碳中毒|煤气中毒|中暑",
        ),
        exclude=r"伤口贴|(?<!人身)安全带|伤到(?:了)?(?:车|漆|面|屏|外观|表面|零件|产品)|" + SURFACE_DAMAGE,
        confidence=0.9,
    ),
    # Words that also describe damage to things (外观划伤, 车漆刮伤, 苹果碰伤): an injury only with a person or body
    # part close by.
    Group(
        "injury",
        "reports an injury",
        (r"碰伤|划伤|刮伤|擦伤|磕伤|压伤|割破|划破|擦破|磕破|蹭破",),
        context=BODY + "|" + PERSON + r"(?:被|给|不小心|也|都|又|的)|流血|出血|血|疼|痛|医院|伤口|包扎|创可贴|诊所",
        window=8,
        exclude=SURFACE_DAMAGE,
        confidence=0.8,
    ),
    # Medical treatment. Any visit to a doctor is counted, whatever the cause (food poisoning included).
    Group(
        "injury",
        "mentions medical treatment",
        (
            r"(?:去|进|上|送|到|跑|住|在)了?(?:\w{0,4})?(?:医院|急诊|诊所)|住院|急诊|送医|就医|看医生|医药费|医疗费|输液|抢救|急救|洗胃|"
            r"打点滴|挂水|拍了?片|做了?手术|救护车|(?:打|叫|拨打?)了?120(?!\d)",
        ),
        exclude=r"医院(?:的)?(?:投诉|收费|挂号费)|宠物医院|兽医|(?:猫|狗)[^,.!?;。]{0,6}医院",
        confidence=0.8,
    ),
    # Harm to a person or a body part described by what happened.
    Group(
        "injury",
        "describes someone being hurt",
        (
            r"被[^,.!?;。]{0,6}?(?:烫|夹|划|割|砸|咬|扎|刺|撞|烧|压|磕|碰|绊|推|甩|弹|打|踢|踩)(?:伤|到|了|破|倒|中|出)",
            BODY + r"(?:被|给)?.{0,3}?" + HARM + r"(?:伤|破|出血|肿|青|到了|了一?道|了一下|起)",
            HARM + r"(?:伤|破|到|中|肿|青)了?(?:我|他|她|孩子)?的?.{0,5}?" + BODY,
            r"(?:划|割|拉|剌)了?.{0,3}(?:道|条|个)?口子",
            r"摔倒|跌倒|滑倒|绊倒|摔了一跤|摔跤|" + PERSON + r".{0,4}摔(?:下|了|到|在|伤|倒)|摔(?:伤|断|破)",
            r"(?:牙|牙齿)(?:都|也)?(?:崩|断|碎|裂|掉|磕)",
            r"从(?:梯子|楼梯|台阶|扶梯|电梯|床|椅子|凳子|马|自行车|电动车|高处|楼上|阳台|脚手架|滑梯|蹦床)上?"
            r"[^,.!?;。]{0,3}?(?:摔|跌|掉|滚)(?:了)?下(?:来|去)",
            r"(?:砸|打|撞)(?:到|中|在)了?" + PERSON + r"(?!的?(?:车|房|门|窗|东西|家|店|货|包|手机|电脑|桌|柜))",
            r"(?:头|脚背|手背|膝盖|脸)(?:都)?肿了|肿得",
            r"起了?红疹|红疹|起疹子|疹子|皮疹|烂脸|溃烂|发红发痒|瘙痒",
            r"鼻青脸肿|头破血流|遍体鳞伤|皮开肉绽|青一块紫一块|崴了?脚|闪了腰|烫红|烫得通红|牙(?:都)?松了|打人|打伤|殴打|"
            r"动手打|被打|验伤|伤情|燎了|燎到|(?:头发|眉毛|睫毛)(?:都)?(?:烧|燎)|摔得(?:很|好|特别)?(?:重|惨|疼|痛|不轻|起不来)",
            r"(?:骨头|腰|腿|膝盖|脚踝|手腕|胳膊|肩膀?|脖子|尾椎骨?|后背|牙|牙齿|门牙)[^,.!?;。]{0,6}?(?:疼|痛)",
            BODY + r"[^,.!?;。\s]{0,6}?(?:转不了|动不了|抬不起|直不起|弯不了|下不了地|走不了路)",
            BODY + r"[^,.!?;。\s]{0,3}?(?:青|紫|肿)了一?大?块|勒出了?(?:一道|血|红印|印子|伤)|"
            r"勒得[^,.!?;。\s]{0,3}?(?:发紫|通红|出血|红肿|喘不过气)|勒痕|化脓|发炎|(?:烫|烧|晒)得[^,.!?;。\s]{0,4}?(?:起泡|通红|脱皮|红肿)",
            r"卡在喉咙|卡喉咙|卡住喉咙|卡嗓子|噎住|噎着|动手(?:推|打|拉|扯)|推搡|推了?我一把",
        ),
        confidence=0.7,
        exclude=SURFACE_DAMAGE
        + "|"
        + (
            r"(?:车|车子|车辆|门|墙|窗|玻璃|东西|货|箱子|包裹|快递|柜子|电梯|屏幕|手机|包|价格|电话|订单)(?:也|都|又|全|给)?被|被压价|被推销|"
            r"(?:车|车子|车辆|爱车)[^,.!?;。]{0,6}被(?:人)?(?:撞|刮|蹭|砸)|"
            r"(?:划|刮|磨|割|扎)(?:破|烂|坏)了?(?:手套|衣服|裤子|袜子|鞋|外套|包)|"
            r"被推荐|被推送|被推给|被打了?回|被打开|被打折|被踢出|被甩锅|被踢皮球|被打(?:乱|断|扰|败|脸|卡)|"
            r"(?:瓶|杯|碗|盘|柜|桌|椅|门|窗|墙|镜|灯|机|器|箱|架|具|板|砖|面|壳|漆|屏|件|品|货)被"
        ),
    ),
    # Harm described by its result or its treatment (缝了三针 is above; 打破伤风, 脸上起泡, 开水溅到腿上).
    Group(
        "injury",
        "describes someone being hurt",
        (
            r"破伤风|狂犬疫苗|包扎|清创|消毒上药",
            BODY + r"(?:都|也)?" + HARM + r"(?:了|伤了|破了|肿了)(?=$|[,.!?;。\s]|现在|到现在)",
            r"被[^,.!?;。\s]{0,6}?" + HARM + r"得[^,.!?;。\s]{0,2}?(?:发紫|青紫|通红|红肿|肿|流血|出血|破|起泡|哭)",
            r"(?:开水|热水|热油|滚油|油|热汤|滚水|沸水|蒸汽|热气|汤)[^,.!?;。\s]{0,3}?(?:溅|洒|泼|浇|喷)(?:到|在|了)"
            r"[^,.!?;。\s]{0,2}?(?:" + PERSON + "|" + BODY + ")",
            BODY + r"上?[^,.!?;。\s]{0,2}?(?:擦|蹭|刮|磨)(?:掉|破|伤|烂)",
            r"把(?:我|人|孩子|小孩|老人|我妈|我爸|行人|路人|他|她)(?:给)?(?:撞|砸|烫|咬|夹|推|打)(?:了|倒|伤|翻|飞)",
            BODY + r"上?(?:都|也)?起了?(?:一片|一大片|好多|很多|一个|个|几个|一排|大片)?(?:小)?(?:红)?"
            r"(?:泡|水泡|红疹|疹子|疙瘩|包|红点)",
            r"红了一?大?片",
        ),
        exclude=SURFACE_DAMAGE,
        confidence=0.7,
    ),
    # Near misses: nobody was hurt, but only just.
    Group(
        "injury",
        "describes a near miss",
        (
            r"(?:差点|差一点|险些|差点儿|险)(?:就|把|让|被)?.{0,4}?(?:受伤|伤到|砸到|砸中|砸在|烫到|烫伤|划伤|摔倒|摔下|摔|撞到|"
            r"撞上|撞车|追尾|追上来|撞上来|翻车|掉下去|跌下去|摔下去|掉下来|摔下来|跌下来|出事|出车祸|车祸|事故|夹到|噎|呛|吞下|割到|扎到|刺到|电到|送命|没命|"
            r"撞(?!见|衫|脸)|咽|吞|塞(?:进|到)?嘴|卡(?:在)?(?:喉咙|嗓子)|夹|翻出|掉出|甩出|摔出)",
            r"(?:幸好|幸亏|还好|好在)[^,.!?;。\s]{0,4}?(?:刚|刚好|正好)?(?:离开|走开|躲开|闪开)",
            r"后果不堪设想|危及生命|危及人身|生命危险|出人命|人命关天|差点没(?:跑出来|逃出来|命|救过来|醒过来)|"
            r"差点(?:被)?(?:烧死|烫死|电死|砸死|摔死|淹死|憋死|闷死|噎死)|(?:吞|吃|吸)进去",
        ),
        confidence=0.6,
    ),
    # Illness after a medicine, cosmetic or chemical (after food it is food_safety).
    Group(
        "injury",
        "reports a reaction to a medicine, cosmetic or chemical",
        (
            r"头晕|头疼|头痛|呕吐|恶心|胃疼|胃痛|肚子疼|腹痛|发烧|过敏|红疹|腹泻|拉肚子|咳嗽|喉咙痛|流鼻涕|流眼泪|眼睛疼|呼吸困难|胸闷|心慌|不舒服|"
            r"刺痛|灼烧感|烂脸|脱皮|又红又痒|又红又肿|发痒|疙瘩|红点|痘痘|起痘|发红|红肿|化脓|掉皮|起皮",
        ),
        context=NON_FOOD_INTAKE,
        window=20,
        confidence=0.65,
    ),
    # Skin and allergic reactions to a product that is not food (food allergies are food_safety). 对花生过敏 says what
    # someone is allergic to, not that a reaction happened.
    Group(
        "injury",
        "reports an allergic reaction",
        (r"过敏(?!源|体质|史)",),
        not_context=FOOD,
        exclude=ALLERGY_DISPOSITION,
        confidence=0.7,
    ),
    # --- food_safety ---------------------------------------------------------------------------------------------
    # Food poisoning and the symptoms customers report after eating.
    Group(
        "food_safety",
        "reports illness after eating",
        (
            r"食物中毒|食品中毒|上吐下泻|拉肚子|闹肚子|拉稀|腹泻|呕吐|肚子[^,.!?;。]{0,6}?(?:疼|痛)|胃[^,.!?;。]{0,3}?(?:疼|痛)|腹痛|"
            r"肠胃炎|胃肠炎|"
            r"吃坏了?肚子|吃坏了|吃出(?:了)?(?:问题|毛病|病)|恶心(?:想吐|呕吐|反胃)|便血|大便(?:有血|带血)|诺如|沙门氏菌|"
            r"寄生虫|李斯特",
        ),
        not_context=NON_FOOD_INTAKE,
        unless=FOOD_NOUNS,
        confidence=0.85,
    ),
    # Weaker symptoms: only after something eaten.
    Group(
        "food_safety",
        "reports symptoms after eating",
        (
            r"中毒|吐了|想吐|一直吐|吐个不停|狂吐|吐得|反胃|头晕|发烧|过敏(?!源|体质)|恶心|不舒服|起了?红疹|红疹|疹子|皮疹|"
            r"嘴唇肿|喉咙肿|红疙瘩|疙瘩|荨麻疹|风团|喉咙发紧|嗓子发紧|喘不上气|呼吸困难|细菌感染|肠道感染|挂水|输液|打点滴|跑厕所|跑了?[^,.!?;。\s]{0,3}?趟厕所|蹲厕所|窜稀|一直拉|还在拉|拉个不停|拉了一?(?:晚上|夜|整晚|天)",
        ),
        context=FOOD,
        not_context=NON_FOOD_INTAKE,
        unless=FOOD_NOUNS,
        window=25,
        exclude=(
            r"(?:一口|吃了一口|尝了一?口|咬了一?口).{0,3}吐|看(?:到|见|着)[^,.!?;。]{0,3}吐|一氧化碳中毒|煤气中毒|恶心死|"
            r"太恶心|真恶心|" + ALLERGY_DISPOSITION
        ),
        confidence=0.7,
    ),
    # Undercooked meat, eggs and beans are a hazard even before anyone is ill (steak served rare is not).
    Group(
        "food_safety",
        "reports undercooked food",
        (
            r"没熟|没有熟|不熟|没[煮烤炸炒蒸]熟|夹生|半生不熟|(?:里面|中间|里头|芯)(?:还|都|全)?是?(?:血水|生的)|带血丝|血水|"
            r"(?:还是|都是|是|居然是|竟然是|全是)生的",
        ),
        context=r"肉|鸡|鸭|鹅|鱼|虾|蟹|牛(?!奶)|猪|羊|排骨|肠|翅|腿|丸|汉堡|串|蛋|饺子|馄饨|包子|扁豆|豆角|四季豆",
        exclude=r"[一二三四五六七]分熟",
        confidence=0.7,
    ),
    # Hygiene and food-safety terms.
    Group(
        "food_safety",
        "raises a food safety or hygiene problem",
        (
            r"食品安全(?!法)|食品卫生|细菌超标|菌落总数|菌落超标|大肠杆菌|农药残留|农残|添加剂超标|三无产品|地沟油|病死猪|注水肉",
        ),
        confidence=0.85,
    ),
    Group(
        "food_safety",
        "raises a hygiene problem with food",
        (r"不卫生|卫生(?:太|很|极|非常|特别)?(?:差|脏)|没有?消毒|不消毒|脏兮兮|(?:后厨|厨房)(?:太|很|特别)?脏",),
        context=FOOD + r"|餐具|后厨|厨房|店里|餐厅|饭店",
        confidence=0.6,
    ),
    # --- foreign_body --------------------------------------------------------------------------------------------
    # Named foreign bodies. 异物感 is a feeling in the eye or throat, not an object.
    Group(
        "foreign_body",
        "reports a foreign body",
        (
            r"(?<![灯罩成件束芯具路头幕眼])(?<!内部有)异物(?!感)|不明物体?|[硌咯]牙|[硌咯]到牙|[硌咯](?:得|疼|坏)[^,.!?;。\s]{0,2}牙|牙[^,.!?;。\s]{0,2}[硌咯]|硌得.{0,2}牙|(?:吃|喝)出来?了?(?:一|两|几|半|好几)?(?:根|只|个|块|片|条|颗|粒|团|坨|截|撮|堆)",
        ),
        confidence=0.85,
    ),
    # Objects and pests that count only in food or drink (头发 from a hairdresser or a shampoo does not).
    Group(
        "foreign_body",
        "reports an object or insect in food",
        (
            r"头发丝?|毛发|发丝|玻璃渣|玻璃碴|玻璃碎片|碎玻璃|钢丝球?|铁丝|金属丝|金属片|铁屑|铁钉|钉子|螺丝|塑料片|塑料皮|"
            r"塑料袋|塑料|橡皮筋|创可贴|烟头|石子|石头|沙子|沙粒|碎片|碎渣|渣子|木屑|指甲|牙签|线头|布条|胶布|保鲜膜|"
            r"漂浮物|悬浮物|杂质|絮状物|黑点|颗粒物?|硬物|硬块|粉块|不知道是什么东西|不知名的?东西|不明的?东西|"
            r"(?:黑色|白色|绿色|黄色|红色|透明|蓝色|金属|硬)的?[^,.!?;。\s]{0,2}?(?:颗粒|小颗粒|东西|物体|小块|碎屑|丝)|"
            r"(?:黑乎乎|黑漆漆|黑黑|毛茸茸|软软|硬硬|黏糊糊)的?(?:东西|小?块|颗粒|团|坨)|"
            r"(?:一|几|两|有)根[^,.!?;。]{0,8}?毛|动物的?毛|猪毛|鸡毛|鸭毛|烟灰|烟蒂|头皮屑|皮屑|口水|痰|"
            r"(?:掉|落|混|飞)进了?[^,.!?;。]{0,6}?(?:饮料|菜|汤|饭|食物|锅|碗|杯|奶茶|咖啡)",
            r"虫子|虫卵|活虫|小虫|肉虫|飞虫|米虫|蛆|苍蝇|蟑螂|小强|老鼠|蚂蚁|蜘蛛|蚊子|壁虎|生虫|长虫|一条虫|一只虫|有虫",
        ),
        context=FOOD,
        window=16,
        exclude=r"头发(?:干枯|分叉|毛躁|掉|脱落|油|断|少|变|烫|染|剪|洗|吹)|洗发|护发|理发|染发|烫发|剪发|发型|毛发旺盛",
        confidence=0.8,
    ),
    # Pests are named later in a sentence than the food (奶茶喝到底有个东西，捞出来一看是只蟑螂).
    Group(
        "foreign_body",
        "reports an insect or pest in food",
        (r"蟑螂|小强|苍蝇|老鼠|蛆|虫子|活虫|肉虫|飞虫|壁虎|(?<![昆害杀驱防])虫(?!草|害|子)",),
        context=r"(?:" + FOOD + r")[^,.!?;。]{0,20}?(?:捞|挑|夹|倒|吐|喝|吃|发现|看|有)",
        window=40,
        confidence=0.75,
    ),
    # --- spoiled -------------------------------------------------------------------------------------------------
    # Spoilage words that are unambiguous on their own.
    Group(
        "spoiled",
        "reports spoiled or expired goods",
        (
            r"变质|发霉|霉变|霉斑|霉点|霉菌|长霉|长毛(?![猫狗兔绒])|长白毛|长绿毛|长黑毛|发馊|馊了|馊味|馊的|酸臭|腐烂|腐败(?!分子)|"
            r"胀袋|胀包|胀罐|鼓袋|涨袋|过了保质期|超过保质期|超保质期|过保质期|保质期(?:都|已经|早就?|早都)?过了",
        ),
        exclude=(
            r"(?:券|卡|会员|积分|保修|质保|三包|活动|优惠|套餐|证|证件|护照|码|链接|红包|账户|密码|合同|押金|福利|权益|vip|"
            r"资格|期限|租约|驾照|年检|保险)期?(?:已经?|都|早就?|也|快要?|马上)?过期|过期(?:作废|不候|未用)|"
            r"(?:墙|墙面|墙壁|墙角|天花板|吊顶|屋顶|房间|屋里|卫生间|厕所|地下室|柜子|衣柜|地板)(?:上|里|面|都|已经|全|也)?"
            r".{0,2}发霉"
        ),
        confidence=0.85,
    ),
    # 过期 near food words: expired food.
    Group(
        "spoiled",
        "reports expired food",
        (r"过期",),
        context=FOOD + r"|保质期|生产日期|临期",
        window=20,
        exclude=EXPIRED_NOT_GOODS,
        confidence=0.85,
    ),
    # 过期 without food words: expired goods of some kind, less sure.
    Group(
        "spoiled",
        "reports expired goods",
        (r"过期",),
        exclude=EXPIRED_NOT_GOODS + r"|灭火器[^,.!?;。]{0,4}过期",
        confidence=0.45,
    ),
    # Spoilage words that count only for food.
    Group(
        "spoiled",
        "reports spoiled food",
        (
            r"不新鲜|异味|怪味|臭味|霉味|发臭|臭了|臭的|臭蛋|有点臭|酸了|变酸|发酸|有味道|味道不对|哈喇味|油哈味|发黑|发黏|发粘|"
            r"(?:水果|车厘子|樱桃|荔枝|猕猴桃|蓝莓|杨梅|橙子|苹果|梨|香蕉|葡萄|草莓|桃子?|芒果|西瓜|橘子|柚子|番茄|西红柿|土豆|菜|叶子|榴莲)[^,.!?;。]{0,6}烂",
            r"(?:一闻|闻着|闻起来|闻一下|闻了一下|有股|一股)[^,.!?;。\s]{0,3}?(?:酸|臭|馊|哈喇|霉|腥臭)",
            r"(?:肉|鱼|虾|鸡|鸭|牛奶|鲜奶|奶|汤|饭|菜|蛋)[^,.!?;。\s]{0,3}?(?:是|都是|已经|都)?(?:酸|臭|馊)的|黏糊糊|粘糊糊|"
            r"一层(?:白|绿|黑|灰|青)?毛|长(?:满|了)(?:白|绿|黑|灰|青)?毛|长了?(?:绿|黑|白|灰)斑|臭烘烘|臭哄哄|臭乎乎|散黄|"
            r"有股[^,.!?;。\s]{0,3}?酒味|发酵(?:了|过头)|(?:瓶|罐|袋|盒|包装)[^,.!?;。\s]{0,3}(?:鼓了|鼓起来|鼓包|胀了|胀起来)",
        ),
        context=FOOD,
        window=15,
        confidence=0.7,
    ),
    # Food gone off — unless a broken fridge or a power cut spoiled the customer's own groceries.
    Group(
        "spoiled",
        "reports spoiled food",
        (
            r"(?:肉|菜|奶|牛奶|酸奶|水果|鸡蛋|蛋糕|面包|饭|汤|鱼|虾|海鲜|橙子|苹果|香蕉|葡萄|西瓜|草莓|食物|食品)"
            r"(?:都|全|已经|早就?|全都|就)?(?:放)?坏了",
        ),
        not_context=r"冰箱|冰柜|停电|断电|不制冷|制冷",
        window=30,
        confidence=0.7,
    ),
    # --- fire ----------------------------------------------------------------------------------------------------
    # Fire, smoke, explosions.
    # 着火/起火/冒火 must be whole words: 一起火锅 and 看着火车 are not fires.
    Group(
        "fire",
        "reports fire, smoke or an explosion",
        (r"着火|起火|失火|冒火",),
        exclude=r"冒火了?(?:的|地)?心情|心里冒火|着火点",
        word=True,
        confidence=0.9,
    ),
    Group(
        "fire",
        "reports fire, smoke or an explosion",
        (
            r"火灾|冒烟|冒黑烟|冒白烟|冒青烟|冒火星|冒火花|火星子|烧焦|烧着了|自燃|爆炸|爆燃|燃烧|火苗|"
            r"明火|烧毁|烧没了|烧起来|燃起来|烧了个?洞|烧得变形|烧变形|烧黑|烧化|烧熔|熔化|熔了|烧焦味|烧塑料|熏黑|浓烟|"
            r"消防|火光|冒出火|烧(?:着|焦|糊)?的?(?:味道|味儿|气味)|点着|引燃|燃着|(?:被|给)火?烧(?:了|毁|坏|光|没|着)",
            r"(?:插头|插座|插孔|插口|插排|排插|插线板|电线|线路|接口|充电口|充电器|适配器|开关|电源线)[^,.!?;。]{0,4}?"
            r"(?:变黑|发黑|焦黑|烧坏|融化|熔化|变形|发烫|烫手|冒烟|融了|熔了|烧了)",
            r"(?:灯|灯罩|灯座|灯泡|灯管|插座|插头|开关|电线|线路|电源)[^,.!?;。\s]{0,6}?(?:黑了一?片|焦了|熏黑)",
        ),
        exclude=(
            r"爆炸头|信息爆炸|爆炸性|爆炸式|爆炸款|爆炸盐|爆炸贴|人气爆炸|点着头|点着灯|燃烧(?:脂肪|卡路里|热量)|气得冒烟|嗓子冒烟|喉咙冒烟|"
            r"消防通道|消防栓|"
            r"消防门|消防设施|消防检查|消防验收|(?:到|得)爆炸|爆炸(?:好吃|辣|甜|香|多|贵|难吃|好看|火|大)|"
            r"心(?:都|在|里|里面|头)?(?:在)?冒烟|爆炸的是|心态(?:都)?爆炸|心态炸了"
        ),
        confidence=0.85,
    ),
    # A burning smell, unless the text is about cooking (煮饭糊了有焦味).
    Group(
        "fire",
        "reports a burning smell",
        (r"焦糊味|焦味|糊味|烧焦的味|胶皮味|烧胶味|烤焦|烫焦|熏焦",),
        not_context=r"煮|饭|锅底|烤(?!焦)|煎|炒|炖|做菜|糊了|烧菜|熬|面包|蛋糕|饼|肉|菜",
        window=20,
        confidence=0.6,
    ),
    # Sparks, only near electrical things (an engine's 打火 is ignition).
    Group(
        "fire",
        "reports sparks from an electrical product",
        (r"火花|打火|跳火|拉弧",),
        context=ELECTRIC,
        exclude=r"打火机|点火|打不着火|打火打不着|打着火|打火困难|打火启动",
        confidence=0.75,
    ),
    # Batteries swelling or exploding.
    Group(
        "fire",
        "reports a swollen or exploding battery",
        (r"鼓包|鼓起来|胀气|膨胀|炸了|爆了|变形|发烫|烫手|烫得|过热|很烫|特别烫|温度(?:很|特别|非常)?高",),
        context=BATTERY,
        window=20,
        exclude=r"气炸了|炸了锅|炸毛|炸锅|水管|管子|轮胎|胎|爆了粗口|爆单|人气|爆了个火花|电话(?:都)?(?:被)?(?:打)?爆了|爆了?(?:款|单)",
        confidence=0.75,
    ),
    # Things that blow up: pressure cookers, kettles, gas bottles.
    Group(
        "fire",
        "reports something exploding",
        (
            r"(?:锅|高压锅|压力锅|煤气罐|气罐|热水器|热水壶|电池|手机|充电宝|灯泡|显示器|电视|空调|冰箱|电暖器|取暖器|手表)"
            r"[^,.!?;。]{0,8}?(?:炸了|炸开|爆开|爆了)|一声巨响",
            r"(?:玻璃杯|杯子|水杯|玻璃壶|玻璃|碗|盘子|壶|瓶子|锅盖|灯罩|镜子|花洒|淋浴房|浴室门)[^,.!?;。]{0,8}?"
            r"(?:炸了|炸开|炸裂|爆了|自爆)(?![鸡鱼虾串薯肉丸排翅饼东一个点几些])",
        ),
        confidence=0.85,
    ),
    # Gas leaks.
    Group(
        "fire",
        "reports a gas leak",
        (r"漏气|燃气味|煤气味|天然气味|液化气味|燃气泄漏|煤气泄漏|气体泄漏",),
        context=GAS,
        window=20,
        confidence=0.85,
    ),
    # --- electric_shock ------------------------------------------------------------------------------------------
    Group(
        "electric_shock",
        "reports an electric shock or current leakage",
        (
            r"漏电|触电|电击|被电(?:到|了|一下|得|伤|麻|哭)|外壳带电|机身带电|机壳带电|带电(?!作业|池)|有电流|电流感|过电",
            r"(?<![来停充断送通用供发致回])电(?:到|着)了?(?:我|手|人|孩子|小孩|一下|了)|电了(?:我|一下|他|她|孩子)|"
            r"被击了?一下|电手|电人|有点电|摸着有电|有电感|会电|电得|有麻感|一(?:摸|碰)就麻",
        ),
        exclude=r"漏电话|电到家|电到账|电人员|电手机|电手表|电手环|电手电|会电话|会电脑|防触电|防电击|触电保护|防漏电",
        word=False,
        confidence=0.85,
    ),
    # Tingling (麻手) only near electrical things.
    Group(
        "electric_shock",
        "reports tingling from an electrical product",
        (
            r"麻手|手(?:就|会|有点|一)?发?麻|发麻|麻麻的|酥麻|电麻|麻了一下|"
            r"(?:手|胳膊|手臂|手指|身上|全身|半边)[^,.!?;。\s]{0,3}?(?:都|也)?麻了",
        ),
        context=ELECTRIC,
        window=25,
        exclude=r"花椒|麻辣|腿麻|脚麻|坐麻|压麻|睡麻",
        confidence=0.65,
    ),
    # --- breakage ------------------------------------------------------------------------------------------------
    # A product or fitting breaks. Damage found on delivery is a delivery problem, not breakage in use, and damage
    # done from outside (撞塌, 摔碎) is not the product failing.
    Group(
        "breakage",
        "reports a product breaking",
        (
            r"断裂|折断|断掉|断开了|断成两截|断成|碎裂|炸裂|爆裂|崩裂|崩断|坍塌|倒塌|塌下来|爆胎|爆管|自爆|松脱|脱开|掉落|坠落|"
            r"开裂|裂开|裂缝|裂纹|破裂|碎掉|碎成|裂成|脱落|掉下来|掉了下来|砸下来|锈断|散架|爆开|炸开|崩开",
            r"(?:一|轻轻一)[拉扯碰掰拧压踩坐拽按推]就?(?:断|碎|裂|掉)",
            r"(?:鞋底|鞋跟|把手|拉手|手柄|扶手|轮子|椅腿|桌腿|床腿|螺丝|零件|部件|配件|盖子|按键|扣子|拉链头|挂钩|支架|合页|"
            r"铰链|车把|踏板|座椅|靠背|灯罩|镜片|镜腿|表带|提手|背带|接口|管子|水管|扇叶|叶片|刀片|轮胎|前轮|后轮|车轮)"
            r"[^,.!?;。]{0,6}?(?:掉了|掉下|脱了|断了|断开|飞了|松了|裂了|崩了|坏了|爆了|飞出去|飞出来|"
            r"甩出去|甩出来|崩出来|弹出来)",
        ),
        not_context=IN_TRANSIT,
        unless=IN_USE,
        window=25,
        exclude=BREAKAGE_FALSE_FRIENDS,
        confidence=0.75,
    ),
    # Tyres bulging or cracking (轮胎鼓包) — a blow-out waiting to happen.
    Group(
        "breakage",
        "reports a damaged tyre",
        (r"(?:轮胎|胎侧|胎壁|车胎|备胎)[^,.!?;。]{0,4}?(?:鼓包|起包|鼓起|开裂|裂纹|裂口)|胎(?:侧|壁)?鼓包",),
        confidence=0.8,
    ),
    # Children's things with small parts that come off or sharp edges: a choking or cutting hazard.
    Group(
        "breakage",
        "reports loose small parts or sharp edges on a child's product",
        (
            r"(?:小零件|零件|部件|刷毛|珠子|纽扣|扣子|眼睛|螺丝|纽扣电池|磁铁|磁珠|小球|配件|小部件|亮片|装饰)[^,.!?;。]{0,6}?"
            r"(?:掉|脱落|松|吞|崩)",
            r"(?:边缘|边角|棱角|毛刺|尖角|接缝|断口|切口)[^,.!?;。\s]{0,4}?(?:锋利|很利|太利|扎手|割手|划手|很尖|太尖|刮手)",
        ),
        context=r"孩子|宝宝|儿童|小孩|婴儿|幼儿|宝贝|童车|玩具|奶嘴|牙刷",
        window=30,
        confidence=0.65,
    ),
    # Short words that are breakage only as whole words: 不断了解 is not 断了, 火爆了 is not 爆了.
    Group(
        "breakage",
        "reports a product breaking",
        (r"断了|碎了|裂了|塌了|爆了",),
        not_context=IN_TRANSIT,
        unless=IN_USE,
        window=25,
        exclude=BREAKAGE_FALSE_FRIENDS,
        word=True,
        confidence=0.6,
    ),
    # --- failure_in_use ------------------------------------------------------------------------------------------
    # A safety function fails while the product is in use.
    Group(
        "failure_in_use",
        "reports a safety-relevant failure in use",
        (
            r"(?:刹车|制动|手刹|转向|方向盘|油门|离合|档位|挡位|换挡|气囊|安全带|安全阀|限压阀|排气阀|温控器?|漏电保护|熄火保护|锁止|防夹|"
            r"锁扣|卡扣|儿童锁|门锁|保险装置|保护装置|扶梯|电梯|防夹(?:功能)?|雷达|倒车影像|abs|esp|自动驾驶|辅助驾驶|"
            r"定速巡航|巡航|车道保持|自动刹车|aeb|自动门|感应门|电动门|旋转门)[^,.!?;。]{0,4}?"
            r"(?:不响|没响|不报警|夹人|夹到人|失灵|失效|失控|不灵|卡死|锁死|不起作用|不管用|没反应|没有反应|没弹|没有弹|未弹|不弹|没打开|打不开|扣不上|误触发|"
            r"锁不住|卡不住|松开|松脱|脱开|弹开|突然停|突然加速|下坠|坠落|下滑|溜|故障|冲顶|蹲底|不工作|卡住|回不来|弹不回|"
            r"下不去|踩不下去|踩不动|打不动|脱出)",
            r"(?:无法|不能|没法|没办法)(?:刹车|制动|转向|减速|刹住|停下|停车)|刹不住|暴冲|失控|溜车|抛锚|趴窝|半路熄火|"
            r"(?:行驶|开车|高速|路上|开着|开了|骑了)[^,.!?;。]{0,10}(?:熄火|停机|断电|失去动力|没有动力|没动力)|突然熄火|"
            r"突然失去动力|(?:倒了?|倾倒|翻倒)(?:以后|后|之后)?[^,.!?;。]{0,3}?(?:没有|没|不会|未|不能)(?:自动)?(?:断电|关机|停)|"
            r"跳到?空挡|自动(?:跳)?空挡|掉挡|动力中断|没有防夹|防夹(?:功能)?(?:失效|不灵|没用|不起作用)|"
            r"(?:尾门|车门|车窗|电动门|天窗|窗户|升降)[^,.!?;。\s]{0,4}?(?:夹手|夹人|夹到|夹住)|"
            r"(?:孩子|宝宝|小孩|婴儿|人|我|老人|狗|猫|宠物)[^,.!?;。\s]{0,3}?(?:被)?(?:锁|困|关)在(?:车里|车内|后排|里面|屋里)|"
            r"幽灵刹车|误刹车|(?:自动|主动|紧急)(?:紧急)?(?:刹车|制动)[^,.!?;。\s]{0,4}?(?:误|乱|自己|突然)|"
            r"(?:突然|自己|自动)[^,.!?;。]{0,4}?(?:加速|停机|停转|失控|往前溜|往后溜|往前冲|往后退|冲出去|溜车|滑行|动了|移动|"
            r"滑走|滑了)|刹车[^,.!?;。\s]{0,2}?(?:变)?(?:得)?(?:特别|很|非常|有点)?(?:软|没劲|踩到底)|"
            r"往前溜|往后溜|一直往前冲|使用中失灵|使用中突然|(?:跑着|用着|骑着|开着)\S{0,4}突然(?:加速|停|失灵)",
            r"电梯困人|困在电梯|被困电梯|困电梯|电梯.{0,6}(?:困人|下坠|坠落|冲顶|蹲底|夹人)|电梯门没关.{0,6}(?:运行|开|走)|"
            r"(?:锅盖|盖子|杯盖|壶盖)[^,.!?;。\s]{0,6}?(?:冲|飞|弹|崩|喷)(?:出|开|了|飞)",
            r"(?:突然|自己|自动|莫名)(?:卡住|卡死|停止|停转|倒转|反转|落下|落了下来|掉了下来|关上|合上|启动)",
            r"(?:卡扣|护栏|锁扣|门锁|安全锁|儿童锁|围栏|保险扣|扣子|插扣|搭扣|带扣|栏杆)[^,.!?;。]{0,6}?"
            r"(?:一[推拉按碰]就(?:开|松|脱)|不牢|松了|松动|自己开了|自动打开|打开了|脱开)",
            r"方向盘[^,.!?;。\s]{0,6}?(?:沉|打不动|转不动|锁住|锁死)|(?:猛|突然|自己|一下子)(?:冲|窜|蹿)(?:出去|出来|了出去|上去)|"
            r"窜车|猛冲",
            r"(?:骑|开|走|跑|用)着(?:骑|开|走|跑|用)着[^,.!?;。\s]{0,4}?(?:突然|就|自己)?"
            r"(?:没电|断电|熄火|停了|失灵|没动力|没了动力|掉电)",
            r"(?:排气阀|限压阀|安全阀|泄压阀|减压阀|浮子阀)[^,.!?;。\s]{0,4}?(?:堵|不排气|不泄压|卡住|失灵)",
            r"电梯[^,.!?;。\s]{0,8}?(?:往下掉|掉了一截|往下坠|往下滑|急坠|溜梯|夹人|夹到|夹住|关了(?:我们|人|我)|卡在)",
            r"(?:柜子|架子|货架|书架|购物车|推车|椅子|桌子|梯子|衣柜|电视柜|婴儿车|童车|展架|广告牌)[^,.!?;。]{0,8}?"
            r"(?:翻了|翻倒|倾倒|倒了下来|倒下来|砸下来)|(?:架|置物架|哑铃架|鞋架|衣架|展示架|围挡|隔板)(?:子)?(?:突然|直接|整个)?"
            r"(?:倒了|翻了|倒下|砸下|塌了)",
        ),
        exclude=r"情绪失控|失控的情绪|价格失控",
        confidence=0.85,
    ),
    # Steering that shakes or floats at speed (方向盘抖动 on the motorway): a loss of control waiting to happen.
    Group(
        "failure_in_use",
        "reports unstable steering at speed",
        (r"方向盘[^,.!?;。]{0,4}?(?:抖动|抖得|发抖|抖|发飘|飘|跑偏)|车身(?:抖动|发飘|飘)|发飘|跑偏",),
        context=r"高速|时速|车速|码|公里|km|行驶|开到|开着|[89]0|1[0-4]0",
        window=25,
        confidence=0.65,
    ),
    # An engine or motor cutting out on the road.
    Group(
        "failure_in_use",
        "reports a breakdown on the road",
        (r"熄火|失去动力|没动力",),
        context=r"高速|行驶|路上|马路|路口|开着|开车|骑着|骑车|车道|桥上|隧道|开到|半路|中途|途中|车速|时速|跑着|正开|"
        r"开了(?:一|几|没)",
        not_context=r"(?<!安全)停车(?:时|的时候|后|状态|场)|停好|启动不了|打不着|早上|冷车|充电",
        window=30,
        confidence=0.75,
    ),
    # A safety interlock that fails: a door open and the machine still running, radiation leaking.
    Group(
        "failure_in_use",
        "reports a safety interlock failing",
        (
            r"(?:门|盖子?)[^,.!?;。]{0,3}?(?:关不严|关不上|没关好?|打开)[^,.!?;。]{0,10}?(?:还在|照样|继续|仍然|依然|也能|还能)"
            r"(?:转|运行|工作|加热|启动)|辐射(?:超标|泄漏|外泄)|漏辐射|微波泄漏|(?:担心|怕)[^,.!?;。\s]{0,3}辐射",
        ),
        context=r"微波炉|洗衣机|烘干机|榨汁机|破壁机|料理机|搅拌机|粉碎机|电梯|烤箱|滚筒",
        window=40,
        confidence=0.65,
    ),
    # The customer says plainly that the product is dangerous (太危险了, 有安全隐患).
    Group(
        "failure_in_use",
        "says the product is dangerous",
        (r"安全隐患|存在隐患|(?:很|太|非常|特别|极其|十分|多么?|真的很|实在太)危险",),
        exclude=r"危险品|危险驾驶|危险动作",
        confidence=0.55,
    ),
    # Heating products that get too hot to touch.
    Group(
        "fire",
        "reports a heating product overheating",
        (r"(?:特别|很|非常|太|超级|极其)烫|烫得受不了|烫得不能|烫手|过热|温度(?:过高|太高|失控)|烫焦",),
        context=r"座椅加热|加热|电热|暖手宝|取暖器|暖风机|暖气片|电暖|热水袋|足浴盆|电饭|电磁炉|烤火|插头|插座|充电器|电源|适配器|线",
        window=20,
        confidence=0.6,
    ),
    # Fuel and oil leaking from a car's engine or tank: a fire waiting to happen.
    Group(
        "fire",
        "reports fuel or oil leaking from a car",
        (r"漏油|渗油|滴油|油(?:一直)?(?:往下)?滴",),
        context=r"发动机|油底壳|变速箱|机油|燃油|油管|油箱|车底|底盘|缸垫|气门室",
        window=20,
        confidence=0.55,
    ),
    # Someone trapped in a lift.
    Group(
        "failure_in_use",
        "reports people trapped in a lift",
        (r"困(?:了|住)|被困|关在里面|出不来",),
        context=r"电梯|扶梯|轿厢",
        window=30,
        confidence=0.8,
    ),
    # --- line_stop -----------------------------------------------------------------------------------------------
    # The customer's production line stopped or is about to (manufacturing seed: 主机厂停线).
    # 停线 must be a whole word: 暂停线上服务 is not a line stop.
    Group("line_stop", "reports a stopped production line", (r"停线",), word=True),
    Group(
        "line_stop",
        "reports a stopped production line",
        (
            r"断线停产|停产|全线停|停工待料|停机待料|待料停|被迫停",
            r"(?:生产线|产线|总装线|装配线|焊装线|涂装线|流水线|线体|车间|工厂|[一二三四五六七八九十\d]号线)[^,.!?;。]{0,6}?(?:停|停了|停止|停工|停产|停机)",
        ),
        exclude=(
            r"(?:型号|款|产品|配件|零件|备件|机型|车型|厂家|厂商|这个|该)[^,.!?;。]{0,4}停产|停产(?:的|型号|产品|配件|机型)|"
            r"早(?:就|已)停产|停产停业整顿"
        ),
    ),
    # --- batch ---------------------------------------------------------------------------------------------------
    # A whole batch, lot or model is affected.
    Group(
        "batch",
        "reports a batch problem",
        (
            r"批量|批次性|整批|同批次?|同一批|(?:这|那|该)一?批(?!人|评)|大面积|"
            r"普遍存在|普遍出现|召回|(?:多|好几|几|两|三|数)个批次|全部(?:返工|退货|召回|不合格|有问题)|批次问题",
            r"(?:\d+|[一二三四五六七八九十]+)月份?的?批次|(?:这个|上个|该|本|整个|同一个?)批次|批次(?:的|都|全|普遍|性)|本批(?!准|复)|"
            r"坏了一?大半|(?:一大半|大部分|一半以上|多数)(?:都)?(?:坏|有问题|出问题|不行|漏|不合格)|"
            r"(?:多|几|\d+|[二三四五六七八九十]+)多?(?:家|个(?!月)|台|辆|套)[^,.!?;。]{0,12}?(?:同一|同样的?|相同的?)个?"
            r"(?:位置|部位|地方|零件|部件)|"
            r"返工[\d几十百千]+(?:台|件|辆|套|个|批)|已有[\d几十百两三四五六七八九]+(?:台|辆|件|套|位|个|家|户|名)",
            r"(?:整箱|整盒|整件|整车|每箱|每一箱|每盒|每一盒|每个|每一个|每件|全部|所有的?|全都)(?:都|全|也)?"
            r"(?:是这样|这样|有问题|一样|坏|不能用|没法用|不合格|有这个问题|出现)",
            r"涉及[^,.!?;。]{0,4}?(?:约|近|超过)?[\d一二两三四五六七八九十百千万几]+(?:台|辆|件|套|户|批|个)",
        ),
        exclude=(
            r"批量(?:采购|购买|下单|订购|订货|导入|操作|处理|打印|发货|定制|价|生产)|大面积(?:停电|停水|降雨)|这批人|那批人|"
            r"(?:墙|墙面|屋顶|天花板|地面|地板|外墙|楼道|草坪|绿化)[^,.!?;。]{0,2}大面积"
        ),
    ),
    # Many customers, stores or franchisees report the same problem.
    Group(
        "batch",
        "reports the same problem from many customers or stores",
        (
            r"(?:很多|好多|大量|不少|多个|多名|多位|多家|好几[个家位名]?|几十[个家位名]?|十几[个家位名]?|七八[个家位名]?|"
            r"上百[个家位名户]?|一大批|所有的?|整栋楼?的?|全小区的?|全部的?|各个|各|[\d两三四五六七八九十]+[个家位名户])"
            r"(?:顾客|客户|用户|消费者|门店|店|店铺|加盟商|加盟店|业主|住户|车主|买家|客人|会员|学员|家长|乘客|租户|商户)"
            r"(?:都|也|均|纷纷|同时)?[^,.!?;。]{0,4}?(?:反映|投诉|遇到|出现|反馈|有|说|收到|来店)",
            r"(?:好几|很多|好多|不少|几十|十几|上百|七八|[\d两三四五六七八九十]+)(?:家|户|位)(?:都|也|均|纷纷)"
            r"[^,.!?;。\s]{0,2}?(?:反映|投诉|出现|遇到|反馈)|"
            r"不只是?我一[个家]|不止我一[个家]|不止一[个家](?:门店|店|客户|顾客)|(?:多个|好几个|几个|各个|所有)门店都",
            r"集体(?:投诉|退|起诉|维权|退出|报警)|联合起来|联名|一起(?:去)?(?:投诉|报警|起诉|维权)|"
            r"(?:业主|住户|顾客|客户|用户|加盟商|车主|家长)们|"
            r"(?:十|[\d]{2}|几十|上百|百|千)多?(?:双|件|台|个|盒|箱|瓶|辆|套|单)[^.!?;。]{0,5}?(?:都|全)|"
            r"(?:好几|很多|好多|多|几十|十几|大部分|一半)(?:盒|箱|瓶|包|袋|件|台|批)(?:都|全)",
        ),
    ),
    # --- repeat --------------------------------------------------------------------------------------------------
    # The customer has complained before, or the problem came back.
    Group(
        "repeat",
        "says the problem or complaint is a repeat",
        (
            r"第[二三四五六七八九十两\d]+(?:次|回)(?![^,.!?;。]{0,6}?(?:买|购|下单|光顾|消费|入住|来店|合作|用餐|吃饭|使用|用就|"
            r"来(?:你们|这|贵)|吃(?!出|坏)|点(?:餐|单|菜|外卖)|在你们))",
            r"(?:已经|这)是?[^,.!?;。]{0,4}?第[二三四五六七八九十两\d]+(?:台|个|件|回)",
            r"连续" + NUMBER + r"(?:个月|个星期|周|天|批|次|回)(?:都|来)?(?:收到|出现|发生|投诉|反映)",
            r"又(?:出现|发生|坏|出了|出问题|漏|断|卡|响|亮|来了|开始|犯|复发|没了|发现|停|跳闸)|又一次|再一次|又是同样|"
            r"三天两头|隔三差五|一而再|一拖再拖|拖了又拖|一推再推|一等再等|一次次|一次又一次|再三|"
            r"又(?:充|打|开|启动|用|连|关|转|亮|响|制冷|加热|出水|排水)不",
            r"第[二三四五六七八九十两\d]+(?:次|回)[^,.!?;。]{0,8}?(?:遇到|碰到|出现|发生)(?:这|同样|类似|一样)",
            r"(?:丢|坏|错|漏|少|送错|发错|漏发|少发|换)了(?:我)?" + NUMBER + r"(?:个件|件|单|台|个|次|回)"
            r"(?!月|多月|星期|礼拜|小时|钟头|工作日)",
            r"再次(?:投诉|反映|出现|发生|联系|来电|报修|维修|损坏|坏|催|找|发现)|重复(?:投诉|出现|发生|维修|报修|故障|反映)",
            r"多次(?:投诉|反映|联系|打电话|来电|催|维修|报修|沟通|出现|找|提出|要求|上门|修)|屡次|屡屡|一再|三番五次|三番两次|"
            r"无数次|反复(?:出现|发生|维修|修|投诉|反映|联系|打电话|沟通|催)|反反复复",
            r"上次(?:投诉|反映|报修|修|维修|也|就|说好|答应|承诺|的问题)|(?:之前|以前|早就|已经|以经)(?:投[诉述]|反映|报修|反馈)过|"
            r"投[诉述]过|每次[^,.!?;。\s]{0,4}?都(?:是|说)?(?:同样|一样|这样|这么说|那套|这套)|"
            r"不是第一次|老问题",
            r"(?:投诉|投述|反映|反馈|打|联系|修|维修|报修|返修|催|找|来|跑|换|退|问|说|出现|发生|提|看|上门|送错|打电话|来电|连续|"
            r"坏|出|停|断|卡|死机|跳闸|骗|坑|忽悠|糊弄)"
            r"(?:了|过)?[^,.!?;。\d]{0,3}?" + NUMBER + r"(?:次|回|趟|遍|个电话|通电话|个投诉)",
            r"每次(?:打电话|联系|找|问|修|来修|都说)",
        ),
        exclude=r"重复扣款|重复扣费|重复收费|多扣了?.{0,3}次",
    ),
    # --- churn ---------------------------------------------------------------------------------------------------
    # The customer says they will leave: stop buying, cancel membership, change supplier, end cooperation.
    Group(
        "churn",
        "says they will stop buying or end the relationship",
        (
            r"[再在]也不(?:买|来|用|会|去|敢|光顾|选择|相信|合作|点)|以后(?:都|再)?不(?:会)?(?:再)?(?:买|来|用|光顾|选择|合作|点)|"
            r"不会再(?:买|来|用|光顾|选择|合作|点|去|在)|永远不(?:会)?(?:再)?(?:买|来|用)|不敢再买",
            r"(?:退|注销|取消|退掉|不续)(?:你们的?|贵司的?)?(?:会员|会籍|年卡|卡|储值|vip)|退卡|销卡|销户|注销账户|注销账号|"
            r"(?:储值|余额|预付款)(?:都|全)?退|把(?:会员)?卡(?:给)?退了|退了(?:会员|卡)",
            r"退出加盟|不再加盟|终止加盟|解除加盟|退盟|撤店|不加盟了|解约|另找(?:供应商|厂家|一家)|不续签|不再续签|"
            r"重新(?:评估|考虑|选择)(?:供应商|合作)|评估是否(?:继续)?合作|携号转网|拆机|退网|销号|"
            r"不(?:跟|和|与)(?:你们|贵司|你)(?:再)?合作|淘汰(?:供应商|你们)|供应商淘汰|取消(?:你们的?)?供应商资格",
            r"(?:取消|终止|中止|停止|结束|解除)(?:合作|合同|协议|供货关系)|不再(?:合作|续约|续费|购买|采购|下单|使用|选择)|"
            r"(?:更换|换|转向|转给|转到|寻找|找)(?:其他|别的|新的|另外的?)?(?:的)?供应商|换一家|换别家|换家|去别家|转投|"
            r"不续约|不续费|拉黑(?:你们|这家|了)|拉入黑名单|永不再(?:见|来|买|用)|合作到此为止|不续了|"
            r"(?:到期|以后|今后|从此|从今往后)[^,.!?;。\s]{0,3}?(?:就|都|再)?不(?:来|买|用|去)了|换了?(?:别家|其他家|另一家)|"
            r"注销吧|把(?:我的)?(?:号|宽带|账户|账号|卡)[^,.!?;。\s]{0,3}?(?:注销|销了|停了|拆了)",
        ),
        exclude=r"(?:朋友|大家|别人|网友|邻居)[^,.!?;。]{0,3}说(?:以后)?(?:再也不|不会再)",
    ),
    # --- emotional -----------------------------------------------------------------------------------------------
    # Anger, exasperation and insults.
    Group(
        "emotional",
        "is angry or upset",
        (
            r"气死|气炸|太气人|气人|忍无可忍|受够了|愤怒|火大|恼火|生气|极其不满|强烈不满|非常不满|极度不满|太过分|过分了|"
            r"欺人太甚|欺负人|骗子|骗人|欺骗|忽悠|坑人|坑爹|坑钱|黑心|奸商|无良|无耻|不要脸|流氓|岂有此理|什么破|寒心|心寒|"
            r"失望透顶|彻底失望|太失望|无语|崩溃|抓狂|窝火|憋屈|离谱|差劲|太恶心|真恶心|恶心死|简直了|欺负老百姓",
            r"服了你们|真是服了|我服了|服气了|太蠢|蠢货|弱智|脑残|白痴|智障|废物|饭桶|呵呵|醉了|心累|闹心|糟心|烦死|"
            r"气得|搞什么鬼|什么玩意|糊弄|耍人|耍我|当猴耍|想骂人|想骂娘|想打人|可恶|莫名其妙|搞笑|可笑|荒唐|荒谬|扯淡|"
            r"太坑|被坑|坑死|坑了我|坑我|不讲理|不讲道理|耍赖|无赖|霸道|当傻子|当傻瓜|当冤大头|欺负消费者|糊弄消费者",
            r"垃圾(?:产品|公司|服务|质量|商家|客服|东西|玩意|品牌|店|企业|物业|售后|态度|平台|快递|商品)|"
            r"(?:真|太|什么|简直|就是)垃圾",
            r"(?<![a-z])(?:tmd|nmd|cnm|mmp|wtf|sb|md|tm的)(?![a-z\d])|尼玛|你妈的?|他妈的?|特么|卧槽|我靠|艹|要疯了|快疯了|逼疯|"
            r"瞎了眼|不识字|眼瞎|脑子进水|有病吧|情绪(?:很|非常|特别|十分|比较)?(?:激动|激烈|崩溃|失控)|大发雷霆|破口大骂|暴怒|"
            r"从来?没(?:这么|如此|那么)(?:生气|窝火|憋屈|窝囊)|"
            r"骗了我|被骗|骗我|骗钱|真(?:的|是)?绝了|恶心人|一肚子火|满肚子火|火冒三丈|狗屁|放屁|屁用|好欺负|"
            r"谢谢你们?全家|会谢(?!谢)|我(?:真的?)?谢谢你们?(?:啊|哦|嘞|了)|(?<![\u4e00-\u9fff])垃圾(?![\u4e00-\u9fff])|[\U0001f620\U0001f621\U0001f624\U0001f92c\U0001f4a2\U0001f47f\U0001f595]",
        ),
        exclude=r"空气炸锅|气炸锅",
    ),
    Group(
        "emotional",
        "writes with repeated exclamation or question marks",
        (r"!{2,}|\?{3,}",),
        negatable=False,
    ),
)

# ---------------------------------------------------------------------------------------------------------------
# Negation
# ---------------------------------------------------------------------------------------------------------------

# Negators, longest first. A negator within NEGATION_WINDOW characters before a term, in the same clause, cancels
# it (没有受伤, 不想打12315, 幸好没人受伤).
NEGATORS = (
    r"幸好没有|幸好没|好在没有|好在没|还好没有|还好没|万幸没有|万幸没|并没有|并没|并非|并不|毫无|从未|从没|不是|不会|不用|"
    r"不需要|不必|不想|不要|不打算|不可能|不至于|没有|没|未|无|别|不|非"
)
NEGATION_WINDOW = 10

# Words that contain a negator character but do not negate what follows (不断, 非常, 特别, 无语 …),
# A-not-A questions (会不会爆炸 asks, it does not deny), and 不排除/不惜 which announce rather than deny.
NOT_NEGATION = (
    r"不断|不停|不良|不满|不少|不仅|不但|不光|不止|不好|不行|不对|不合格|不合理|不舒服|不安全|不安|不小心|不慎|不久|不料|"
    r"不幸|不得不|不得已|不得了|不管|不论|不知道?|不够|不足|不明|不干净|不新鲜|不卫生|不正常|不负责|不作为|不耐烦|不然|"
    r"不排除|不惜|不怕|不介意|不就是|不正是|不一样|不错|不爽|不公|不如|不值|不稳|不一会|不灵|不到|不了|差不多|受不了|"
    r"忍不住|对不起|了不起|来不及|说不定|看不起|会不会|是不是|能不能|有没有|要不要|可不可以|算不算|该不该|用不用|"
    r"没想到|没多久|没几天|没两天|没过多久|没用多久|没用几|没一会|没完没了|没良心|没素质|没办法|没法|没人管|没人理|"
    r"无良|无耻|无语|无数|无故|无缘无故|无奈|无理|无聊|无效|无法|毫无诚意|"
    r"未成年|未来|未知|未经|未满|"
    r"非常|非要|非得|是非|非法|除非|莫非|"
    r"别人|别的|别家|分别|特别|区别|差别|别墅|告别|级别|类别|个别|识别|性别|别处"
)

# Words between a negator and the term that end its scope: a condition or a consequence follows
# (不处理我就打12315, 没有及时维修导致停线, 再不退款我要起诉).
SCOPE_BREAKERS = (
    r"就|便|才|否则|不然|的话|要不|我|还|而且|并且|又|结果|竟然|居然|然后|导致|造成|引起|害得|害|让|使|以致|以至|只能|"
    r"只好|于是|所以|因此|直接|不然|再"
)

# A negator right after one of these is part of a condition, not a denial of the term that follows
# (如不给说法将向媒体反映, 要是不退我就起诉).
CONDITION_BEFORE_NEGATOR = r"如果|如|若|要是|假如|倘若|一旦|万一|只要"

# Clauses: negation never crosses these. 但/但是/可是/不过 start a new clause (不想…但如果…就打12315). Spaces and
# emoji count as punctuation: chat messages and posts use them so.
CLAUSE_BREAKS = r"[,.!?;:。\s…~\u2600-\u27bf\U0001f300-\U0001faff]|但是|可是|不过|然而|但"

# A denial followed by a condition keeps the threat alive: 我不想打12315，但如果明天还没人管我就打.
CONDITIONAL_AFTER_DENIAL = (
    r"(?:但是|但|可是|不过)[^。!?]{0,30}?(?:如果|要是|假如|再|否则|不然)[^。!?]{0,20}?(?:就|只能|只好|会)"
)

# Rhetorical questions that affirm (难道不是食物中毒吗, 这不就是欺骗吗).
RHETORICAL = r"难道|岂不|不就是|不正是|不是.{0,20}吗|不是.{0,20}么"

# A denial right after the term, in the same clause (受伤倒是没有, 12315就算了, 律师就不找了, 报警倒不至于).
# 打了12315没用 is no denial: the call was made.
DENIALS_AFTER = (
    r"(?:什么的|之类的?|啥的|这些|这种事|的话|方面|这块|这个|我)?"
    r"(?:(?:倒是?|到是|是|倒也)(?:没有|没|不至于|没必要)(?!用|人|办法|法|结果|下文|回音|回复|效果|反应|理|管)|"
    r"(?:就|也|倒是?)?(?:算了|免了|罢了|不必了|不用了|不需要了)|不至于|没必要|"
    r"(?:就|先|暂时|暂时先|倒是?|也)不(?:找|打|去|请|报|发|告|考虑|追究|起诉|闹|投诉|麻烦)了?)"
)

# Words that make a hazard imagined rather than reported (万一着火怎么办, 会不会漏电, 怕孩子摔倒): still worth a flag,
# with less confidence.
MISTAKEN = r"(?:还|原|本)?以为|误以为"
HYPOTHETICAL = r"如果|假如|万一|要是|假设|倘若|会不会|是否会|容易|可能会|担心|害怕|怕|以免|防止|避免|一旦|会不会|能不能"

# A shop assistant's, salesman's or technician's assurance about a hazard (店员说不会漏电的, 销售说万一自燃会赔) is
# not the customer reporting one.
STAFF_SPEECH = (
    r"(?:店员|客服|销售|导购|师傅|商家|老板|工作人员|服务员|售货员|厂家|4s店|卖家|店家|经理|店长|技师|维修工|安装工|业务员|"
    r"说明书|宣传|广告|介绍)[^,.!?;。]{0,3}?(?:说|称|表示|保证|承诺|告诉我|解释|讲|说过|一直说|写着|上写|号称|宣称)"
)
STAFF_ASSURANCE = r"会|不会|绝对|保证|放心|肯定|可能|如果|万一|就算|即使|不可能|没有|没|不|防|安全"
