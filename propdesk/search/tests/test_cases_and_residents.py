"""Cases and residents by their words: published cases of the caller's company only, indexed
again on every change; residents by name, phone or room, in the caller's scope only."""

from __future__ import annotations

from django.test import Client

from conftest import make_room
from propdesk.knowledge.services import (
    ScenarioText,
    create_case,
    edit_case,
    publish_case,
    review_case,
)
from propdesk.org.models import Company
from propdesk.residents.models import Residency, Resident
from propdesk.search import services
from propdesk.tickets.models import Category


def _case(world, title, handling, *, publish=True):
    category = Category.objects.get(code="FAC-ELEV")
    case = create_case(
        world.quality, title=title, category=category,
        scenarios=[ScenarioText(name="夜间", handling=handling, words="请您别着急")],
    )  # fmt: skip
    if publish:
        review_case(world.hq, case)
        publish_case(world.hq, case)
    return case


def test_published_cases_are_found_by_their_scenarios_words_and_drafts_are_not(world):
    published = _case(world, "电梯困人", "先安抚被困人员,立即通知维保单位")
    _case(world, "电梯异响", "通知维保单位检查曳引机", publish=False)

    found = services.find_cases(world.agent, "维保")
    assert [h.item for h in found.hits] == [published]
    assert "<mark>维保</mark>" in found.hits[0].snippet
    assert [h.item for h in services.find_cases(world.agent, "安抚 维保").hits] == [published]
    assert services.find_cases(world.agent, "安抚 曳引机").hits == []


def test_a_case_is_indexed_again_when_it_is_edited(world):
    case = _case(world, "电梯困人", "先安抚被困人员")
    category = Category.objects.get(code="FAC-ELEV")
    edit_case(
        world.quality, case, title="电梯困人", category=category,
        scenarios=[ScenarioText(handling="五分钟内到场,联系消防")],
    )  # fmt: skip
    review_case(world.hq, case)
    publish_case(world.hq, case)

    assert [h.item for h in services.find_cases(world.agent, "消防").hits] == [case]
    assert services.find_cases(world.agent, "安抚").hits == []


def test_another_companys_cases_are_never_found(world):
    _case(world, "电梯困人", "先安抚被困人员")
    other = Company.objects.create(code="QT", name="其他物业")
    world.agent.company = other
    assert services.find_cases(world.agent, "安抚").hits == []


def test_the_case_library_finds_cases_by_words(world):
    case = _case(world, "电梯困人", "先安抚被困人员,立即通知维保单位")
    client = Client()
    client.force_login(world.agent)

    html = client.get("/cases/", {"q": "维保 安抚"}).content.decode()
    assert f"/cases/{case.pk}/" in html
    assert f"/cases/{case.pk}/" not in client.get("/cases/", {"q": "维保 曳引机"}).content.decode()


def test_residents_are_found_by_name_phone_and_room_in_scope_only(world):
    def names(user, text):
        return [h.item.resident.name for h in services.find_residents(user, text).hits]

    assert names(world.agent, "张伟") == ["张伟"]
    assert names(world.agent, "13812345678") == ["张伟"]
    assert names(world.agent, "1101") == ["张伟"]
    # 李娜 lives in the other project: not for the agent, found by its staff.
    assert names(world.agent, "李娜") == []
    assert names(world.outsider, "李娜") == ["李娜"]
    found = services.find_residents(world.agent, "张伟").hits[0].item
    assert found.phone == "138****5678" and found.rooms == ["3栋2单元1101"]


def test_a_resident_is_indexed_again_when_saved_or_moved(world):
    resident = Resident.objects.create(company=world.company, name="王芳", phone="13700001111")
    assert services.find_residents(world.agent, "王芳").hits == []  # no room in scope yet

    room = make_room(world.project, "5", "1", "0808")
    Residency.objects.create(resident=resident, room=room, relation="owner")
    assert [h.item.resident for h in services.find_residents(world.agent, "0808").hits] == [
        resident
    ]
    resident.name = "王芳芳"
    resident.save()
    assert [h.item.resident for h in services.find_residents(world.agent, "王芳芳").hits] == [
        resident
    ]
