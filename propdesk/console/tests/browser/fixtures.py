"""Browser-test fixtures, loaded for the whole suite as a plugin (root conftest) so that every
app's browser tests share one Chromium: Playwright (Python) driving Debian's Chromium against
pytest-django's live server. Where no Chromium exists they skip with a message saying so;
CI sets REQUIRE_BROWSER=1, which turns that skip into a failure, so a green CI run always drove
a real browser."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

OFFICE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def _no_browser(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"browser tests skipped: {reason} (apt-get install chromium to run them)")


_seeded: dict[str, str] = {}
#: Apps whose migrations seed rows every installation starts with.
SEEDED_APPS = ("tickets", "sla", "worktime")


@pytest.fixture
def _seeded_database(_django_db_helper):
    """Browser tests are transactional: each ends by emptying every table, seeded rows
    (categories, time-limit and grade rules, calendars) included. Django's own copy for
    ``serialized_rollback`` hangs on a connection object that Playwright's greenlet-based loop
    makes Django replace, so keep our own: taken from the migrated database before the first
    browser test adds anything, loaded again whenever a test starts with empty tables."""
    from django.apps import apps
    from django.core import serializers
    from django.db import transaction

    from propdesk.tickets.models import Category

    if not _seeded:
        if Category.objects.exists():
            for label in SEEDED_APPS:
                for model in apps.get_app_config(label).get_models():
                    if model.objects.exists():
                        _seeded[model._meta.label] = serializers.serialize(
                            "json", model.objects.order_by("pk")
                        )
    elif not Category.objects.exists():
        with transaction.atomic():
            for data in _seeded.values():
                for obj in serializers.deserialize("json", data):
                    obj.save()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect

    # Playwright's sync API runs an event loop in the test's thread; Django's ORM, called by
    # the test to prepare data, would refuse to run there without this (browser runs only).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    # Pages answer in milliseconds; the margin is for a loaded CI machine.
    expect.set_options(timeout=15_000)
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _no_browser(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server, _seeded_database):
    """A fresh browser context per user (its own cookies), at a viewport size."""
    contexts = []

    def opener(viewport=OFFICE, language="zh-CN,zh;q=0.9"):
        context = browser.new_context(
            viewport=viewport,
            # No animations: a form is clickable the moment it opens, however loaded the CI is.
            reduced_motion="reduce",
            base_url=live_server.url,
            extra_http_headers={"Accept-Language": language},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


def log_in(page, username: str, password: str | None = None) -> None:
    page.goto("/login/")
    page.fill("#username", username)
    page.fill("#password", password or f"pw-{username}")
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login/" not in url)
