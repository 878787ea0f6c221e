import pytest

from propdesk.search import dictionary


@pytest.fixture(autouse=True)
def _fresh_dictionaries():
    """Company dictionaries are cached per process by company id, and ids come back after a
    test's rollback: each test starts with none."""
    dictionary.forget()
    yield
    dictionary.forget()
