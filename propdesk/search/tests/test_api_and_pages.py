"""Word search through the API and the console: a ticket registered through the API is found
at once by GET /api/v1/tickets?text= and GET /api/v1/search; the search box's page; the queue's
text filter marking the words; numbers and phones still matched whole."""

from __future__ import annotations

from django.test import Client

from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import (  # noqa: F401
    ApiClient,
    phone_complaint,
    quick_password_hashing,
)


def test_a_ticket_registered_through_the_api_is_found_by_its_words_at_once(world):
    agent = ApiClient(world.agent)
    made = agent.post("/tickets", phone_complaint(world, description="地下车库监控录像看不到"))
    assert made.status_code == 201
    number = made.json()["number"]

    listed = agent.get("/tickets", {"text": "监控 录像"}).json()
    assert [t["number"] for t in listed["items"]] == [number]
    found = agent.get("/search", {"q": "监控录像"}).json()
    assert [t["number"] for t in found["tickets"]] == [number]
    assert "<mark>监控录像</mark>" in found["tickets"][0]["snippet"]
    assert found["words"] == ["监控", "录像", "监控录像"]
    # Another project's staff: nothing, neither in the list nor in the search.
    outsider = ApiClient(world.outsider)
    assert outsider.get("/tickets", {"text": "监控"}).json()["items"] == []
    assert outsider.get("/search", {"q": "监控"}).json()["tickets"] == []


def test_the_text_filter_matches_numbers_and_phones_whole_and_the_rest_by_words(world, now):
    ticket = register(world, now, description="可视对讲没有图像", contact_phone="13812345678")
    agent = ApiClient(world.agent)

    def found(text):
        return [t["number"] for t in agent.get("/tickets", {"text": text}).json()["items"]]

    assert found(ticket.number.lower()) == [ticket.number]
    assert found("13812345678") == [ticket.number]
    assert found("对讲") == [ticket.number]
    assert found("对讲 图像") == [ticket.number]
    assert found("对讲 电梯") == []
    # A part of a number is not a number: the list no longer scans every description for it.
    assert found(ticket.number[:6]) == []


def test_the_search_page_groups_tickets_cases_and_residents_with_the_words_marked(world, now):
    ticket = register(world, now, description="楼上漏水<b>严重</b>")
    client = Client()
    client.force_login(world.agent)

    page = client.get("/search/results/", {"q": "漏水"})
    html = page.content.decode()
    assert page.status_code == 200
    assert ticket.number in html
    assert "<mark>漏水</mark>" in html
    assert "&lt;b&gt;严重&lt;/b&gt;" in html
    assert 'id="search-cases"' in html and 'id="search-residents"' in html
    # A resident by name, shown with the phone masked.
    people = client.get("/search/results/", {"q": "张伟"}).content.decode()
    assert "<mark>张伟</mark>" in people and "138****5678" in people
    assert "13812345678" not in people
    # A ticket number opens the ticket.
    opened = client.get("/search/results/", {"q": ticket.number.lower()})
    assert opened.status_code == 302 and opened["Location"].endswith(f"/tickets/{ticket.number}/")


def test_the_header_search_box_leads_to_the_search_page(world):
    client = Client()
    client.force_login(world.agent)
    assert 'action="/search/results/"' in client.get("/queues/all/").content.decode()


def test_the_queue_filtered_by_words_marks_them_in_each_row(world, now):
    register(world, now, description="消防通道被车辆长期占用")
    register(world, now, description="楼道灯不亮很久了")
    client = Client()
    client.force_login(world.agent)

    html = client.get("/queues/all/", {"text": "消防通道 占用"}).content.decode()
    assert "<mark>消防通道</mark>" in html and "<mark>占用</mark>" in html
    assert "楼道灯不亮很久了" not in html
