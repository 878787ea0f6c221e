"""A user sees and changes only what is inside their scope: projects, a region, or the company
(SPEC §1)."""

from __future__ import annotations

import pytest

from propdesk.core.errors import OutOfScope
from propdesk.org.access import check_project_scope
from propdesk.org.choices import ScopeLevel
from propdesk.org.models import Company, Project, Region, User


def test_a_project_scope_is_exactly_its_projects(world):
    assert world.agent.project_ids == {world.project.pk}
    assert world.outsider.project_ids == {world.other_project.pk}


def test_a_user_may_work_in_several_projects(world):
    user = User.objects.create(username="float", company=world.company)
    user.scope_projects.set([world.project, world.other_project])

    assert user.project_ids == {world.project.pk, world.other_project.pk}


def test_a_region_scope_covers_every_project_of_the_region_and_only_those(world):
    newer = Project.objects.create(
        region=world.region, company=world.company, code="SZNEW", name="新苑"
    )

    assert world.region_user.project_ids == {world.project.pk, newer.pk}
    assert not world.region_user.in_scope(world.other_project.pk)


def test_a_company_scope_covers_every_project_of_the_company_and_no_other(world):
    other = Company.objects.create(code="XX", name="别家物业")
    region = Region.objects.create(company=other, code="XX-R", name="别家地区")
    foreign = Project.objects.create(region=region, company=other, code="XXP", name="别家小区")

    assert world.hq.project_ids == {world.project.pk, world.other_project.pk}
    assert foreign.pk not in world.hq.project_ids


def test_a_company_scope_without_a_company_covers_nothing(world):
    user = User.objects.create(username="lost", scope_level=ScopeLevel.COMPANY)

    assert user.project_ids == frozenset()


def test_a_deactivated_user_has_no_scope_at_all(world):
    world.hq.is_active = False

    assert world.hq.project_ids == frozenset()
    assert not world.hq.in_scope(world.project.pk)


def test_nothing_is_in_scope_without_a_project(world):
    assert not world.hq.in_scope(None)


def test_checking_a_project_accepts_the_project_or_its_id(world):
    check_project_scope(world.agent, world.project)
    check_project_scope(world.agent, world.project.pk)

    with pytest.raises(OutOfScope):
        check_project_scope(world.agent, world.other_project)
    with pytest.raises(OutOfScope):
        check_project_scope(world.agent, world.other_project.pk)
    with pytest.raises(OutOfScope):
        check_project_scope(world.region_user, world.other_project)
