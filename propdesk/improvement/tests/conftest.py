from propdesk.surveys.tests.conftest import answered, rooms

__all__ = ["answered", "rooms"]
