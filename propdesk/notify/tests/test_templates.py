"""Message texts: every event in Chinese and English, on every channel, with the number."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from propdesk.notify.choices import Channel, Event
from propdesk.notify.rendering import LANGUAGES, TemplateMissing, language_of, render

SHANGHAI = ZoneInfo("Asia/Shanghai")
NUMBER = "SZHY-20260909-0001"
LINK = "https://wuye.example.cn/s/k3J9xQ2vTq8mW0pZrL5nY7aB/"
#: Messages not about one request: they carry what they are about instead of its number.
CODE = "482913"
HEADLINE = "92.5"  # a monthly report's 投诉处理及时率
MEASURE = "#17"  # a corrective action's number
SATISFACTION = "86.67%"  # a survey's overall satisfaction, in its analysis report's notice
ABOUT = {
    Event.SURVEY_REPORT_DISTRIBUTED: SATISFACTION,
    Event.SURVEY_INVITATION: LINK,
    Event.PORTAL_LOGIN_CODE: CODE,
    Event.MONTHLY_REPORT_PUBLISHED: HEADLINE,
    Event.ACTION_WARNING: MEASURE,
    Event.ACTION_OVERDUE: MEASURE,
}
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _context(language: str) -> dict:
    chinese = language == "zh-hans"
    return {
        "number": NUMBER,
        "company": "华宇物业" if chinese else "Huayu Property",
        "project": "华苑" if chinese else "Huayuan",
        "kind": "投诉" if chinese else "Complaint",
        "description": "电梯停在12楼不动" if chinese else "The lift is stuck on floor 12",
        "place": "3栋2单元1101" if chinese else "Building 3, unit 2, room 1101",
        "resident_name": "张伟" if chinese else "Zhang Wei",
        "reply_by": datetime(2026, 9, 9, 12, 0, tzinfo=SHANGHAI),
        "due_at": datetime(2026, 9, 9, 14, 30, tzinfo=SHANGHAI),
        "deadline": datetime(2026, 9, 9, 16, 0, tzinfo=SHANGHAI),
        "clock_label": "处理" if chinese else "Handling",
        "work_order": 1,
        "department": "工程部" if chinese else "Engineering",
        "level": 2,
        "reason": "处理超时" if chinese else "handling overdue",
        "resolution": "更换了主板" if chinese else "The control board was replaced",
        "content": "维修人员明早9点上门" if chinese else "The technician comes at 9 tomorrow",
        "campaign": "2026年下半年满意度调查" if chinese else "2026 autumn satisfaction survey",
        "period_end": datetime(2026, 9, 30, tzinfo=SHANGHAI).date(),
        "link": LINK,
        "code": CODE,
        "minutes": 5,
        "scope_name": "华苑" if chinese else "Huayuan",
        "year": 2026,
        "month": 9,
        "publisher": "王经理" if chinese else "Manager Wang",
        "published_at": datetime(2026, 10, 8, 16, 0, tzinfo=SHANGHAI),
        "published_late": False,
        "complaint_timeliness": HEADLINE,
        "follow_up_breaches": 3,
        "action_id": 17,
        "action_label": "纠正措施" if chinese else "Corrective action",
        "action_level_label": "项目经理" if chinese else "Project manager",
        "measure": "每日巡查两次" if chinese else "Patrol twice a day",
        "owner": "李工" if chinese else "Engineer Li",
        "due_on": datetime(2026, 9, 15, tzinfo=SHANGHAI).date(),
        "claim": 12,
        "claim_step_label": "地区公司审批" if chinese else "Region company approval",
        "claim_status": "sent_back",
        "claim_status_label": "退回重新核定" if chinese else "Sent back to reassess",
        "claim_amount": "3500.00",
        "claim_reason": "赔偿 3500.00 元,超过 2000 元" if chinese else "3500.00 yuan, over 2000",
        "basis": "装修公司报价单" if chinese else "The decorator's quotation",
        "claim_description": "吊顶泡水" if chinese else "The ceiling was soaked",
        "approver": "王经理" if chinese else "Manager Wang",
        "note": "请补充发票" if chinese else "Add the invoice, please",
        "reviewer": "钟建平" if chinese else "Zhong Jianping",
        "distributor": "罗慧敏" if chinese else "Luo Huimin",
        "distributed_at": datetime(2026, 10, 12, 9, 30, tzinfo=SHANGHAI),
        "return_rate": "45.00%",
        "responses": 9,
        "invitations": 20,
        "satisfaction": SATISFACTION,
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("channel", Channel.values)
@pytest.mark.parametrize("event", Event.values)
def test_every_event_renders_in_both_languages_on_every_channel(event, channel, language):
    subject, body = render(event, channel, language, _context(language))

    if event in ABOUT:
        assert subject and ABOUT[event] in body
    else:
        assert NUMBER in subject
        assert NUMBER in body
    assert "{{" not in body and "{%" not in body
    assert "\n\n\n" not in body
    if language == "en":
        assert not CJK.findall(subject + body), "untranslated text in the English message"
    else:
        assert CJK.search(body)


def test_the_sms_receipt_reads_as_a_resident_receives_it():
    _, zh = render(Event.TICKET_REGISTERED_RECEIPT, Channel.SMS, "zh-hans", _context("zh-hans"))
    _, en = render(Event.TICKET_REGISTERED_RECEIPT, Channel.SMS, "en", _context("en"))

    assert zh == (
        f"【华宇物业】您的投诉已登记，编号 {NUMBER}，我们将在9月9日 12:00前回复您。"
        "查询进度请联系客服中心并提供编号。"
    )
    assert en == (
        f"[Huayu Property] Your complaint has been registered as {NUMBER}. "
        "We will reply by Sep 9, 12:00. "
        "Quote this number when you contact the customer service centre."
    )


def test_times_are_shown_in_shanghai_time_and_optional_parts_drop_out():
    context = _context("zh-hans")
    context["due_at"] = datetime(2026, 9, 9, 6, 30, tzinfo=ZoneInfo("UTC"))
    del context["reason"]

    subject, body = render(Event.ESCALATED, Channel.IN_APP, "zh-hans", context)

    assert subject == f"【升级】{NUMBER} 已升级至第2级"
    assert "原定时限：9月9日 14:30" in body
    assert "升级原因" not in body


def test_languages_fall_back_to_the_site_default():
    assert language_of("en-us") == "en"
    assert language_of("zh-hant") == "zh-hans"
    assert language_of("fr") == "zh-hans"
    assert language_of(None) == "zh-hans"
    with pytest.raises(TemplateMissing):
        render("no_such_event", Channel.SMS, "zh-hans", {})
