import pytest


@pytest.fixture(autouse=True)
def _fresh_suggest_caches():
    """The loaded models and segmented case libraries are kept per process by their rows' ids,
    which a rolled-back test database hands out again: each test starts clean."""
    from propdesk.suggest import cases, training

    training.forget()
    cases.forget()
    yield
    training.forget()
    cases.forget()
