"""``propdesk cases starter --company CODE``: the starter library into a company, once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from propdesk.knowledge.models import Case


def test_the_command_loads_the_starter_library_once(world):
    out = StringIO()
    call_command("cases", "starter", "--company", world.company.code, stdout=out)
    added = Case.objects.filter(company=world.company).count()
    assert f"{added} case(s) added to {world.company.code}" in out.getvalue() and added >= 20

    again = StringIO()
    call_command("cases", "starter", "--company", world.company.code, stdout=again)
    assert "0 case(s) added" in again.getvalue()


def test_an_unknown_company_is_a_message(db):
    with pytest.raises(CommandError, match="no company with the code 'NOPE'"):
        call_command("cases", "starter", "--company", "NOPE")
