import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """MD5 for test users: with the default PBKDF2 building ``world`` takes seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
