"""The menu: every role finds the statistics and the monthly reports of its own scope there,
and both pages open for it."""

import pytest

from propdesk.org.choices import Role


@pytest.mark.parametrize("role", Role.values)
def test_every_role_finds_statistics_and_reports_in_the_menu(client, world, role):
    client.force_login(world.user(role))
    menu = client.get("/notifications/").content.decode()
    for path in ("/stats/", "/reports/"):
        assert f'href="{path}"' in menu, (role, path)
        assert client.get(path).status_code == 200, (role, path)
