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
- `negatable`: whether a negator shortly before the match cancels it (没有受伤, 不想打12315).

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
    "齒齿 術术 輸输 廁厕 樑梁 鋁铝 銅铜 錫锡 鍵键 釘钉 鏈链 輪轮 擋挡 闆板 墊垫 艙舱 緊紧 鬆松 彈弹"
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
    r"|宠物食品|芒果|榴莲|橙子|苹果(?!手机|电脑|店)|香蕉|葡萄|草莓|西瓜|桃子|梨子|坚果|花生|海苔|腊肠|香肠|火腿|奶昔|饼干"
    r"|蛋黄|鸡蛋|蛋挞|肉|鱼|虾|鸡|鸭|鹅|火锅|烧烤|炸串|烤串|串串|汉堡|披萨|薯条|薯片|罐头|糖|巧克力|豆腐|豆浆(?!机)|茶饮"
    r"|茶水|果茶|凉茶|矿泉水|饮用水|瓶装水|纯净水|辅食|小笼包|酸菜鱼|杯底|碗里|盘子里)"
)
FOOD = r"(?:吃(?!药|亏|惊|力|香|醋|不消)|喝|嘴里|口里|咽|嚼|咬|下肚|入口|" + FOOD_NOUNS + ")"

# Medicines, cosmetics and chemicals: illness after these is an injury, not food safety.
NON_FOOD_INTAKE = (
    r"(?:药|化妆品|护肤品|面膜|面霜|乳液|精华|口红|粉底|防晒|洗面奶|沐浴露|牙膏|香水|洗发|染发|美容|嫩肤|医美|纹眉|美甲|"
    r"纸尿裤|尿不湿|甲醛|油漆|除甲醛|消毒液|清洁剂|洗涤剂|杀虫剂|蚊香|香薰|涂抹|敷|吸入|闻了|刺鼻|化学味|油漆味|胶水味|塑料味)"
)

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
    r"(?:(?<![龙插镜枕馒码石木罐斧锄箭针念苗线接源车床灯])头|脸|眼睛?|鼻子|嘴巴?|嘴唇|牙齿?|舌头|耳朵|脖子|喉咙|手指?|手臂|胳膊|手腕|手掌|手背|腿|膝盖|脚趾?|脚踝|脚背|"
    r"腰|背|胸|肚子|皮肤|身上|肩膀?|额头|后脑勺?|下巴|指甲|尾椎骨?)"
)
HARM = r"(?:划|割|烫|烧|夹|砸|扎|刺|撞|磕|咬|压|剪|戳|崴|扭)"

NUMBER = r"(?:两|二|三|四|五|六|七|八|九|十|几|好几|很多|多少|多|无数|N|n|\d+)"

# Words that look like breakage but are not a product breaking in use.
BREAKAGE_FALSE_FRIENDS = (
    r"(?:电话|网|网络|信号|联系|通话|线|货|电|气|水|头发|发尾|发丝|牙|牙齿)(?:都|也|就|又|突然)?断了|"
    r"断了(?:联系|货|网|电|线|气|水)|不断了|心(?:都)?碎了|(?:牙|牙齿|嘴唇|皮肤|手|脚|脚后跟)(?:都|也)?(?:裂|开裂|裂开|崩)|"
    r"(?:漆|漆面|皮|表皮|皮面|色|胶|毛|涂层|镀层|头发|墙皮|贴纸|标签|logo|字)(?:都|也|有点|大面积|大块|大片|成片)?脱落|"
    r"(?:价格|价|分数|成绩|眼泪|泪)(?:都)?掉下来|爆了粗口|人气|爆单|火爆|挤爆|爆了个火花|电话打爆|爆满|"
    r"(?:电梯|扶梯)(?:突然)?(?:坠落|下坠)|(?:撞|砸|踢|摔|压|踩|碰)(?:得)?(?:塌|倒|坏|碎|断|裂)|"
    r"从(?:床|沙发|椅子|楼梯|台阶|车|床上|上面|高处|楼上)[^,.!?;。]{0,3}(?:掉|摔|跌)下|"
    r"(?:充电|电池|电瓶|充电宝|热水器|燃气|煤气)[^,.!?;。]{0,8}?(?:爆了|炸开|爆开)"
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
            r"工商局|工商部门|工商所|(?:去|到|找|向|告到|投诉到|报给|报到)工商",
        ),
    ),
    # Government in general: city hotlines, petitions, "the relevant departments", reports to the authorities.
    Group(
        "regulator",
        "threatens to complain to the authorities",
        (
            r"市长热线|市民热线|政务热线|便民热线|政府热线|市长信箱|领导留言板|人民网留言|国务院客户端|互联网督查",
            r"信访|政府部门|监管部门|主管部门|行政部门|执法部门|(?:找|去|到|向|告到)政府",
            r"(?:向|到|去|找|给|跟|告到)(?:有关|相关|上级|政府)部门(?:投诉|反映|反应|举报)?",
            r"投诉到监管|向监管|实名举报|举报",
            r"街道办|居委会",
        ),
        exclude=r"举报(?:电话|奖励)?(?:是多少|在哪)",
    ),
    # --- media ---------------------------------------------------------------------------------------------------
    # Journalists, newspapers, television and public opinion.
    Group(
        "media",
        "mentions the media or public opinion",
        (
            r"媒体|记者|报社|报纸|电视台|新闻热线|新闻媒体|上新闻|找新闻|舆论|舆情|公之于众|自媒体|大v|博主",
            r"315晚会|3·15晚会|3\.15晚会|央视315|央视3·15|黑猫投诉|聚投诉|消费保|人民网|人民日报|新华社|央视|焦点访谈|"
            r"采访|报道|网红|挂出来|挂你们|全网|拉横幅|拉条幅|举牌",
        ),
        # 多媒体 / 流媒体 are car and TV features, not the press.
        exclude=r"多媒体|流媒体|媒体中心|媒体播放",
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
    ),
    # Posting on social networks. A platform name alone is not enough: "在抖音上买的" is where they bought it.
    Group(
        "media",
        "threatens to post about the company online",
        (
            r"(?:发|发到|发在|发布到?|发个|发条|发了|传到|放到|挂到|挂在|晒到|晒在|晒出来|捅到|曝光到)(?:了)?"
            r"(?:微博|抖音|小红书|快手|b站|哔哩哔哩|知乎|朋友圈|视频号|公众号|贴吧|论坛|头条|业主群|网上|网络上|大众点评|点评|"
            r"[^,.!?;。]{0,4}?(?:生活号|本地号|同城号|公众号|论坛|网站|平台))",
            r"(?:微博|抖音|小红书|快手|朋友圈|网上|知乎|贴吧)(?:上|里)?.{0,4}(?:曝光|发了?帖|发了?视频|发了?文章|吐槽|揭露|控诉)",
            r"上热搜|热搜|让(?:大家|所有人|更多人|全国人民|网友|全网|别人)(?:都)?(?:看看|知道|评评理|评理|来评|看清)",
            r"@了?你们|发(?:个|条)?视频|拍(?:个|条)?视频发",
        ),
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
            r"告到(?:底|法院)",
        ),
        exclude=r"律师事务所的?(?:打印机|办公室|前台|装修|物业)",
    ),
    # Statutory claims under consumer law are a legal demand.
    Group(
        "legal",
        "makes a claim under consumer law",
        (
            r"退一赔三|假一赔十|十倍赔偿|三倍赔偿|赔偿十倍|赔偿三倍|十倍赔付|消费者权益保护法|消法|食品安全法|产品质量法|"
            r"民法典|合同法",
            r"违法|犯法|欺诈|诈骗|敲诈|勒索|骗保",
        ),
    ),
    # The police. Calling the police is counted as legal escalation (law enforcement), not as a regulator.
    # 报警 is also what a dashboard or a smoke detector does, so the person must be the one reporting.
    Group(
        "legal",
        "mentions calling the police",
        (
            r"(?:我|我们|要|去|就|已经|已|马上|立刻|立即|只能|只好|直接|必须|会|得|准备|打算|选择|让我|帮我|然后|先)报警",
            r"报了警|报警处理|报警了事|向警方|找警察|叫警察|警察来|派出所|公安局|公安|(?:打|拨打?|报|叫)了?110(?!\d)",
        ),
    ),
    # --- injury --------------------------------------------------------------------------------------------------
    # Injuries named as such.
    Group(
        "injury",
        "reports an injury",
        (
            r"受伤|受了伤|伤到|弄伤|碰伤|划伤|割伤|割破|划破|刮伤|擦伤|擦破|磕破|烫伤|烧伤|灼伤|扎伤|刺伤|夹伤|砸伤|撞伤|"
            r"摔伤|扭伤|咬伤|挫伤|按伤|骨折|骨裂|脑震荡|流血|出血|流了.{0,3}血|缝了?.{0,2}针|伤口|破皮|淤青|瘀青|红肿|水泡|"
            r"人身伤害|人身安全|伤亡|致残|残疾|毁容|窒息|昏迷|晕倒|休克|一氧化碳中毒|煤气中毒",
        ),
        exclude=r"伤口贴|(?<!人身)安全带",
    ),
    # Medical treatment. Any visit to a doctor is counted, whatever the cause (food poisoning included).
    Group(
        "injury",
        "mentions medical treatment",
        (
            r"(?:去|进|上|送|到|跑|住|在)了?(?:\w{0,4})?(?:医院|急诊|诊所)|住院|急诊|送医|就医|看医生|医药费|医疗费|输液|"
            r"打点滴|挂水|拍了?片|做了?手术|救护车|(?:打|叫|拨打?)了?120(?!\d)",
        ),
        exclude=r"医院(?:的)?(?:投诉|收费|挂号费)",
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
            r"(?:骨头|腰|腿|膝盖|脚踝|手腕|胳膊|肩膀?|脖子|尾椎骨?|后背)[^,.!?;。]{0,6}?(?:疼|痛)",
        ),
        exclude=(
            r"(?:车|车子|车辆|门|墙|窗|玻璃|东西|货|箱子|包裹|快递|柜子|电梯|屏幕|手机|包|价格|电话|订单)被|被压价|被推销|"
            r"被推荐|被推送|被推给|被打了?回|被打开|被打折|被踢出|被甩锅|被踢皮球"
        ),
    ),
    # Near misses: nobody was hurt, but only just.
    Group(
        "injury",
        "describes a near miss",
        (
            r"(?:差点|差一点|险些|差点儿|险)(?:就|把|让|被)?.{0,4}?(?:受伤|伤到|砸到|砸中|砸在|烫到|烫伤|划伤|摔倒|摔下|摔|撞到|"
            r"撞上|撞车|追尾|翻车|掉下去|跌下去|摔下去|掉下来|摔下来|跌下来|出事|出车祸|车祸|事故|夹到|噎|呛|吞下|割到|扎到|刺到|电到|送命|没命)",
            r"后果不堪设想|危及生命|危及人身|生命危险|出人命|人命关天|差点没(?:跑出来|逃出来|命|救过来|醒过来)|"
            r"差点(?:被)?(?:烧死|烫死|电死|砸死|摔死|淹死|憋死|闷死|噎死)|(?:吞|吃|吸)进去",
        ),
    ),
    # Illness after a medicine, cosmetic or chemical (after food it is food_safety).
    Group(
        "injury",
        "reports a reaction to a medicine, cosmetic or chemical",
        (
            r"头晕|头疼|头痛|呕吐|恶心|发烧|过敏|红疹|腹泻|拉肚子|咳嗽|喉咙痛|流鼻涕|流眼泪|眼睛疼|呼吸困难|胸闷|心慌|不舒服|"
            r"刺痛|灼烧感|烂脸|脱皮|又红又痒|又红又肿|发痒|疙瘩|红点|痘痘|起痘",
        ),
        context=NON_FOOD_INTAKE,
        window=20,
    ),
    # Skin and allergic reactions to a product that is not food (food allergies are food_safety).
    Group(
        "injury",
        "reports an allergic reaction",
        (r"过敏(?!源|体质)",),
        not_context=FOOD,
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
    ),
    # Weaker symptoms: only after something eaten.
    Group(
        "food_safety",
        "reports symptoms after eating",
        (
            r"中毒|吐了|想吐|一直吐|吐个不停|狂吐|吐得|反胃|头晕|发烧|过敏(?!源|体质)|恶心|不舒服|起了?红疹|红疹|疹子|皮疹|"
            r"嘴唇肿|喉咙肿",
        ),
        context=FOOD,
        not_context=NON_FOOD_INTAKE,
        unless=FOOD_NOUNS,
        window=25,
        exclude=(
            r"(?:一口|吃了一口|尝了一?口|咬了一?口).{0,3}吐|看(?:到|见|着)[^,.!?;。]{0,3}吐|一氧化碳中毒|煤气中毒|恶心死|"
            r"太恶心|真恶心"
        ),
    ),
    # Hygiene and food-safety terms.
    Group(
        "food_safety",
        "raises a food safety or hygiene problem",
        (
            r"食品安全(?!法)|食品卫生|细菌超标|菌落总数|菌落超标|大肠杆菌|农药残留|农残|添加剂超标|三无产品|地沟油|病死猪|注水肉",
        ),
    ),
    Group(
        "food_safety",
        "raises a hygiene problem with food",
        (r"不卫生|卫生(?:太|很|极|非常|特别)?(?:差|脏)|没有?消毒|不消毒|脏兮兮|(?:后厨|厨房)(?:太|很|特别)?脏",),
        context=FOOD + r"|餐具|后厨|厨房|店里|餐厅|饭店",
    ),
    # --- foreign_body --------------------------------------------------------------------------------------------
    # Named foreign bodies. 异物感 is a feeling in the eye or throat, not an object.
    Group(
        "foreign_body",
        "reports a foreign body",
        (
            r"异物(?!感)|不明物体?|硌牙|硌到牙|硌得.{0,2}牙|(?:吃|喝)出来?了?(?:一|两|几|半|好几)?(?:根|只|个|块|片|条|颗|粒|团|坨|截|撮|堆)",
        ),
    ),
    # Objects and pests that count only in food or drink (头发 from a hairdresser or a shampoo does not).
    Group(
        "foreign_body",
        "reports an object or insect in food",
        (
            r"头发丝?|毛发|发丝|玻璃渣|玻璃碴|玻璃碎片|碎玻璃|钢丝球?|铁丝|金属丝|金属片|铁屑|铁钉|钉子|螺丝|塑料片|塑料皮|"
            r"塑料袋|塑料|橡皮筋|创可贴|烟头|石子|石头|沙子|沙粒|碎片|碎渣|渣子|木屑|指甲|牙签|线头|布条|胶布|保鲜膜|"
            r"漂浮物|悬浮物|杂质|絮状物|黑点|颗粒物?|硬物|硬块|粉块|不知道是什么东西|不知名的?东西|不明的?东西|"
            r"(?:黑色|白色|绿色|黄色|红色|透明|蓝色|金属|硬)的?(?:颗粒|小颗粒|东西|物体|小块|碎屑|丝)|"
            r"(?:一|几|两|有)根[^,.!?;。]{0,4}?毛|动物的?毛|猪毛|鸡毛|鸭毛|烟灰|烟蒂|头皮屑|皮屑|口水|痰|"
            r"(?:掉|落|混|飞)进了?[^,.!?;。]{0,6}?(?:饮料|菜|汤|饭|食物|锅|碗|杯|奶茶|咖啡)",
            r"虫子|虫卵|活虫|小虫|肉虫|飞虫|米虫|蛆|苍蝇|蟑螂|小强|老鼠|蚂蚁|蜘蛛|蚊子|壁虎|生虫|长虫|一条虫|一只虫|有虫",
        ),
        context=FOOD,
        window=12,
        exclude=r"头发(?:干枯|分叉|毛躁|掉|脱落|油|断|少|变|烫|染|剪|洗|吹)|洗发|护发|理发|染发|烫发|剪发|发型|毛发旺盛",
    ),
    # --- spoiled -------------------------------------------------------------------------------------------------
    # Spoilage words that are unambiguous on their own.
    Group(
        "spoiled",
        "reports spoiled or expired goods",
        (
            r"变质|发霉|霉变|霉斑|霉点|霉菌|长霉|长毛(?![猫狗兔绒])|长白毛|长绿毛|长黑毛|发馊|馊了|馊味|馊的|酸臭|腐烂|腐败(?!分子)|"
            r"胀袋|胀包|胀罐|鼓袋|涨袋|过期|过了保质期|超过保质期|超保质期|过保质期|过保了",
        ),
        exclude=(
            r"(?:券|卡|会员|积分|保修|质保|三包|活动|优惠|套餐|证|证件|护照|码|链接|红包|账户|密码|合同|押金|福利|权益|vip|"
            r"资格|期限|租约|驾照|年检|保险)期?(?:已经?|都|早就?|也|快要?|马上)?过期|过期(?:作废|不候|未用)|"
            r"(?:墙|墙面|墙壁|墙角|天花板|吊顶|屋顶|房间|屋里|卫生间|厕所|地下室|柜子|衣柜|地板)(?:上|里|面|都|已经|全|也)?"
            r".{0,2}发霉"
        ),
    ),
    # Spoilage words that count only for food.
    Group(
        "spoiled",
        "reports spoiled food",
        (
            r"不新鲜|异味|怪味|臭味|霉味|发臭|臭了|臭的|臭蛋|有点臭|酸了|变酸|发酸|有味道|味道不对|哈喇味|油哈味|发黑|发黏|发粘|"
            r"(?:肉|菜|奶|牛奶|酸奶|水果|鸡蛋|蛋糕|面包|饭|汤|鱼|虾|海鲜|橙子|苹果|香蕉|葡萄|西瓜|草莓|食物|食品)(?:都|全|已经|早就?|全都|就)?(?:放)?坏了",
            r"(?:水果|橙子|苹果|梨|香蕉|葡萄|草莓|桃子?|芒果|西瓜|橘子|柚子|番茄|西红柿|土豆|菜|叶子|榴莲)[^,.!?;。]{0,6}烂",
        ),
        context=FOOD,
        window=15,
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
    ),
    Group(
        "fire",
        "reports fire, smoke or an explosion",
        (
            r"火灾|冒烟|冒黑烟|冒白烟|冒青烟|冒火星|冒火花|火星子|烧焦|烧着了|自燃|爆炸|爆燃|燃烧|火苗|"
            r"明火|烧毁|烧没了|烧起来|燃起来|烧了个?洞|烧得变形|烧变形|烧黑|烧化|烧熔|熔化|熔了|烧焦味|烧塑料|熏黑|浓烟|"
            r"消防|火光|冒出火|烧(?:着|焦|糊)?的?(?:味道|味儿|气味)|点着|引燃|燃着",
            r"(?:插头|插座|插排|排插|插线板|电线|线路|接口|充电口|充电器|适配器|开关|电源线)[^,.!?;。]{0,4}?"
            r"(?:变黑|发黑|焦黑|烧坏|融化|熔化|变形|发烫|烫手|冒烟)",
        ),
        exclude=(
            r"爆炸头|信息爆炸|爆炸性|爆炸式|爆炸款|爆炸盐|爆炸贴|人气爆炸|点着头|点着灯|燃烧(?:脂肪|卡路里|热量)|气得冒烟|嗓子冒烟|喉咙冒烟|"
            r"消防通道|消防栓|"
            r"消防门|消防设施|消防检查|消防验收"
        ),
    ),
    # A burning smell, unless the text is about cooking (煮饭糊了有焦味).
    Group(
        "fire",
        "reports a burning smell",
        (r"焦糊味|焦味|糊味|烧焦的味|胶皮味|烧胶味|烤焦|烫焦|熏焦",),
        not_context=r"煮|饭|锅底|烤(?!焦)|煎|炒|炖|做菜|糊了|烧菜|熬|面包|蛋糕|饼|肉|菜",
        window=20,
    ),
    # Sparks, only near electrical things (an engine's 打火 is ignition).
    Group(
        "fire",
        "reports sparks from an electrical product",
        (r"火花|打火|跳火|拉弧",),
        context=ELECTRIC,
        exclude=r"打火机|点火|打不着火|打火打不着|打着火|打火困难|打火启动",
    ),
    # Batteries swelling or exploding.
    Group(
        "fire",
        "reports a swollen or exploding battery",
        (r"鼓包|鼓起来|胀气|膨胀|炸了|爆了|变形|发烫|烫手|烫得|过热|很烫|特别烫|温度(?:很|特别|非常)?高",),
        context=BATTERY,
        window=20,
        exclude=r"气炸了|炸了锅|炸毛|炸锅|水管|管子|轮胎|胎|爆了粗口|爆单|人气|爆了个火花",
    ),
    # Things that blow up: pressure cookers, kettles, gas bottles.
    Group(
        "fire",
        "reports something exploding",
        (
            r"(?:锅|高压锅|压力锅|煤气罐|气罐|热水器|热水壶|电池|手机|充电宝|灯泡|显示器|电视|空调|冰箱|电暖器|取暖器|手表)"
            r"[^,.!?;。]{0,8}?(?:炸了|炸开|爆开|爆了)|一声巨响",
        ),
    ),
    # Gas leaks.
    Group(
        "fire",
        "reports a gas leak",
        (r"漏气|燃气味|煤气味|天然气味|液化气味|燃气泄漏|煤气泄漏|气体泄漏",),
        context=GAS,
        window=20,
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
        exclude=r"漏电话|电到家|电到账|电人员|电手机|电手表|电手环|电手电|会电话|会电脑",
        word=False,
    ),
    # Tingling (麻手) only near electrical things.
    Group(
        "electric_shock",
        "reports tingling from an electrical product",
        (r"麻手|手(?:就|会|有点|一)?发?麻|发麻|麻麻的|酥麻|电麻",),
        context=ELECTRIC,
        exclude=r"花椒|麻辣|腿麻|脚麻|坐麻",
    ),
    # --- breakage ------------------------------------------------------------------------------------------------
    # A product or fitting breaks. Damage found on delivery is a delivery problem, not breakage in use, and damage
    # done from outside (撞塌, 摔碎) is not the product failing.
    Group(
        "breakage",
        "reports a product breaking",
        (
            r"断裂|折断|断掉|断开了|断成两截|断成|碎裂|炸裂|爆裂|崩裂|崩断|坍塌|倒塌|塌下来|爆胎|爆管|自爆|松脱|脱开|掉落|坠落|"
            r"开裂|裂开|裂缝|裂纹|破裂|碎掉|碎成|脱落|掉下来|掉了下来|砸下来|锈断|散架|爆开|炸开|崩开",
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
    ),
    # --- failure_in_use ------------------------------------------------------------------------------------------
    # A safety function fails while the product is in use.
    Group(
        "failure_in_use",
        "reports a safety-relevant failure in use",
        (
            r"(?:刹车|制动|手刹|转向|方向盘|油门|离合|档位|挡位|换挡|气囊|安全带|安全阀|限压阀|排气阀|温控器?|漏电保护|"
            r"锁扣|卡扣|儿童锁|门锁|保险装置|保护装置|扶梯|电梯)[^,.!?;。]{0,4}?"
            r"(?:失灵|失效|失控|不灵|卡死|锁死|不起作用|不管用|没反应|没有反应|没弹出|没有弹出|未弹出|没打开|打不开|扣不上|"
            r"锁不住|卡不住|松开|松脱|脱开|弹开|突然停|突然加速|下坠|坠落|下滑|溜|故障|冲顶|蹲底|不工作|卡住|回不来|弹不回|"
            r"下不去|踩不下去|踩不动|打不动)",
            r"(?:无法|不能|没法|没办法)(?:刹车|制动|转向|减速|刹住|停下|停车)|刹不住|暴冲|失控|溜车|抛锚|趴窝|半路熄火|"
            r"(?:行驶|开车|高速|路上|开着|开了|骑了)[^,.!?;。]{0,10}(?:熄火|停机|断电|失去动力|没有动力|没动力)|突然熄火|"
            r"突然失去动力|(?:倒了?|倾倒|翻倒)(?:以后|后|之后)?[^,.!?;。]{0,3}?(?:没有|没|不会|未|不能)(?:自动)?(?:断电|关机|停)|"
            r"(?:突然|自己|自动)[^,.!?;。]{0,4}?(?:加速|停机|停转|失控|往前溜|往后溜|往前冲|往后退|冲出去|溜车|滑行)|"
            r"往前溜|往后溜|一直往前冲|使用中失灵|使用中突然|(?:跑着|用着|骑着|开着)\S{0,4}突然(?:加速|停|失灵)",
            r"电梯困人|困在电梯|被困电梯|困电梯|电梯.{0,6}(?:困人|下坠|坠落|冲顶|蹲底|夹人)|电梯门没关.{0,6}(?:运行|开|走)|"
            r"(?:锅盖|盖子)(?:突然|一下)?(?:冲|飞|弹|崩)(?:出|开|了)",
            r"(?:突然|自己|自动|莫名)(?:卡住|卡死|停止|停转|倒转|反转|落下|落了下来|掉了下来|关上|合上|启动)",
            r"(?:卡扣|护栏|锁扣|门锁|安全锁|儿童锁|围栏|保险扣)[^,.!?;。]{0,6}?(?:一[推拉按碰]就(?:开|松|脱)|不牢|松了|自己开了|自动打开|"
            r"打开了|脱开)",
            r"(?:柜子|架子|货架|书架|购物车|推车|椅子|桌子|梯子|衣柜|电视柜|婴儿车|童车|展架|广告牌)[^,.!?;。]{0,8}?"
            r"(?:翻了|翻倒|倾倒|倒了下来|倒下来|砸下来)",
        ),
        exclude=r"情绪失控|失控的情绪|价格失控",
    ),
    # Someone trapped in a lift.
    Group(
        "failure_in_use",
        "reports people trapped in a lift",
        (r"困(?:了|住)|被困|关在里面|出不来",),
        context=r"电梯|扶梯|轿厢",
        window=30,
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
            r"上百[个家位名]?|一大批|所有的?|整栋楼?的?|全小区的?|全部的?|各个|各|[\d两三四五六七八九十]+[个家位名])"
            r"(?:顾客|客户|用户|消费者|门店|店|店铺|加盟商|加盟店|业主|住户|车主|买家|客人|会员|学员|家长|乘客|租户|商户)"
            r"(?:都|也|均|纷纷|同时)?[^,.!?;。]{0,4}?(?:反映|投诉|遇到|出现|反馈|有|说|收到|来店)",
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
            r"第[二三四五六七八九十两\d]+(?:次|回)(?![^,.!?;。]{0,6}?(?:买|购|下单|光顾|消费|入住|来店|合作|用餐|吃饭|使用|用就))",
            r"(?:已经|这)是?[^,.!?;。]{0,4}?第[二三四五六七八九十两\d]+(?:台|个|件|回)",
            r"连续" + NUMBER + r"(?:个月|个星期|周|天|批|次|回)(?:都|来)?(?:收到|出现|发生|投诉|反映)",
            r"又(?:出现|发生|坏|出了|出问题|漏|断|卡|响|亮|来了|开始|犯|复发|没了|发现|停|跳闸)|又一次|再一次|又是同样|"
            r"三天两头|隔三差五|一而再|一拖再拖|拖了又拖|一推再推|一等再等|一次次|一次又一次|再三|"
            r"又(?:充|打|开|启动|用|连|关|转|亮|响|制冷|加热|出水|排水)不",
            r"第[二三四五六七八九十两\d]+(?:次|回)[^,.!?;。]{0,8}?(?:遇到|碰到|出现|发生)(?:这|同样|类似|一样)",
            r"(?:丢|坏|错|漏|少|送错|发错|漏发|少发|换)了(?:我)?" + NUMBER + r"(?:个件|件|单|台|个|次|回)",
            r"再次(?:投诉|反映|出现|发生|联系|来电|报修|维修|损坏|坏|催|找|发现)|重复(?:投诉|出现|发生|维修|报修|故障|反映)",
            r"多次(?:投诉|反映|联系|打电话|来电|催|维修|报修|沟通|出现|找|提出|要求|上门|修)|屡次|屡屡|一再|三番五次|三番两次|"
            r"无数次|反复(?:出现|发生|维修|修|投诉|反映|联系|打电话|沟通|催)|反反复复",
            r"上次(?:投诉|反映|报修|修|维修|也|就|说好|答应|承诺|的问题)|(?:之前|以前|早就|已经)(?:投诉|反映|报修|反馈)过|投诉过|"
            r"不是第一次|老问题",
            r"(?:投诉|反映|反馈|打|联系|修|维修|报修|返修|催|找|来|跑|换|退|问|说|出现|发生|提|看|上门|送错|打电话|来电|连续|"
            r"坏|出|停|断|卡|死机|跳闸)"
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
            r"再也不(?:买|来|用|会|去|敢|光顾|选择|相信|合作|点)|以后(?:都|再)?不(?:会)?(?:再)?(?:买|来|用|光顾|选择|合作|点)|"
            r"不会再(?:买|来|用|光顾|选择|合作|点|去|在)|永远不(?:会)?(?:再)?(?:买|来|用)|不敢再买",
            r"(?:退|注销|取消|退掉|不续)(?:你们的?|贵司的?)?(?:会员|会籍|年卡|卡|储值|vip)|退卡|销卡|销户|注销账户|注销账号|"
            r"(?:储值|余额|预付款)(?:都|全)?退|把(?:会员)?卡(?:给)?退了|退了(?:会员|卡)",
            r"退出加盟|不再加盟|终止加盟|解除加盟|退盟|撤店|不加盟了|解约|另找(?:供应商|厂家|一家)|不续签|不再续签|"
            r"重新(?:评估|考虑|选择)(?:供应商|合作)|评估是否(?:继续)?合作|携号转网|拆机|退网|销号|"
            r"不(?:跟|和|与)(?:你们|贵司|你)(?:再)?合作|淘汰(?:供应商|你们)|供应商淘汰|取消(?:你们的?)?供应商资格",
            r"(?:取消|终止|中止|停止|结束|解除)(?:合作|合同|协议|供货关系)|不再(?:合作|续约|续费|购买|采购|下单|使用|选择)|"
            r"(?:更换|换|转向|转给|转到|寻找|找)(?:其他|别的|新的|另外的?)?(?:的)?供应商|换一家|换别家|换家|去别家|转投|"
            r"不续约|不续费|拉黑(?:你们|这家)|拉入黑名单",
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

# Clauses: negation never crosses these. 但/但是/可是/不过 start a new clause (不想…但如果…就打12315).
CLAUSE_BREAKS = r"[,.!?;:。\n\r…]|但是|可是|不过|然而|但"

# A denial followed by a condition keeps the threat alive: 我不想打12315，但如果明天还没人管我就打.
CONDITIONAL_AFTER_DENIAL = (
    r"(?:但是|但|可是|不过)[^。!?]{0,30}?(?:如果|要是|假如|再|否则|不然)[^。!?]{0,20}?(?:就|只能|只好|会)"
)

# Rhetorical questions that affirm (难道不是食物中毒吗, 这不就是欺骗吗).
RHETORICAL = r"难道|岂不|不就是|不正是|不是.{0,20}吗|不是.{0,20}么"

# ---------------------------------------------------------------------------------------------------------------
# Complaint types (R-CLS-1), for suggest_type
# ---------------------------------------------------------------------------------------------------------------

# Each type has strong terms (weight 2) and weak terms (weight 1), each distinct word counted once; a type needs a
# total of at least TYPE_MIN_SCORE to be suggested. Demands (要求退款, 要求赔偿) say what the customer wants, not what
# went wrong, so they are weak. The highest total wins; ties go to the earlier type in TYPE_ORDER.
TYPE_ORDER = ("quality", "after_sales", "price", "delivery", "service")
TYPE_MIN_SCORE = 2

TYPE_TERMS: dict[str, tuple[str, str]] = {
    # A product or food fault. Spoilage, foreign bodies, fire and the like are added from the risks found.
    "quality": (
        r"质量|品质|故障|坏掉|用不了|不工作|不制冷|不制热|不加热|不出水|漏油|异响|噪音|声音大|开不了机|黑屏|死机|卡顿|失灵|"
        r"瑕疵|做工|掉色|褪色|起球|开线|脱胶|开胶|变形|次品|假货|假的|劣质|不合格|缺陷|色差|尺寸不对|超差|与描述不符|货不对板|"
        r"跟图片|缩水|顿挫|虚接|掉渣|干涉|结霜|不平|没电|充不进电|不充电|耗电|续航|关不严|关不上|拧不紧|没拧紧|合格率|良率|"
        r"不良率|失效|卡滞|渗漏|扭矩|超标|游隙|缩痕|以次充好|假冒|翻新|事故车|泡水车|调表|口味|味道|分量|太咸|材质|性能|"
        r"质检|不良品",
        r"坏了|不能用|漏水|漏了|检测|8d|索赔|不良|说明书|用了(?:你们|这|两|三|几|一|没)",
    ),
    # Repairs, installation, spare parts, warranty.
    "after_sales": (
        r"维修|修理|修好|修不好|没修好|修完|修了|保修|报修|返修|售后|配件|备件|上门|安装|三包|返厂|换新|换一台|来修|维修人员|"
        r"师傅",
        r"保养|4s店|服务站|维修点|换货|检测报告",
    ),
    # Prices, fees, charges, promotions.
    "price": (
        r"价格|价钱|差价|多收|多扣|扣款|扣费|乱收费|收费|费用|优惠|促销|活动|折扣|满减|降价|涨价|价保|保价|标价|吊牌价|价签|"
        r"结账|账单|物业费|停车费|运费|违约金|押金|会员费|自动续费|年费|优惠券|积分|赠品|赠送|太贵|多付|电费|水费|"
        r"收了.{0,6}(?:钱|块|元)|包邮|打孔费|公共收益|年卡|找零|发票|服务费|退费|多刷|扣了|补贴|加盟费|学费|充值|"
        r"会员卡|健身卡|储值卡|余额|退不回|[\u4e00-\u9fff]{1,2}费(?![心劲力解时尽])",
        r"退钱|钱|不值这个价|免费",
    ),
    # Orders, logistics, couriers, lead times.
    "delivery": (
        r"快递|物流|配送|送货|派送|派件|发货|到货|收货|签收|包裹|快递员|骑手|外卖员|送餐|送达|丢件|少发|漏发|错发|发错|送错|"
        r"延误|延迟|迟迟不到|没收到|未收到|交期|交货|缺料|短缺|缺货|断货|来料|补货|补发|运输|驿站|冒领|送了.{0,4}小时|"
        r"送晚|晚了.{0,4}(?:小时|天)|晚到|包装|配货|铺货",
        r"订单|下单|退货|退款|换货|规格不对|收到的?|到手|到店",
    ),
    # Staff behaviour and responsiveness.
    "service": (
        r"态度|骂人|辱骂|骂我|凶|不耐烦|爱理不理|不理人|没人理|不理|没人管|不管|不作为|敷衍|推诿|推卸|踢皮球|打太极|挂我电话|"
        r"挂电话|给我挂了|不接电话|电话打不通|打不通|没人接|回复慢|不回复|没回复|没人回复|答非所问|冷漠|没礼貌|不礼貌|歧视|"
        r"推销|强制消费|服务差|服务太差|服务质量|服务(?:明显)?(?:下滑|变差|越来越差)|阴阳怪气|上菜|排队|道歉|吵|通知|不承认|"
        r"卫生|管理处|不归(?:他们|我们)管|不关(?:他们|我们)的?事|不负责|热线|转人工|人工客服|专人联系|没有?人联系|"
        r"没有一个人|换个人|换人处理|技术太差|技术差|手艺|翻白眼|脏话|监控|警示牌|没有提示|让我等|一直等",
        r"客服|店员|服务员|营业员|导购|保安|前台|员工|店长|工作人员|经理|物业|理发师|按摩师|保洁|老师|业主|服务|"
        r"理发店|电话|美容院|健身房|酒店|培训机构|教练|停车场|商场|超市|店里",
    ),
}

# Product nouns count as weak quality evidence: a jieba word of two or more characters ending in one of these
# characters (热水器, 电动车, 玩具, 面膜), except the words listed below (司机, 倒车, 飞机 …).
PRODUCT_SUFFIXES = "机器车具品件剂灯锅壶柜炉裤鞋杯瓶床椅桌膜霜粉箱表"
NOT_PRODUCTS = (
    "司机 时机 危机 随机 转机 生机 登机 飞机 主机 机会 倒车 下车 停车 开车 坐车 打车 乘车 上车 堵车 修车 "
    "洗车 提车 买车 卖车 货车 火车 客车 公交车 出租车 班车 专车 网约车 作品 人品 文件 案件 条件 事件 "
    "邮件 证件 附件 快件 稿件 代表 手表 电表 水表 报表 粉丝"
)

# Risks that say what went wrong, with the weight they add to a type.
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
