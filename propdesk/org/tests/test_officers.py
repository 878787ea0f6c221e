"""A company's officers (seed 001 篇4): the management representative and the general manager
are one person each, deputies any number; only active staff of the company hold a title; the
admin screen sets them, audited like a role change."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import make_user
from propdesk.core.models import AuditLog
from propdesk.org import officers
from propdesk.org.choices import OfficerTitle, Role
from propdesk.org.models import Company, CompanyOfficer

pytestmark = pytest.mark.django_db

MR, GM, DEPUTY = (
    OfficerTitle.MANAGEMENT_REPRESENTATIVE,
    OfficerTitle.GENERAL_MANAGER,
    OfficerTitle.DEPUTY_GENERAL_MANAGER,
)


def test_titles_are_held_by_named_people_one_each_deputies_many(world):
    CompanyOfficer.objects.create(company=world.company, user=world.quality, title=MR)
    CompanyOfficer.objects.create(company=world.company, user=world.hq, title=GM)
    CompanyOfficer.objects.create(company=world.company, user=world.region_user, title=DEPUTY)
    CompanyOfficer.objects.create(company=world.company, user=world.admin, title=DEPUTY)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyOfficer.objects.create(company=world.company, user=world.admin, title=GM)

    assert officers.officer(world.company.pk, MR) == world.quality
    assert officers.holders(world.company.pk, DEPUTY) == [world.region_user, world.admin]
    assert officers.titles_of(world.hq, world.company.pk) == {GM}
    world.quality.is_active = False
    world.quality.save()
    assert officers.officer(world.company.pk, MR) is None  # nobody holds it now


def test_an_officer_belongs_to_the_company(world):
    other = Company.objects.create(code="XX", name="别家物业")
    stranger = make_user("stranger", Role.HQ, other)
    officer = CompanyOfficer(company=world.company, user=stranger, title=MR)
    with pytest.raises(ValidationError) as refused:
        officer.full_clean()
    assert "user" in refused.value.message_dict


def test_the_admin_sets_an_officer_and_it_is_audited(client, world):
    superuser = make_user("root", Role.ADMIN, world.company)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    assert client.get("/admin/org/companyofficer/").status_code == 200
    added = client.post(
        "/admin/org/companyofficer/add/",
        {"company": world.company.pk, "user": world.quality.pk, "title": MR},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert officers.officer(world.company.pk, MR) == world.quality
    assert AuditLog.objects.filter(action="permission_change").exists()
