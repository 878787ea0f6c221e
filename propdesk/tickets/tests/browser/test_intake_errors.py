"""The intake form in a real browser: every refusal is shown beside its field at once, before
the read-back (a future received time, a description past its limit, a refused file included),
and a phone that cannot be validated is kept with a warning."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from propdesk.console.tests.browser.fixtures import log_in
from propdesk.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

INVALID = re.compile(r"\bis-invalid\b")
OVER = re.compile(r"\btext-danger\b")

HTML_AS_JPG = {
    "name": "photo.jpg",
    "mimeType": "image/jpeg",
    "buffer": b"<html><body><script>alert(1)</script></body></html>",
}
PROGRAM = {"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}


def png() -> dict:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return {"name": "leak.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def refusal(message) -> bool:
    """A script error or a CSP refusal; not a resource answered 4xx (a refused check answers
    400, and the browser asks for a favicon)."""
    return message.type == "error" and not message.text.startswith("Failed to load resource")


@pytest.fixture
def open_intake(open_page):
    """The intake page of an agent; the test fails on any script error or CSP refusal."""
    failures: list[str] = []

    def opener():
        page = open_page()
        page.on("pageerror", lambda error: failures.append(str(error)))
        page.on("console", lambda m: failures.append(m.text) if refusal(m) else None)
        log_in(page, "agent")
        page.goto("/intake/")
        return page

    yield opener
    assert failures == []


def choose_the_caller(page) -> None:
    page.fill("#lookup-phone", "13812345678")
    page.locator("#phone-matches [data-pick]").first.click()
    expect(page.locator("#household-file")).to_contain_text("3栋2单元1101")


def fill_a_good_request(page) -> None:
    choose_the_caller(page)
    page.fill("#f-category-filter", "电梯")
    page.fill("#f-description", "3栋2单元电梯停在12楼不动")


def review(page) -> None:
    with page.expect_response(lambda r: "/intake/check/" in r.url):
        page.click("#review")


def test_every_wrong_field_is_shown_beside_it_at_once_before_the_read_back(world, open_intake):
    page = open_intake()
    # Nobody chosen, no category, no description, a phone too long to keep.
    page.fill("#f-contact-phone", "1" * 21)

    review(page)

    expect(page.locator("#error-description")).to_contain_text("请填写诉求内容")
    expect(page.locator("#error-category")).to_contain_text("分类")
    expect(page.locator("#error-contact_phone")).to_contain_text("太长")
    expect(page.locator("#error-resident_id")).to_contain_text("住户")
    for field in ("#f-description", "#f-category", "#f-contact-phone", "#f-reporter"):
        expect(page.locator(field)).to_have_class(INVALID)
    expect(page.locator("#intake-error")).to_contain_text("处需要更正")
    expect(page.locator("#readback")).to_have_count(0)
    assert page.url.endswith("/intake/")  # nothing was posted: the page was not left

    # Put right, the errors go and the read-back comes, in place.
    fill_a_good_request(page)
    page.fill("#f-contact-phone", "")
    review(page)
    expect(page.locator("#readback")).to_contain_text("张伟")
    expect(page.locator(".invalid-feedback.d-block")).to_have_count(0)
    expect(page.locator("#intake-error")).to_be_hidden()
    assert not Ticket.objects.exists()


def test_a_future_received_time_is_refused_before_the_read_back(world, open_intake):
    page = open_intake()
    fill_a_good_request(page)

    page.fill("#f-received", "2099-01-01T09:00")
    page.locator("#f-received").dispatch_event("change")
    # Said at once, before asking the server …
    expect(page.locator("#error-received_at")).to_contain_text("接报时间不能晚于现在")
    # … and the server refuses it as well: no read-back.
    review(page)
    expect(page.locator("#error-received_at")).to_contain_text("接报时间不能晚于现在")
    expect(page.locator("#readback")).to_have_count(0)
    assert not Ticket.objects.exists()


def test_the_description_counts_its_characters_and_stops_at_the_limit(world, open_intake):
    page = open_intake()
    fill_a_good_request(page)
    counter = page.locator("#description-counter")
    expect(counter).to_contain_text("14 / 2000")

    page.fill("#f-description", "漏" * 2001)

    expect(counter).to_contain_text("2001 / 2000")
    expect(counter).to_have_class(OVER)
    expect(page.locator("#error-description")).to_contain_text("2000")
    review(page)
    expect(page.locator("#readback")).to_have_count(0)
    expect(page.locator("#error-description")).to_contain_text("2000")

    page.fill("#f-description", "漏" * 2000)
    expect(counter).not_to_have_class(OVER)
    expect(page.locator("#error-description")).to_be_empty()


def test_a_refused_file_is_shown_beside_the_file_field_and_nothing_is_saved(
    world, open_intake, media
):
    page = open_intake()
    fill_a_good_request(page)

    for refused in (HTML_AS_JPG, PROGRAM):
        page.set_input_files("#f-files", files=[refused])
        review(page)
        expect(page.locator("#error-files")).to_contain_text(refused["name"])
        expect(page.locator("#f-files")).to_have_class(INVALID)
        expect(page.locator("#readback")).to_have_count(0)
    assert not Ticket.objects.exists()

    # A photo instead: read back, confirmed, registered with it.
    page.set_input_files("#f-files", files=[png()])
    review(page)
    expect(page.locator("#error-files")).to_be_empty()
    page.click("#confirm-register")
    expect(page.locator("#ticket-status")).to_have_text("已登记")
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["leak.png"]
    # No note about a file under the success banner: nothing was refused.
    expect(page.locator(".alert-danger")).to_have_count(0)


def test_a_phone_that_cannot_be_validated_is_kept_with_a_warning(world, open_intake):
    page = open_intake()
    fill_a_good_request(page)
    page.fill("#f-contact-phone", "abc")

    review(page)

    expect(page.locator("#warning-contact_phone")).to_contain_text("未能核实")
    expect(page.locator("#readback-phone-warning")).to_be_visible()
    page.click("#confirm-register")
    expect(page.locator("#phone-warning")).to_contain_text("未能核实")
    assert Ticket.objects.get().contact_phone == "abc"
