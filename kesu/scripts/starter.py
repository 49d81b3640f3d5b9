"""The starter set of the scripts library and a few macros, written for kesu from the situations of a
customer-service standard (first contact, apology, delay, refusal, 不成立, closing, revisit).

Each entry: key, situation, type codes ([] = every type), channels ([] = every channel), then the Chinese
title and text and the English ones. `load()` writes them idempotently (by key and language): loading again
updates the texts and keeps the use counts; scripts an administrator added are left alone."""

from __future__ import annotations

from django.db import transaction

from .models import Macro, Script

SCRIPTS: list[tuple[str, str, list[str], list[str], str, str, str, str]] = [
    # ── first contact ──────────────────────────────────────────────────────────────────────────────
    (
        "first-contact-general",
        "first_contact",
        [],
        [],
        "首次联系：受理确认",
        "{客户称呼}您好，非常理解您的心情。您反映的问题我们已经登记，投诉编号为{投诉编号}，"
        "我们会尽快为您核实处理，预计在{预计时间}前给您答复。处理进度可随时通过{查询链接}查询。",
        "First contact: complaint registered",
        "Hello {customer}, we understand how you feel. We have registered your complaint under number {number} "
        "and will look into it quickly; you will hear from us by {due}. Follow its progress at {track_url}.",
    ),
    (
        "first-contact-phone",
        "first_contact",
        [],
        ["phone"],
        "首次联系：电话开场",
        "您好，这里是{公司名称}客户服务中心，请问是{客户称呼}吗？关于您反映的“{投诉标题}”，我是负责跟进的客服，"
        "想先向您了解一下具体情况，大约占用您几分钟时间，方便吗？",
        "First contact: opening a phone call",
        "Hello, this is {company} Customer Service. Am I speaking with {customer}? I am following up on your "
        "complaint “{title}” and would like a few minutes to understand exactly what happened. Is now a good time?",
    ),
    (
        "first-contact-evidence",
        "first_contact",
        ["quality", "after_sales"],
        [],
        "首次联系：请客户补充凭证",
        "{客户称呼}您好，为了尽快帮您处理（投诉编号{投诉编号}），麻烦您提供产品型号、购买凭证以及问题部位的照片或视频，"
        "可直接回复本消息或通过{查询链接}上传。收到后我们会立即安排核实。",
        "First contact: asking for evidence",
        "Hello {customer}, to resolve complaint {number} quickly, could you send us the model, the proof of "
        "purchase and photos or a video of the problem? Reply to this message or upload them at {track_url}. "
        "We will check them as soon as they arrive.",
    ),
    (
        "first-contact-quality",
        "first_contact",
        ["quality"],
        [],
        "首次联系：产品质量问题",
        "{客户称呼}您好，您反映的产品质量问题我们非常重视，已转交质量部门核实，处理人为{处理人}。"
        "在核实期间请暂停使用该产品，以免造成进一步影响，我们会在{预计时间}前与您联系。",
        "First contact: product quality",
        "Hello {customer}, we take the quality problem you reported very seriously. Our quality team has it; "
        "{owner} is handling it. Please stop using the product until we have checked it. We will contact you "
        "by {due}.",
    ),
    (
        "first-contact-delivery",
        "first_contact",
        ["delivery"],
        [],
        "首次联系：物流配送问题",
        "{客户称呼}您好，关于您订单的配送问题（投诉编号{投诉编号}），我们已联系物流部门核查货物位置和配送记录，"
        "会在{预计时间}前告知您核查结果。",
        "First contact: delivery",
        "Hello {customer}, about the delivery of your order (complaint {number}): our logistics department is "
        "checking where the goods are and the delivery records. We will tell you what we find by {due}.",
    ),
    (
        "first-contact-price",
        "first_contact",
        ["price"],
        [],
        "首次联系：费用与价格争议",
        "{客户称呼}您好，您反映的扣款/价格问题我们已收到，财务部门正在核对您的订单和支付记录。"
        "如确有多收，我们会按原支付渠道退还。投诉编号{投诉编号}，预计{预计时间}前答复。",
        "First contact: fees and prices",
        "Hello {customer}, we have received your question about the charge. Our finance department is checking "
        "your order and payment records; anything charged too much will be refunded the way you paid. "
        "Complaint {number}, answer expected by {due}.",
    ),
    (
        "first-contact-service",
        "first_contact",
        ["service"],
        [],
        "首次联系：服务态度问题",
        "{客户称呼}您好，很抱歉我们的服务让您感到不愉快。您反映的情况我们已如实记录，"
        "会由{处理人}负责调查并向您反馈，投诉编号{投诉编号}。",
        "First contact: service attitude",
        "Hello {customer}, we are sorry our service left you unhappy. We have recorded what you told us as you "
        "said it; {owner} will look into it and come back to you. Complaint {number}.",
    ),
    (
        "first-contact-sms",
        "first_contact",
        [],
        ["sms"],
        "首次联系：短信受理通知",
        "{客户称呼}您好，您的投诉已受理（编号{投诉编号}），我们将于{预计时间}前联系您。进度查询：{查询链接}",
        "First contact: registered (SMS)",
        "Hello {customer}, complaint {number} is registered; we will contact you by {due}. Progress: {track_url}",
    ),
    # ── apology ────────────────────────────────────────────────────────────────────────────────────
    (
        "apology-general",
        "apology",
        [],
        [],
        "致歉：通用",
        "{客户称呼}，给您带来不便，我们深表歉意。这件事是我们做得不够好，我们会认真改进，"
        "也会尽最大努力把问题为您处理好。",
        "Apology: general",
        "{customer}, we are truly sorry for the trouble this has caused you. We fell short here; we will put it "
        "right as well as we can and learn from it.",
    ),
    (
        "apology-quality",
        "apology",
        ["quality"],
        [],
        "致歉：产品质量",
        "{客户称呼}，产品出现这样的问题，我们非常抱歉。经核实属于产品质量问题，我们将按照国家三包规定为您办理，"
        "并承担由此产生的运费。具体方案由{处理人}与您确认。",
        "Apology: product quality",
        "{customer}, we are very sorry the product failed you. It is a quality fault on our side: we will "
        "repair, exchange or refund it under the statutory warranty and pay the shipping. {owner} will agree "
        "the details with you.",
    ),
    (
        "apology-delivery-delay",
        "apology",
        ["delivery"],
        [],
        "致歉：物流延误",
        "{客户称呼}，非常抱歉您的货物未能按时送达（投诉编号{投诉编号}）。我们已与物流部门核实，延误是由于转运环节"
        "积压造成的，现已安排优先配送，最新配送情况的答复时间：{预计时间}。对于给您造成的不便，我们再次致歉。",
        "Apology: delivery delay",
        "{customer}, we are very sorry your goods did not arrive on time (complaint {number}). Logistics "
        "confirmed the delay came from a backlog at a transfer point; your order now has priority, and you will "
        "hear how the delivery stands by: {due}. Once again, our apologies.",
    ),
    (
        "apology-damaged",
        "apology",
        ["delivery"],
        [],
        "致歉：配送破损",
        "{客户称呼}，收到破损的商品一定让您很失望，我们深感抱歉。我们将为您免费补发或退货，"
        "无需您承担任何费用，请保留外包装以便物流理赔。",
        "Apology: damaged in delivery",
        "{customer}, receiving damaged goods must be very disappointing, and we are sorry. We will send a "
        "replacement or take it back free of charge; please keep the packaging for the carrier's claim.",
    ),
    (
        "apology-service",
        "apology",
        ["service"],
        [],
        "致歉：服务态度",
        "{客户称呼}，对于工作人员的不当言行，我们郑重向您道歉。我们已对相关人员进行批评教育，"
        "并将加强服务培训，避免类似情况再次发生。",
        "Apology: staff behaviour",
        "{customer}, we sincerely apologise for how our staff member treated you. We have spoken to the person "
        "concerned and are reinforcing service training so that it does not happen again.",
    ),
    (
        "apology-after-sales",
        "apology",
        ["after_sales"],
        [],
        "致歉：维修不及时",
        "{客户称呼}，维修拖了这么久，我们非常抱歉。我们已督促售后网点优先处理，{处理人}会全程跟进，"
        "维修期间如需备用机我们也可以为您安排。",
        "Apology: slow repair",
        "{customer}, we are very sorry the repair has taken so long. We have told the service centre to give "
        "it priority and {owner} is following it closely; if you need a replacement unit meanwhile, we can "
        "arrange one.",
    ),
    (
        "apology-billing",
        "apology",
        ["price"],
        [],
        "致歉：多扣费用",
        "{客户称呼}，经核实确实存在多扣款的情况，非常抱歉。多扣的费用将在3个工作日内原路退回，届时请留意到账信息。",
        "Apology: overcharged",
        "{customer}, we checked and you were indeed charged too much; we apologise. The difference will be "
        "refunded the way you paid within 3 working days.",
    ),
    # ── delay ──────────────────────────────────────────────────────────────────────────────────────
    (
        "delay-progress",
        "delay",
        [],
        [],
        "延期：进度告知",
        "{客户称呼}您好，关于您的投诉（编号{投诉编号}），目前仍在处理中，{处理人}正在与相关部门核实情况。"
        "我们预计{预计时间}前给您明确答复，期间如有进展会第一时间通知您。",
        "Delay: progress update",
        "Hello {customer}, your complaint {number} is still in hand: {owner} is checking it with the "
        "departments involved. We expect to give you a clear answer by {due} and will tell you at once of any "
        "progress.",
    ),
    (
        "delay-testing",
        "delay",
        ["quality"],
        [],
        "延期：等待检测结果",
        "{客户称呼}您好，您的产品已送达检测中心，检测需要一定时间，预计{预计时间}前出具结果。"
        "为确保结论准确，请您再耐心等待几天，结果出来后我们会马上联系您。",
        "Delay: waiting for the test result",
        "Hello {customer}, your product has reached our test laboratory. Testing takes some time; the result "
        "is expected by {due}. To be sure of the conclusion, please bear with us a few more days — we will "
        "call you as soon as we have it.",
    ),
    (
        "delay-parts",
        "delay",
        ["after_sales", "quality"],
        [],
        "延期：配件到货",
        "{客户称呼}您好，维修所需的配件正在从厂家调货，预计{预计时间}前到达网点，到货后师傅会主动与您预约上门时间。",
        "Delay: waiting for parts",
        "Hello {customer}, the part needed for the repair is on its way from the factory and should reach the "
        "service centre by {due}; the technician will then call you to book a visit.",
    ),
    (
        "delay-logistics",
        "delay",
        ["delivery"],
        [],
        "延期：物流延误说明",
        "{客户称呼}您好，受天气/运力影响，您的货物配送有所延迟（投诉编号{投诉编号}），我们已催促物流公司加急处理，"
        "最新配送情况的答复时间：{预计时间}。给您带来不便，敬请谅解。",
        "Delay: delivery held up",
        "Hello {customer}, weather and transport capacity have held up your delivery (complaint {number}). We "
        "have asked the carrier to hurry; you will hear how the delivery stands by: {due}. We are sorry for the "
        "inconvenience.",
    ),
    (
        "delay-weekly",
        "delay",
        [],
        ["phone", "email"],
        "延期：每周跟进",
        "{客户称呼}您好，这是本周对您投诉（编号{投诉编号}）的例行进度回访。目前处理仍在进行中，"
        "尚未有最终结论，我们没有忘记您的事情，下周同一时间会再向您通报。",
        "Delay: weekly follow-up",
        "Hello {customer}, this is our weekly update on complaint {number}. Work is still going on and there is "
        "no final conclusion yet; we have not forgotten you and will update you again at the same time next "
        "week.",
    ),
    # ── refusal (of a demand) ──────────────────────────────────────────────────────────────────────
    (
        "refusal-demand",
        "refusal",
        [],
        [],
        "婉拒：超出政策的诉求",
        "{客户称呼}，非常理解您的诉求，但按照公司的售后政策，这一要求我们暂时无法满足，还请您谅解。"
        "在政策范围内，我们可以为您提供：{处理方案}。",
        "Refusal: a demand beyond the policy",
        "{customer}, we understand what you are asking for, but our after-sales policy does not allow it, and we "
        "hope you will understand. Within the policy we can offer you: {solution}.",
    ),
    (
        "refusal-compensation",
        "refusal",
        [],
        [],
        "婉拒：赔偿金额过高",
        "{客户称呼}，您提出的赔偿金额超出了我们的赔付标准，我们无法全额满足。"
        "我们诚恳地为您准备了以下方案，希望您能考虑：{处理方案}。",
        "Refusal: compensation too high",
        "{customer}, the compensation you ask for is above what our standards allow, so we cannot grant it in "
        "full. We sincerely offer instead: {solution}. We hope you will consider it.",
    ),
    (
        "refusal-warranty",
        "refusal",
        ["after_sales", "quality"],
        [],
        "婉拒：已过保修期",
        "{客户称呼}，经查询您的产品已超过保修期，本次维修需要收取配件费用，人工费我们为您减免。"
        "如您同意，{处理人}将为您安排维修。",
        "Refusal: out of warranty",
        "{customer}, your product is past its warranty, so this repair carries a charge for the parts; we will "
        "waive the labour. If you agree, {owner} will arrange the repair.",
    ),
    (
        "refusal-franchise",
        "refusal",
        ["policy"],
        [],
        "婉拒：加盟政策调整",
        "{客户称呼}，加盟政策的调整适用于全体加盟商，我们无法单独为您保留原政策。"
        "为减少对您经营的影响，区域经理会与您沟通过渡期的支持措施。",
        "Refusal: franchise policy change",
        "{customer}, the policy change applies to every franchisee, so we cannot keep the former terms for you "
        "alone. To ease the change for your business, the regional manager will discuss transition support "
        "with you.",
    ),
    # ── not justified (不成立) ──────────────────────────────────────────────────────────────────────
    (
        "not-justified-usage",
        "not_justified",
        ["quality", "after_sales"],
        [],
        "不成立：人为使用不当",
        "{客户称呼}，经过检测，产品故障是由于使用不当（如电压不稳、进水或跌落）造成的，不属于产品质量问题，"
        "因此本次投诉不成立。我们可以为您提供有偿维修，并赠送一次免费保养。",
        "Not justified: misuse",
        "{customer}, the inspection found that the fault was caused by how the product was used (for example "
        "unstable voltage, water or a fall), not by its quality, so the complaint is not justified. We can "
        "repair it at cost and add a free service visit.",
    ),
    (
        "not-justified-normal",
        "not_justified",
        ["quality"],
        [],
        "不成立：属于正常现象",
        "{客户称呼}，您反映的情况（如运行时的轻微声响、初次使用的气味）属于产品的正常现象，符合国家标准，"
        "不影响使用和安全，因此本次投诉不成立。如仍有疑问，欢迎随时联系我们。",
        "Not justified: normal behaviour",
        "{customer}, what you describe (such as a slight noise when running or a smell on first use) is normal "
        "for this product, within the national standard, and does not affect its use or safety, so the "
        "complaint is not justified. If you have any doubts, contact us at any time.",
    ),
    (
        "not-justified-delivery",
        "not_justified",
        ["delivery"],
        [],
        "不成立：签收记录无异常",
        "{客户称呼}，经核查物流记录，您的货物已于签收时当面验货，签收单上未注明任何异常，"
        "因此本次投诉不成立。如您有新的凭证，可通过{查询链接}补充，我们会重新核实。",
        "Not justified: delivery signed for without remarks",
        "{customer}, the delivery records show the goods were checked and signed for without any remark, so "
        "the complaint is not justified. If you have new evidence, add it at {track_url} and we will look "
        "again.",
    ),
    (
        "not-justified-price",
        "not_justified",
        ["price"],
        [],
        "不成立：价格符合活动规则",
        "{客户称呼}，经核对，您订单的成交价格符合当时的活动规则，不存在多收费用的情况，"
        "因此本次投诉不成立。活动规则详见订单页面说明。",
        "Not justified: price matched the promotion",
        "{customer}, we checked: your order's price followed the promotion's rules at the time and nothing was "
        "overcharged, so the complaint is not justified. The rules are on the order page.",
    ),
    # ── closing ────────────────────────────────────────────────────────────────────────────────────
    (
        "closing-confirm",
        "closing",
        [],
        [],
        "结案：确认处理结果",
        "{客户称呼}您好，您的投诉（编号{投诉编号}）已处理完毕，处理结果：{处理结果}。"
        "请问您对本次处理结果是否满意？您的评价对我们非常重要：{评价链接}",
        "Closing: confirming the result",
        "Hello {customer}, your complaint {number} has been dealt with: {resolution}. Are you satisfied with "
        "the result? Your rating matters to us: {rate_url}",
    ),
    (
        "closing-thanks",
        "closing",
        [],
        [],
        "结案：感谢客户",
        "{客户称呼}，感谢您的耐心与理解，也感谢您把问题告诉我们，这能帮助我们做得更好。"
        "今后如有任何需要，欢迎随时联系{公司名称}客户服务中心。",
        "Closing: thanking the customer",
        "{customer}, thank you for your patience and understanding, and for telling us about the problem — it "
        "helps us do better. Whenever you need us, {company} Customer Service is here.",
    ),
    (
        "closing-phone",
        "closing",
        [],
        ["phone"],
        "结案：电话结束语",
        "那今天就先跟您确认到这里，处理结果我们也会以短信/邮件的形式发给您留存。"
        "请问还有其他需要帮您的吗？感谢您的来电，祝您生活愉快，再见！",
        "Closing: ending a call",
        "That is everything I needed to confirm today; we will also send you the result by SMS or e-mail for "
        "your records. Is there anything else I can help with? Thank you for calling, and have a good day.",
    ),
    (
        "closing-sms",
        "closing",
        [],
        ["sms"],
        "结案：短信通知",
        "{客户称呼}您好，您的投诉{投诉编号}已处理完毕，请点击链接评价：{评价链接}，感谢您的支持！",
        "Closing: resolved (SMS)",
        "Hello {customer}, complaint {number} is resolved. Please rate us: {rate_url} Thank you!",
    ),
    # ── revisit ────────────────────────────────────────────────────────────────────────────────────
    (
        "revisit-satisfaction",
        "revisit",
        [],
        [],
        "回访：满意度回访",
        "{客户称呼}您好，我是{公司名称}客服中心的{处理人}。前段时间您反映的问题（编号{投诉编号}）已经处理完毕，"
        "想回访一下产品现在使用是否正常，您对我们的处理是否满意？",
        "Revisit: satisfaction call",
        "Hello {customer}, this is {owner} from {company} Customer Service. The problem you reported recently "
        "(complaint {number}) was resolved; we would like to check that the product works properly now and "
        "whether you were satisfied with how we handled it.",
    ),
    (
        "revisit-repair",
        "revisit",
        ["after_sales", "quality"],
        [],
        "回访：维修后回访",
        "{客户称呼}您好，您的产品维修完成已有一周，想跟您确认一下目前使用情况是否正常，"
        "维修师傅的服务是否到位？如还有问题请随时告诉我们。",
        "Revisit: after the repair",
        "Hello {customer}, your product was repaired a week ago. Is it working properly, and was the "
        "technician's service satisfactory? If anything is still wrong, please tell us.",
    ),
    (
        "revisit-unsatisfied",
        "revisit",
        [],
        [],
        "回访：客户仍不满意",
        "{客户称呼}，非常抱歉本次处理没有让您满意。您的意见我们已经记录，案件已升级由{处理人}重新处理，"
        "会在{预计时间}前再次与您联系，给您一个更好的方案。",
        "Revisit: the customer is still unhappy",
        "{customer}, we are sorry the outcome did not satisfy you. We have noted your view and raised the case; "
        "{owner} will handle it afresh and contact you by {due} with a better solution.",
    ),
    (
        "revisit-delivery",
        "revisit",
        ["delivery"],
        [],
        "回访：补发到货确认",
        "{客户称呼}您好，补发给您的商品显示已签收，想确认一下货物是否完好、数量是否齐全？"
        "如有任何问题请直接回复本消息。",
        "Revisit: the replacement arrived",
        "Hello {customer}, the replacement we sent shows as delivered. Did everything arrive complete and in "
        "good condition? If not, simply reply to this message.",
    ),
]

# name, description, steps; a reply step names its script by key (resolved to the id at loading).
MACROS: list[tuple[str, str, str, list[dict]]] = [
    (
        "delivery-delay",
        "物流延误标准处理",
        "归类为运输/物流类投诉，指派物流部处理，并发送物流延误致歉。",
        [
            {"action": "triage", "args": {"type_code": "delivery", "reason": "物流延误，按标准处理归类"}},
            {"action": "assign", "args": {"department": "LOG"}},
            {"reply_key": "apology-delivery-delay", "channel": "email"},
        ],
    ),
    (
        "quality-to-qa",
        "产品质量转质量部",
        "归类为产品质量投诉，指派质量部，并告知客户已转交核实。",
        [
            {"action": "triage", "args": {"type_code": "quality", "reason": "产品质量问题，转质量部核实"}},
            {"action": "assign", "args": {"department": "QA"}},
            {"reply_key": "first-contact-quality", "channel": "email"},
        ],
    ),
    (
        "acknowledge-and-confirm",
        "受理并发送受理确认",
        "确认已联系客户，并发送受理确认话术。",
        [
            {"action": "acknowledge", "args": {}},
            {"reply_key": "first-contact-general", "channel": "email"},
        ],
    ),
    (
        "progress-update",
        "发送进度告知",
        "记录一条内部备注，并向客户发送进度告知。",
        [
            {"action": "note", "args": {"text": "已向客户发送进度告知（宏）。", "internal": True}},
            {"reply_key": "delay-progress", "channel": "email"},
        ],
    ),
]


def load() -> tuple[int, int]:
    """Write the starter set; returns (scripts, macros) written. Safe to run again."""
    written = 0
    with transaction.atomic():
        for key, situation, types, channels, title_zh, text_zh, title_en, text_en in SCRIPTS:
            for language, title, text in (("zh-hans", title_zh, text_zh), ("en", title_en, text_en)):
                Script.objects.update_or_create(
                    key=key,
                    language=language,
                    defaults={
                        "title": title,
                        "situation": situation,
                        "type_codes": types,
                        "channels": channels,
                        "text": text,
                    },
                )
                written += 1
        ids = dict(Script.objects.filter(language="zh-hans").exclude(key="").values_list("key", "id"))
        for key, name, description, steps in MACROS:
            resolved = [
                {"reply": ids[s["reply_key"]], "channel": s["channel"]} if "reply_key" in s else s for s in steps
            ]
            Macro.objects.update_or_create(
                key=key, defaults={"name": name, "description": description, "steps": resolved}
            )
    return written, len(MACROS)
