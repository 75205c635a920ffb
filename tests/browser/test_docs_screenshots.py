"""The media browser's and the charts' pictures in docs/images, taken from a real server with the demo data.

Skipped unless MEDIABATCH_DOCS_SCREENSHOTS=1, so an ordinary test run leaves docs/images alone; regenerate them
with `tests/browser/docs-screenshots`."""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import REPO_DIR, Server, set_viewport
from dashboard import Dashboard
from media import media_user, run_export

pytestmark = pytest.mark.skipif(
    os.environ.get("MEDIABATCH_DOCS_SCREENSHOTS") != "1", reason="set MEDIABATCH_DOCS_SCREENSHOTS=1 to update docs/images"
)

DOCS_IMAGES = REPO_DIR / "docs" / "images"
DESKTOP = 1280


def save(browser, name: str, width: int, height: int) -> Path:
    """The top `height` px of the page at `width`, as docs/images/<name>.png."""
    set_viewport(browser, width, height)
    browser.execute_script("window.scrollTo(0, 0)")
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    path = DOCS_IMAGES / f"{name}.png"
    browser.save_screenshot(str(path))
    return path


def bottom_of(browser, selector: str) -> int:
    return int(browser.execute_script("return document.querySelector(arguments[0]).getBoundingClientRect().bottom + window.scrollY", selector))


def test_docs_screenshot_users_list_and_user_page(make_server, browser):
    # setup: a finished demo export
    server: Server = make_server(demo_users=120, edge_cases=True)
    run_export(server)
    user = media_user(server, images=4, voices=2)
    page = Dashboard(browser, server.url)

    # the users view
    set_viewport(browser, DESKTOP, 900)
    page.open_at("/users", "users-panel")
    page.wait(lambda: len(page.all_by_test_id("user-row")) == 50, "the first page of users")
    browser.execute_script("document.activeElement.blur()")
    save(browser, "users-list", DESKTOP, 900)

    # a user's page, at a desktop width and on a phone
    for width, name in ((DESKTOP, "user-page"), (360, "user-page-360")):
        set_viewport(browser, width, 900)
        page.open_at("/users/" + urllib.parse.quote(user["user_id"], safe=""), "user-page")
        page.wait(lambda: page.by_test_id("user-page").get_attribute("data-state") == "ready", "the user's page")
        for thumbnail in page.all_by_test_id("thumbnail"):
            browser.execute_script("arguments[0].scrollIntoView()", thumbnail)
            page.wait(lambda: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", thumbnail), "a thumbnail")
        page.wait(
            lambda: all(d.get_attribute("data-source") == "media" for d in page.all_by_test_id("voice-duration")),
            "the clips' lengths",
        )
        browser.execute_script("document.activeElement.blur()")
        save(browser, name, width, bottom_of(browser, "#user-voices") + 16)


def test_docs_screenshot_job_charts(make_server, browser):
    # setup: a job slowed down so the charts fill over several seconds, with the edge cases failing
    server: Server = make_server(demo_users=800, edge_cases=True, concurrency=4, demo_latency_ms=30)
    page = Dashboard(browser, server.url)
    set_viewport(browser, DESKTOP, 900)
    page.open()
    page.wait_connection("live")

    # act
    page.click("start-button")
    page.wait_status({"processing"})
    page.wait(lambda: int(page.by_test_id("chart-files").get_attribute("data-points") or 0) >= 12, "a dozen points", timeout=120)
    page.wait(lambda: page.by_test_id("results-table"), "the results")

    # check / save: the job card and the charts
    assert page.status() == "processing"
    browser.execute_script("document.activeElement.blur()")
    save(browser, "job-charts", DESKTOP, bottom_of(browser, "#charts") + 16)
    assert browser.find_element(By.CSS_SELECTOR, '[data-testid="chart-files"] path.chart-line')
