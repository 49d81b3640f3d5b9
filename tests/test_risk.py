"""The Chinese risk analyser (R-CLS-4): each risk in the ways customers write it, negation and false friends,
the type suggestion, and switching off terms agents keep rejecting."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kesu.rules import lexicon
from kesu.rules.risk import FAMILIES, RISKS, RiskHit, analyse, family_of, normalise, terms_to_disable
from kesu.rules.types import suggest_type


def risks(text: str, **kwargs) -> set[str]:
    return {hit.risk for hit in analyse(text, **kwargs)}


FOUND = {
    "regulator": [
        "再不解决我就打12315",
        "我已经向市场监督管理局反映了",
        "我明天就去市监局投诉你们",
        "大不了去消协，看谁有理",
        "我会向有关部门反映这个情况",
        "已经打了市长热线，等着吧",
        "这事我要告到工商去",
        "已经拨打１２３１５投诉",
        "我要去质监局举报你们的产品不合格",
        "快递丢件我去邮政管理局申诉",
        "我向消費者協會投訴了",
    ],
    "media": [
        "我要找媒体曝光你们",
        "信不信我把这件事发到微博上",
        "我已经联系了电视台的记者",
        "你们等着上热搜吧",
        "视频已经发抖音了，大家都在看",
        "我会在小红书上发帖让大家避雷",
        "我发朋友圈让大家看看你们的嘴脸",
        "网上曝光你们这种黑店",
        "舆论会给出公道",
    ],
    "legal": [
        "我已经请了律师",
        "等着收律师函吧",
        "我要去法院起诉你们",
        "这官司我打定了",
        "我们会申请仲裁",
        "保留追究法律责任的权利",
        "你们等着，我告你们",
        "我要维权到底",
        "已经报警了，派出所让我们协商",
        "按照消费者权益保护法退一赔三",
        "我會找律師",
    ],
    "injury": [
        "孩子的手被划伤了",
        "我妈被热水烫伤，起了好几个水泡",
        "摔倒后手腕骨折",
        "流了很多血，去医院缝了三针",
        "人已经送急诊了",
        "椅子突然散架，我摔在地上，尾椎骨一直疼",
        "灯掉下来砸到了我儿子的头",
        "差点被砸到，太危险了",
        "用了这个面膜以后脸上全是红疹",
        "现在还在住院观察",
    ],
    "food_safety": [
        "吃完你们的外卖全家上吐下泻",
        "怀疑是食物中毒",
        "喝了这杯奶茶以后一直拉肚子",
        "孩子吃了以后肚子疼得厉害",
        "吃了你们的海鲜过敏了",
        "后厨太脏了，餐具都没消毒",
        "吃了以后头晕想吐",
    ],
    "foreign_body": [
        "在米饭里吃出一根头发",
        "汤里有一只苍蝇",
        "面包里有异物",
        "饮料里有玻璃渣",
        "外卖里吃到一块塑料片",
        "菜里发现一只蟑螂",
        "吃饺子的时候硌牙了，里面有颗小石子",
    ],
    "spoiled": [
        "蛋糕已经发霉了",
        "牛奶过期了还在卖",
        "肉是馊的",
        "买回来的饼干长毛了",
        "鸡蛋打开一股臭味，明显不新鲜",
        "酸奶胀袋了",
        "水果烂了一大半",
    ],
    "fire": [
        "插座着火了",
        "电视机后面冒烟了",
        "电线烧焦了",
        "电动车充电的时候自燃了",
        "充电宝突然爆炸",
        "手机电池鼓包了",
        "开关一按就冒火花",
        "闻到很浓的燃气味，应该是灶漏气了",
    ],
    "electric_shock": [
        "洗衣机漏电",
        "孩子摸了一下就触电了",
        "碰到热水器的时候被电了一下",
        "摸冰箱门手发麻，是不是漏电",
        "机壳带电，很危险",
    ],
    "breakage": [
        "用了一周椅子腿就断了",
        "桌面的钢化玻璃突然碎裂",
        "坐上去靠背直接断裂",
        "吊灯从天花板上掉下来了",
        "把手用了几天就脱落了",
        "热水器的进水管爆裂",
    ],
    "failure_in_use": [
        "开车的时候刹车突然失灵",
        "高速上方向盘突然锁死",
        "车辆行驶中突然熄火",
        "气囊没弹出",
        "电梯困人半个小时",
        "安全带扣不上",
    ],
    "line_stop": [
        "因为你们的零件不合格，我们停线了",
        "主机厂总装线停了两个小时",
        "缺料导致生产线停了",
        "再不到货我们就要停产",
    ],
    "batch": [
        "这是批量性的质量问题",
        "整批货都有毛刺",
        "这批货都不能用",
        "好几个门店都反映了同样的问题",
        "很多顾客都投诉这款产品",
        "大面积出现异响",
    ],
    "repeat": [
        "这是我第三次投诉了",
        "同样的问题又出现了",
        "我已经多次反映过",
        "上次投诉的事到现在都没解决",
        "这个问题反反复复",
        "已经修了三次还是不行",
        "这不是第一次了",
    ],
    "churn": [
        "以后再也不买你们的东西了",
        "我要退会员",
        "我们决定取消合作",
        "下个月起换供应商",
        "我们不再合作了",
        "这种店以后不会再来了",
    ],
    "emotional": [
        "你们太气人了",
        "我已经忍无可忍了",
        "我非常愤怒",
        "你们就是一群骗子",
        "这是什么垃圾产品",
        "到底管不管！！！",
    ],
}

NOT_FOUND = {
    "regulator": [
        "我不想打12315，只想尽快解决",  # denied
        "不需要去消协，你们处理好就行",
        "我的手机号是13912315678",  # 12315 inside a phone number
        "订单号123456789一直没发货",
        "我在工商银行办的卡",  # a bank, not the regulator
        "请相关部门尽快处理",  # the company's own departments
    ],
    "media": [
        "不需要找媒体，我只要一个解释",
        "照片曝光不足，对焦也慢",  # a camera
        "我在抖音直播间买的",  # where they bought it
        "车上的多媒体系统经常死机",  # a car feature
        "流媒体后视镜黑屏",
    ],
    "legal": [
        "暂时不会起诉，先看你们的态度",
        "我没有找律师的打算",
        "你告诉你们经理一声",  # 告诉 is "tell"
        "仪表盘报警了，车开不了",  # a dashboard warning, not the police
        "烟雾报警器一直响",
    ],
    "injury": [
        "没有受伤，就是吓了一跳",
        "幸好没人受伤",
        "人没事，车坏了",
        "手碰到水龙头的时候水是冷的",  # 水龙头 is not a head
        "我的车被撞了一下",
        "未造成人员伤亡",
    ],
    "food_safety": [
        "不是食物中毒，就是太咸了",
        "我没有拉肚子，只是觉得分量少",
        "这件事是食品安全法规定的",  # the law, covered by legal
        "吃了一口就吐了，太难吃了",  # spat it out
    ],
    "foreign_body": [
        "未发现异物，就是味道变了",
        "用了这个洗发水头发干枯",  # hair on a head
        "理发师把头发剪得太短了",
        "眼睛有异物感",  # a feeling, not an object
        "沙发里有一颗螺丝松了",  # not food
    ],
    "spoiled": [
        "优惠券过期了不能用",
        "会员积分已经过期了",
        "保修期已经过期了吗",
        "卫生间墙面发霉了",  # the building, not goods
        "新车里有异味",  # not food
    ],
    "fire": [
        "我们一起火锅店吃饭",  # 一起 + 火锅
        "看着火车开过去",
        "买了一顶爆炸头假发",
        "炸鸡太油了",
        "幸好没有起火",
        "车子打火打不着",  # ignition
        "煮饭糊了，一股焦味",  # cooking
    ],
    "electric_shock": [
        "没有漏电，就是不制热",
        "来电到现在都没人回复",  # 来电 + 到
        "被电话骚扰了一整天",
    ],
    "breakage": [
        "收到快递打开一看杯子碎了",  # damage in transit
        "不断了解情况",
        "我的头发都断了",
        "电话一直断了联系不上",
        "手机壳的漆脱落了",  # cosmetic
        "我的心都碎了",
    ],
    "failure_in_use": [
        "情绪失控的顾客在店里大吵",
        "手机突然关机了",  # not safety-relevant
    ],
    "line_stop": [
        "这个型号已经停产了",  # discontinued, not a stopped line
        "配件停产了买不到",
        "我们暂停线上服务",
        "没有停线，但库存只够今天了",
    ],
    "batch": [
        "我想批量采购一百台",
        "小区大面积停电",
    ],
    "repeat": [
        "这是我第二次在你们店买东西",  # a returning customer
        "重复扣款了两次",  # a billing error (price), not a repeated complaint
        "第一次来你们店",
    ],
    "churn": [
        "只要处理好，我们还会继续合作",
        "我不会取消合作",
        "朋友都说再也不去你们那了",  # other people, not this customer
    ],
    "emotional": [
        "我心平气和地跟你们说",
        "垃圾桶满了没人清理",  # a rubbish bin
        "空气炸锅用了一个月",
    ],
}


@pytest.mark.parametrize(("risk", "text"), [(risk, text) for risk, texts in FOUND.items() for text in texts])
def test_risk_is_found(risk, text):
    assert risk in risks(text), analyse(text)


@pytest.mark.parametrize(("risk", "text"), [(risk, text) for risk, texts in NOT_FOUND.items() for text in texts])
def test_risk_is_not_raised_by_negation_or_false_friends(risk, text):
    assert risk not in risks(text), analyse(text)


def test_every_risk_has_positive_and_negative_examples():
    assert set(FOUND) == set(RISKS)
    assert set(NOT_FOUND) == set(RISKS)


# --- negation and conditions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "如果今天不处理我就打12315",  # a threat is a risk
        "再不给退款，我就去市场监管局",
        "我不想打12315，但如果明天还没人管我就打",  # 但 starts a new clause
        "你们不处理的话我会找媒体",
    ],
)
def test_conditional_threats_count(text):
    assert risks(text) & {"regulator", "media"}


def test_negation_does_not_cross_a_clause():
    assert "injury" in risks("没有人来处理，孩子已经受伤了")
    assert "injury" not in risks("孩子没有受伤")


def test_negation_is_not_triggered_by_words_that_only_contain_a_negator():
    assert "fire" in risks("非常担心，插座冒烟了")  # 非常 is "very"
    assert "injury" in risks("不小心摔倒了")  # 不小心 is "carelessly"
    assert "fire" in risks("会不会爆炸？")  # a question, not a denial


def test_rhetorical_question_affirms():
    assert "food_safety" in risks("难道这不是食物中毒吗？")


def test_spaces_and_emoji_end_a_clause_like_punctuation():
    # Chat messages and posts use spaces and emoji where others write commas: 没 in one clause does not deny the next.
    assert "repeat" in risks("货到了 生意全没了 这个月已经第四次了")
    assert "emotional" in risks("推来推去 一个负责的人都没有 心累")
    assert "injury" not in risks("人没事 车坏了")


def test_a_negator_inside_a_condition_does_not_deny_the_threat():
    assert "media" in risks("客户表示如不给说法将向媒体反映")
    assert "legal" in risks("要是不退我就起诉")


def test_an_allergy_is_not_a_reaction():
    assert "food_safety" not in risks("孩子对花生过敏，点餐时备注了，这次没放")
    assert "food_safety" in risks("吃了你们的蛋糕，孩子过敏了，全身起疹子")


@pytest.mark.parametrize(
    ("risk", "text"),
    [
        ("legal", "jc都来了"),  # police, abbreviated
        ("legal", "告到你们倒闭为止"),
        ("media", "姐妹们千万别买这家"),
        ("media", "大家避雷"),
        ("regulator", "明天去区政府反映"),
        ("injury", "送去打了破伤风"),
        ("injury", "脸上起了一片水泡"),
        ("injury", "热油溅到手上"),
        ("food_safety", "吃了你们的凉皮全家都在跑厕所"),
        ("food_safety", "鸡翅里面还是血水，根本没熟"),
        ("spoiled", "猪肉一闻是酸的"),
        ("failure_in_use", "骑着骑着突然断电了"),
        ("failure_in_use", "方向盘突然很沉，打不动"),
        ("batch", "上月批次的垫片全部超差"),
        ("churn", "会员不续了，年卡到期就不来了"),
        ("emotional", "什么狗屁规定"),
        ("repeat", "以经投述过两次了"),  # typos for 已经投诉
    ],
)
def test_colloquial_and_indirect_phrasing(risk, text):
    assert risk in risks(text), analyse(text)


@pytest.mark.parametrize(
    ("risk", "text"),
    [
        ("media", "我要发朋友圈夸夸你们的小哥"),  # praise
        ("legal", "去市场局告你们"),  # a complaint to the regulator, not a lawsuit
        ("breakage", "手机壳摔了一下裂了"),  # dropped by the customer
        ("electric_shock", "说明书上写着防触电等级"),
        ("injury", "交付延期，生产计划全被打乱"),
        ("repeat", "第二次来你们店吃饭了"),
        ("emotional", "我会谢谢你们的"),
        ("batch", "几个月了还是同样的问题"),
        ("churn", "这件事就到此为止吧"),
    ],
)
def test_false_friends_of_the_colloquial_terms(risk, text):
    assert risk not in risks(text), analyse(text)


# --- the hits ---------------------------------------------------------------------------------------------------


def test_hit_reports_the_words_as_written_and_where():
    text = "請問，我會找律師處理"
    [hit] = analyse(text)
    assert hit == RiskHit(
        risk="legal", term="律師", start=text.index("律師"), reason=hit.reason, confidence=hit.confidence
    )
    assert "律師" in hit.reason
    assert 0 < hit.confidence <= 1


def test_full_width_digits_keep_their_offsets():
    text = "已经打了１２３１５"
    [hit] = analyse(text)
    assert (hit.risk, hit.term, hit.start) == ("regulator", "１２３１５", 4)


def test_one_hit_per_risk_the_earliest_and_hits_in_text_order():
    text = "第一个月就起诉过一次，今天孩子受伤了，我要去法院"
    hits = analyse(text)
    assert [hit.risk for hit in hits] == ["legal", "injury"]
    assert hits[0].term == "起诉"
    assert hits[0].start < hits[1].start


def test_reason_is_a_short_explanation():
    [hit] = analyse("我要打12315")
    assert hit.reason == "mentions a government complaint hotline (12315)"


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text(text):
    assert analyse(text) == []
    assert suggest_type(text)[0] is None


def test_a_term_in_a_quoted_product_name_still_counts():
    assert "fire" in risks("你们的“安心牌”插线板冒烟了")


def test_results_are_fresh_lists():
    first = analyse("我要打12315")
    first.clear()
    assert analyse("我要打12315")


# --- learning from agents' corrections ---------------------------------------------------------------------------


def test_disabled_terms_switch_a_term_off():
    assert "legal" in risks("我找了律师")
    assert "legal" not in risks("我找了律师", disabled_terms=frozenset({"律师"}))
    # Other legal words still count.
    assert "legal" in risks("我找了律师，准备起诉", disabled_terms=frozenset({"律师"}))


def test_disabled_terms_match_any_spelling():
    assert "legal" not in risks("我會找律師", disabled_terms=frozenset({"律师"}))


def test_terms_to_disable():
    stats = {
        "律师": (20, 5),  # mostly right
        "过期": (2, 18),  # mostly rejected
        "曝光": (1, 6),  # rejected, but too few verdicts yet
        "头发": (3, 7),  # exactly 70% rejected: not more than the limit
    }
    assert terms_to_disable(stats) == frozenset({"过期"})
    assert terms_to_disable(stats, min_samples=5) == frozenset({"过期", "曝光"})
    assert terms_to_disable(stats, max_false_rate=0.5) == frozenset({"过期", "头发"})
    assert terms_to_disable({}) == frozenset()


@pytest.mark.parametrize(
    ("kwargs", "stats"),
    [({"min_samples": 0}, {}), ({"max_false_rate": 1.5}, {}), ({}, {"律师": (-1, 3)})],
)
def test_terms_to_disable_rejects_bad_input(kwargs, stats):
    with pytest.raises(ValueError):
        terms_to_disable(stats, **kwargs)


def test_disabling_what_terms_to_disable_returns():
    disabled = terms_to_disable({"过期": (0, 12)})
    assert "spoiled" not in risks("面包过期了", disabled_terms=disabled)


# --- the lexicon and the module --------------------------------------------------------------------------------


def test_lexicon_groups_name_known_risks_and_every_risk_has_terms():
    assert {group.risk for group in lexicon.GROUPS} == set(RISKS)


def test_normalise_keeps_length_and_folds_variants():
    text = "我會找律師，打１２３１５！ABC"
    assert len(normalise(text)) == len(text)
    assert normalise(text) == "我会找律师,打12315!abc"


def test_traditional_map_is_one_character_to_one():
    pairs = lexicon.TRADITIONAL_TO_SIMPLIFIED.split()
    assert all(len(pair) == 2 for pair in pairs)
    assert len({pair[0] for pair in pairs}) == len(pairs)


def test_importable_and_usable_without_django():
    root = Path(__file__).resolve().parent.parent
    code = (
        "import sys; from kesu.rules.risk import analyse; from kesu.rules.types import suggest_type; "
        "assert analyse('我要打12315')[0].risk == 'regulator'; suggest_type('快递没到'); "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # jieba's start-up messages are silenced


# --- risk families: how customers really write about each ----------------------------------------------------


def families(text: str) -> set[str]:
    return {family for hit in analyse(text) if (family := family_of(hit.risk))}


FAMILY_FOUND = {
    "regulator": [
        "已经打了12345，等回复",
        "快递丢了，我打12305投诉",
        "准备去315投诉你们",
        "今年3·15我一定要把你们挂出来",
        "已经向当地食药监反映了后厨的问题",
        "司机绕路，我已经投诉到运管了",
        "已经投诉到区里的市场监管所了",
        "我已经向交通运输局投诉了这家驾校",
        "我会向有关部门反映，你们等着",
        "这事不解决我就去质监",
        "打１２３１５都沒用，那我就找消協",  # full-width digits, traditional characters
        "我是不想闹大，但你们再这样我只能打12315了",  # a threat behind a denial
    ],
    "media": [
        "我已经在车质网投诉了，你们看着办",
        "黑猫投诉上已经提交了",
        "我会到网上说说，让大家评评理",
        "我在汽车之家论坛发帖了",
        "大众点评上写了差评，还要发到小红书",
        "千万别买，买了后悔",
        "劝大家别在这家店买东西",
        "给大家提个醒，这家外卖千万别点",
        "不建议大家购买，质量太差了",
        "各位慎买",
        "避雷！！！这家奶茶店别去",
        "已经发抖音了 大家都在看🙂",  # spaces and emoji as punctuation
        "我要去xhs发帖曝光你们",
    ],
    "legal": [
        "法院见",
        "已经委托律师发律师函了",
        "再不处理我就走法律程序",
        "我会通过法律手段解决",
        "二审我会继续上诉",
        "已经申请劳动仲裁",
        "我打了110，派出所出警了",
        "警察都来了你们还不认",
        "这属于消费欺诈，要求退一赔三",
        "卖假货，我要求假一赔十",
        "买到临期货，要求退一赔十",
        "根据《消费者权益保护法》第五十五条",
        "按照三包法应该给我换车",
        "我保留追究你们法律责任的权利",
    ],
    "injury": [
        "工人被毛刺划伤手",
        "刀片弹出来划破了手指",
        "孩子的手被玩具边划破了，流了好多血",
        "在店里滑倒摔伤了",
        "椅子塌了，我爸摔下来骨折了",
        "送到医院缝了五针",
        "半夜去看急诊",
        "面霜用了两天脸上又红又痒，起疹子",
        "孩子被门夹到手，现在还肿着",
        "差点被掉下来的灯砸到",
        "老人都中暑了",
        "人已经住院了",
    ],
    "food_safety": [
        "外卖里吃出一根头发",
        "米饭里有虫",
        "汤里有只苍蝇",
        "披萨里有蟑螂腿",
        "菜里有钢丝球的丝",
        "饺子里吃出一块塑料",
        "沙拉里有玻璃渣",
        "吃完上吐下泻，肯定是食物中毒",
        "点的烤串吃完肚子疼了一晚上",
        "吃完你家的炒饭拉肚子",
        "肉是馊的",
        "牛奶变质了",
        "面包发霉了",
        "零食过期半年了",
        "鸭脖一股异味",
        "鸭脖臭了",
        "鸡翅里面是生的，还带血",
        "猪肉没熟",
        "奶粉里面有一块黑色的硬东西",
    ],
    "safety_hazard": [
        "充电器插上就冒烟",
        "电动车充电的时候起火了",
        "插座着火了",
        "车子停在车库自燃了",
        "电线烧焦了",
        "洗衣机漏电",
        "台灯用的时候手碰到灯座被电到了",
        "外壳一碰手就麻了一下，是不是漏电",
        "充电宝充着充着爆炸了",
        "手机电池鼓包了",
        "燃气灶有燃气泄漏的味道",
        "儿童床的护栏断裂",
        "衣柜门掉下来了",
        "刹车失灵，差点出事故",
        "刹车变软，踩到底才能停",
        "高速上开着开着突然熄火",
        "行驶中熄火，车辆失去动力",
        "时速110的时候方向盘抖得握不住",
        "转向助力突然失效",
        "追尾时安全气囊没弹",
        "过弯的时候车辆失控",
        "天窗在高速上突然爆裂了",
        "轮胎鼓包了，才开了三千公里",
        "电梯突然下坠了好几层",
        "电梯困人一个小时没人来",
        "玻璃杯倒了热水直接炸了",
        "车辆在高速行驶中突然跳到空挡",
        "儿童玩具的小零件很容易掉，孩子差点放进嘴里",
        "电动尾门夹手，没有防夹功能",
    ],
}

FAMILY_NOT_FOUND = {
    "regulator": [
        "12315就算了，你们给我换一个就行",  # denied after the term
        "不需要打12345，你们处理好就行",
        "我在工商银行办的卡被扣了年费",
        "去工商银行办卡排了一个小时",
        "坐315路公交去的门店",
        "单价3.15元一斤，结果称重不对",
    ],
    "media": [
        "照片曝光不足，相机对焦也不准",
        "在抖音直播间买的",
        "车上的多媒体系统经常死机",
        "不会发到网上的，放心",
    ],
    "legal": [
        "我不会起诉的，只希望你们给个说法",
        "律师我就不找了，你们看着办吧",
        "报警倒不至于，给我退钱就行",
        "律师楼附近的那家店服务太差",
        "法院路的门店态度不好",
        "律师事务所旁边那家奶茶店出餐太慢",
        "按三包规定给我换一个变速箱",  # a warranty rule, not a lawsuit
    ],
    "injury": [
        "外观划伤严重，要求换货",
        "产品表面划伤，影响美观",
        "零件外观划伤，请贵司加强包装",
        "新车后保险杠有划痕",
        "镜头表面有一道划痕",
        "手机屏幕划伤了",
        "苹果有碰伤，不太新鲜",
        "受伤倒是没有，就是吓了一跳",
        "人倒是没受伤，车门凹进去了一块",
        "幸好没有人受伤",
        "没有受伤",
        "旁边两台车也被烧了",
        "气死我了",
        "热死了，店里空调都不开",
        "笑死，这就是你们说的正品",
    ],
    "food_safety": [
        "优惠券过期了",
        "会员卡过期了不能用",
        "客服说过期的券可以补发",
        "灭火器过期了，物业也不换",
        "炸鸡凉了，炸串也不脆",
        "油炸的东西太油腻了",
        "小笼包爆汁，就是有点咸",
        "爆浆蛋糕不够甜",
        "冰箱坏了，里面的菜全坏了",  # the customer's own groceries
        "薯片全碎成渣了，包装太差",
    ],
    "safety_hazard": [
        "这家店生意火爆，等了一个小时",
        "买的杀毒软件激活不了",
        "这是今年的爆款，质量一般",
        "周末店里爆满",
        "双十一爆单，发货太慢",
        "辣到爆炸，但是分量太少",
        "理发师给我剪了个爆炸头",
        "这车动力太拉胯了",
        "店员说不会漏电的，让我放心用",
        "销售说这车绝对不会自燃",
        "说明书上写着万一漏电会自动断电",
        "没有漏电，就是不制热",
        "这个安全座椅的布料起球了",
        "灭火器箱子的锁扣坏了",
        "吓我一跳，以为要爆了，结果是传感器坏了",
        "座椅皮面开裂了",
        "洗衣机门打不开，衣服锁在里面",
        "我们一起火锅店吃饭",
    ],
}


@pytest.mark.parametrize(
    ("family", "text"), [(family, text) for family, texts in FAMILY_FOUND.items() for text in texts]
)
def test_family_is_found_as_customers_write_it(family, text):
    assert family in families(text), analyse(text)


@pytest.mark.parametrize(
    ("family", "text"), [(family, text) for family, texts in FAMILY_NOT_FOUND.items() for text in texts]
)
def test_family_is_not_raised_by_denials_false_friends_or_staff_assurances(family, text):
    assert family not in families(text), analyse(text)


def test_every_family_has_positive_and_negative_examples():
    assert set(FAMILY_FOUND) == set(FAMILIES) == set(FAMILY_NOT_FOUND)


def test_a_cosmetic_scratch_is_no_injury_but_a_scratched_person_is():
    assert "injury" not in risks("外观划伤")
    assert "injury" not in risks("表面划伤，有几处划痕")
    assert "injury" in risks("工人被毛刺划伤手")
    assert "injury" in risks("划伤了孩子的脸")


# --- confidence ------------------------------------------------------------------------------------------------


def confidence(text: str, risk: str) -> float:
    [hit] = [hit for hit in analyse(text) if hit.risk == risk]
    return hit.confidence


@pytest.mark.parametrize(
    ("strong", "weak", "risk"),
    [
        ("我已经打了12315", "我要去举报你们", "regulator"),
        ("等着收律师函吧", "你们这是欺诈", "legal"),
        ("怀疑是食物中毒", "吃完有点不舒服", "food_safety"),
        ("我要找记者曝光", "大家避雷", "media"),
        ("牛奶过期了", "东西过期了", "spoiled"),  # 过期 without food words
        ("插座着火了", "万一着火怎么办", "fire"),  # imagined, not reported
    ],
)
def test_explicit_terms_are_more_certain_than_weak_ones(strong, weak, risk):
    assert confidence(strong, risk) > confidence(weak, risk)


def test_confidence_is_high_for_explicit_terms_and_low_for_weak_ones():
    assert confidence("我已经打了12315", "regulator") >= 0.9
    assert confidence("等着收律师函吧", "legal") >= 0.9
    assert confidence("怀疑是食物中毒", "food_safety") >= 0.85
    assert confidence("大家避雷", "media") <= 0.6
    assert confidence("东西过期了", "spoiled") <= 0.5


def test_a_threat_keeps_its_full_confidence():
    assert confidence("如果再不处理我就打12315", "regulator") == confidence("我已经打了12315", "regulator")


def test_two_weak_signs_are_surer_than_one():
    one = confidence("大家避雷", "media")
    two = confidence("踩雷了，大家避雷", "media")
    assert one < two < 1


def test_every_hit_has_a_confidence_between_0_and_1():
    text = "孩子吃了过期的蛋糕上吐下泻住院了，我已经找了律师，还要发微博曝光，插座也冒烟了"
    hits = analyse(text)
    assert {family_of(hit.risk) for hit in hits} >= set(FAMILIES) - {"regulator"}
    assert all(0 < hit.confidence <= 1 for hit in hits)


def test_existing_callers_may_leave_confidence_out():
    assert RiskHit(risk="legal", term="律师", start=0, reason="r").confidence == 0.8


@pytest.mark.parametrize(
    "text",
    [
        "等了两个小时，我的心都在冒烟",
        "爆炸的是我的心态，菜倒是还行",
        "辣爆了，不过分量太少",
        "又踩雷了，这家真难吃",
        "商家一口咬定是我自己弄坏的",
    ],
)
def test_metaphors_and_a_buyers_own_bad_luck_are_not_risks(text):
    assert {family_of(hit.risk) for hit in analyse(text)} - {None} == set()


@pytest.mark.parametrize(
    ("text", "family"),
    [("姐妹们又踩雷了，千万别点这家", "media"), ("骑手把餐扔地上还骂人，最后是我自己报的警", "legal")],
)
def test_warning_others_and_a_reported_police_call_are_risks(text, family):
    assert family in {family_of(hit.risk) for hit in analyse(text)}
