"""The demo company (华宇物业) that `propdesk demo` loads: organisation, residents, staff and a
few hundred tickets with real histories. ``DEMO_LOGINS`` lists the staff accounts."""

from .logins import DEMO_LOGINS, ROLE_PASSWORDS, DemoLogin, login_table

__all__ = ["DEMO_LOGINS", "ROLE_PASSWORDS", "DemoLogin", "login_table"]
