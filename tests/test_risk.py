"""The Chinese risk analyser (R-CLS-4): each risk in the ways customers write it, negation and false friends,
the type suggestion, and switching off terms agents keep rejecting."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kesu.rules import lexicon, type_lexicon
from kesu.rules.risk import RISKS, RiskHit, analyse, normalise, terms_to_disable
from kesu.rules.types import TYPES, suggest_type


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
    assert hit == RiskHit(risk="legal", term="律師", start=text.index("律師"), reason=hit.reason)
    assert "律師" in hit.reason


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


# --- type suggestion -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("冰箱用了一个月就不制冷了", "quality"),
        ("外卖里吃出一根头发", "quality"),
        ("客服态度很差，还挂我电话", "service"),
        ("店员爱理不理的，问什么都不耐烦", "service"),
        ("报修一周了维修师傅还没上门", "after_sales"),
        ("配件没货，维修要等一个月", "after_sales"),
        ("快递三天了还没到，物流信息也不更新", "delivery"),
        ("发错货了，我买的是黑色的", "delivery"),
        ("结账时多收了我五十块钱", "price"),
        ("促销活动说满减，结果没给优惠", "price"),
        ("不是质量问题，是你们的服务态度太差", "service"),
        ("蛋糕送到的时候奶油化了，不过味道还行", "delivery"),  # praise cancels 味道
        ("物业乱收停车费，业主们联名写信了", "price"),  # many customers say nothing about the kind of problem
        ("拉链不顺滑，拉起来很费劲", "quality"),
        ("预约了三点，等到三点半才叫号", "service"),
        ("因贵司物料迟迟未到，交付又延期了", "delivery"),
        ("会员卡里的钱也不退", "price"),
    ],
)
def test_suggest_type(text, expected):
    code, reason = suggest_type(text)
    assert code == expected, reason
    assert reason


@pytest.mark.parametrize("text", ["你好，我想咨询一下", "我要求你们三天内给出书面答复", "请尽快处理"])
def test_suggest_type_says_when_it_cannot_tell(text):
    code, reason = suggest_type(text)
    assert code is None
    assert reason


def test_type_reason_names_the_words_that_decided():
    code, reason = suggest_type("快递员把包裹扔在门口")
    assert code == "delivery"
    assert "快递" in reason


def test_suggested_types_are_known_codes():
    assert set(type_lexicon.TYPE_ORDER) <= set(TYPES)


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
