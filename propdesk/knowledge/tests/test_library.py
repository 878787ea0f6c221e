"""The case library (SPEC §8): drafts, review by someone else, publishing, sending back,
versions with who changed what, and the draft a closed request worth a case becomes."""

from __future__ import annotations

import pytest

from conftest import make_user
from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from propdesk.core.tests.scene import Scene
from propdesk.knowledge import services
from propdesk.knowledge.choices import CaseChange, CaseStatus
from propdesk.knowledge.models import Case
from propdesk.knowledge.services import ScenarioText
from propdesk.org.models import Company
from propdesk.tickets import services as tickets
from propdesk.tickets.models import Category

PARKING = ScenarioText(
    name="固定车位被占",
    expectation="马上把车挪走;以后不再被占",
    handling="1. 查车主电话,请其挪车\n2. 安排秩序维护员到场协助临时停车",
    words="非常理解您的心情,我们马上联系车主挪车,同时请同事带您先找一个临时车位。",
    improvement="被占车位列入重点巡查",
    risk="不要承诺一定能找到车主",
)


@pytest.fixture
def elevator(db) -> Category:
    return Category.objects.get(code="FAC-ELEV")


def written(world, elevator, **changes) -> Case:
    fields = {"title": "电梯困人", "category": elevator, "scenarios": [PARKING]} | changes
    return services.create_case(world.quality, **fields)


def test_a_new_case_is_a_draft_with_its_first_version(world, elevator):
    case = written(world, elevator)

    assert case.status == CaseStatus.DRAFT and case.version == 1
    assert [s.words for s in case.scenarios.all()] == [PARKING.words]
    version = case.versions.get()
    assert version.change == CaseChange.CREATED and version.by == world.quality
    assert version.content["scenarios"][0]["handling"].startswith("1. 查车主电话")


def test_a_case_is_reviewed_by_someone_else_then_published_and_read_by_agents(world, elevator):
    case = written(world, elevator)
    assert not services.cases_for(world.agent).filter(pk=case.pk).exists()  # a draft

    with pytest.raises(PermissionDenied, match="不能审核自己编写的案例"):
        services.review_case(world.quality, case)
    services.review_case(world.hq, case, note="措辞可以")
    services.publish_case(world.hq, case)

    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED and case.published_at is not None
    assert services.get_case(world.agent, case.pk).title == "电梯困人"
    changes = list(case.versions.values_list("change", "by__username"))
    assert changes == [("created", "quality"), ("reviewed", "hq"), ("published", "hq")]


def test_only_a_reviewed_case_is_published(world, elevator):
    case = written(world, elevator)
    with pytest.raises(InvalidTransition, match="草稿"):
        services.publish_case(world.hq, case)


def test_editing_a_published_case_makes_a_new_version_and_a_draft_again(world, elevator):
    case = written(world, elevator)
    services.review_case(world.hq, case)
    services.publish_case(world.hq, case)
    better = ScenarioText(**{**PARKING.__dict__, "words": "您好,我们马上处理。"})

    services.edit_case(
        world.quality, case, title="电梯困人", category=elevator, scenarios=[better], note="改话术"
    )

    case.refresh_from_db()
    assert case.version == 2 and case.status == CaseStatus.DRAFT
    assert not services.cases_for(world.agent).filter(pk=case.pk).exists()
    last = case.versions.order_by("-pk").first()
    assert last.change == CaseChange.EDITED and last.note == "改话术" and last.version == 2
    first = case.versions.order_by("pk").first()
    assert first.content["scenarios"][0]["words"] == PARKING.words  # the old text is kept


def test_the_same_text_again_is_not_a_new_version(world, elevator):
    case = written(world, elevator)
    services.edit_case(
        world.quality, case, title="电梯困人", category=elevator, scenarios=[PARKING]
    )
    assert Case.objects.get(pk=case.pk).version == 1 and case.versions.count() == 1


def test_a_case_sent_back_says_why_and_is_a_draft(world, elevator):
    case = written(world, elevator)
    services.review_case(world.hq, case)
    with pytest.raises(InvalidInput, match="退回的原因"):
        services.send_back(world.hq, case, reason=" ")
    services.send_back(world.hq, case, reason="处理步骤写得太笼统")

    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert case.versions.order_by("-pk").first().note == "处理步骤写得太笼统"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": " "}, "title", "请填写案例的问题"),
        ({"title": "长" * 201}, "title", "最多 200 个字"),
        ({"scenarios": []}, "scenarios", "至少写一个情景"),
        ({"scenarios": [ScenarioText(words="您好")]}, "scenarios[0].handling", "处理方式"),
    ],
)
def test_a_case_without_what_it_needs_names_the_field(world, elevator, changes, field, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        written(world, elevator, **changes)
    assert refused.value.field == field


def test_agents_and_handlers_do_not_write_or_review(world, elevator):
    for outsider in (world.agent, world.handler):
        with pytest.raises(PermissionDenied):
            services.create_case(outsider, title="x", category=elevator, scenarios=[PARKING])
    case = written(world, elevator)
    with pytest.raises(PermissionDenied):
        services.review_case(world.supervisor, case)  # writes, but does not review


def test_another_companys_cases_are_not_there(world, elevator):
    case = written(world, elevator)
    services.review_case(world.hq, case)
    services.publish_case(world.hq, case)
    other = Company.objects.create(code="OT", name="别家")
    stranger = make_user("stranger", "quality", other)
    with pytest.raises(NotFound):
        services.get_case(stranger, case.pk)
    with pytest.raises(NotFound):
        services.review_case(stranger, case)


def test_a_request_closed_as_worth_a_case_becomes_a_draft_once(world):
    scene = Scene(world)
    ticket = scene.ticket("callback_done", expectation="希望尽快修好,别再困人")
    tickets.close(world.hq, ticket, reason="satisfied", has_case_value=True, now=scene.tick())

    case = Case.objects.get()
    assert case.status == CaseStatus.DRAFT and case.category == ticket.category
    assert case.title == "华苑3栋电梯停在12楼"
    scenario = case.scenarios.get()
    assert scenario.expectation == "希望尽快修好,别再困人" and "已修好" in scenario.handling
    assert list(case.sources.all()) == [ticket]
    assert case.versions.get().change == CaseChange.FROM_TICKET
    # Drafts are for the quality department: they see it, agents do not yet.
    assert services.cases_for(world.quality).filter(pk=case.pk).exists()
    assert not services.cases_for(world.agent).filter(pk=case.pk).exists()


def test_a_request_closed_without_the_mark_makes_no_case(world):
    Scene(world).ticket("closed")
    assert not Case.objects.exists()


def test_the_starter_library_loads_published_cases_across_the_categories_once(world):
    added = services.load_starter(world.company)

    cases = Case.objects.filter(company=world.company)
    assert added == cases.count() >= 20
    assert {c.category.parent.code for c in cases} >= {"FAC", "SEC", "DISP", "ENV", "SVC"}
    assert set(cases.values_list("status", flat=True)) == {CaseStatus.PUBLISHED}
    assert all(s.handling for c in cases for s in c.scenarios.all())
    assert services.cases_for(world.agent).count() == added  # agents read them at once
    assert services.load_starter(world.company) == 0
