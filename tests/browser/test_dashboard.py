"""The dashboard, driven in headless Chromium against a real `mediabatch serve` on 127.0.0.1."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from conftest import Server, set_viewport
from dashboard import FINISHED, Dashboard


def test_demo_job_runs_to_completion_and_page_totals_match_results_api(watched_server: Server, browser, screenshot):
    # setup
    page = Dashboard(browser, watched_server.url).open()
    page.wait_status({"idle"})
    page.wait_connection("live")
    screenshot("01-idle")

    # act
    page.click("start-button")
    page.wait_status({"processing"} | FINISHED)
    page.wait(lambda: page.visible("demo-notice"), "the demo-mode notice")

    seen_users: list[int] = []
    seen_bytes: list[int] = []

    def finished_while_recording():
        seen_users.append(page.int_value("progress-users-done"))
        seen_bytes.append(page.int_value("progress-bytes-done"))
        if len(seen_users) == 20:
            screenshot("02-processing")
        return page.status() in FINISHED

    page.wait(finished_while_recording, "the job to finish", timeout=300)
    final_status = page.status()
    screenshot("03-finished")

    # check
    assert final_status in {"completed", "completed_with_errors"}
    assert seen_users == sorted(seen_users), f"processed users went backwards: {seen_users}"
    assert seen_bytes == sorted(seen_bytes), "downloaded bytes went backwards"
    assert len(set(seen_users)) > 1, "the users counter never moved while the job ran"

    results = watched_server.api("/batch-process-results?limit=1")
    status = watched_server.api("/batch-process-status")

    def totals_shown():
        return (
            page.int_value("results-successful-users") == results["successful_users"]
            and page.int_value("results-failed-users") == results["failed_users"]
            and page.int_value("results-files") == results["total_files_downloaded"]
            and page.int_value("results-bytes") == results["total_size_bytes"]
        )

    page.wait(totals_shown, "the results totals to match GET /batch-process-results")
    users = page.progress("users")
    assert users["done"] == results["successful_users"] + results["failed_users"] == status["processed_users"]
    assert users["done"] == users["total"] == status["total_users"]
    assert page.int_value("files-downloaded") == results["total_files_downloaded"]
    assert page.int_value("progress-bytes-done") == results["total_size_bytes"]
    assert page.int_value("files-failed") == status["failed_files"]
    assert page.int_value("error-total") == sum(status["error_counts"].values())

    files = page.progress("files")
    assert files["now"] == files["done"] and files["min"] == 0 and files["max"] >= files["done"]

    history_rows = page.wait(lambda: page.all_by_test_id("history-row"), "the job in the history")
    assert history_rows[0].get_attribute("data-job-id") == results["job_id"]
    assert history_rows[0].get_attribute("data-status") == final_status


def test_results_table_pages_with_next_cursor_and_filters_failed_users(server: Server, browser, screenshot):
    # setup: a finished job of 200 users gives four pages of 50
    page = Dashboard(browser, server.url).open()
    page.wait_connection("live")
    page.click("start-button")
    page.wait_status(FINISHED, timeout=300)
    total = page.wait(
        lambda: page.int_value("results-successful-users") + page.int_value("results-failed-users") or None,
        "the results totals",
    )
    page.wait(lambda: page.all_by_test_id("result-row"), "the first page of results")

    # act / check: paging
    first_page = [row.get_attribute("data-user-id") for row in page.all_by_test_id("result-row")]
    assert 0 < len(first_page) <= 50
    if total > len(first_page):
        page.click("results-next")
        page.wait(lambda: "Page 2" in page.by_test_id("results-page").text, "page 2")
        page.wait(
            lambda: [r.get_attribute("data-user-id") for r in page.all_by_test_id("result-row")] not in ([], first_page),
            "the rows of page 2",
        )
        second_page = [row.get_attribute("data-user-id") for row in page.all_by_test_id("result-row")]
        assert not set(first_page) & set(second_page), "page 2 repeats users of page 1"
        page.click("results-prev")
        page.wait(
            lambda: [r.get_attribute("data-user-id") for r in page.all_by_test_id("result-row")] == first_page,
            "page 1 again",
        )

    # act / check: failed users only
    failed = page.int_value("results-failed-users")
    page.click("filter-failed")
    if failed == 0:
        page.wait(lambda: page.present("results-empty"), "the empty failed-users message")
    else:
        page.wait(
            lambda: page.all_by_test_id("result-row")
            and all(row.get_attribute("data-status") == "failed" for row in page.all_by_test_id("result-row")),
            "only failed users",
        )
    screenshot("04-results-failed-filter")


def test_stopping_a_running_job_asks_for_confirmation_then_ends_stopped(slow_server: Server, browser, screenshot):
    # setup
    page = Dashboard(browser, slow_server.url).open()
    page.wait_connection("live")
    page.click("start-button")
    page.wait_status({"processing"})
    page.wait(lambda: page.int_value("progress-users-done") > 0 or page.status() != "processing", "some progress")
    assert page.status() == "processing", (
        f"the job ended ({page.status()}) before it could be stopped: raise MEDIABATCH_TEST_SLOW_USERS"
    )

    # act: ask, then change our mind
    page.click("stop-button")
    page.wait(lambda: page.visible("stop-confirm"), "the stop confirmation")
    page.click("cancel-stop-button")
    page.wait(lambda: not page.present("stop-confirm"), "the confirmation to close")
    assert page.status() in {"processing"} | FINISHED

    # act: ask again and confirm
    page.click("stop-button")
    page.wait(lambda: page.visible("stop-confirm"), "the stop confirmation")
    screenshot("05-stop-confirm")
    page.click("confirm-stop-button")

    # check
    seen = page.wait_status({"stopping", "stopped"})
    if seen == "stopping":
        screenshot("06-stopping")
    page.wait_status({"stopped"}, timeout=120)
    screenshot("07-stopped")
    final = slow_server.api("/batch-process-status")
    assert final["status"] == "stopped"
    assert final["processed_users"] < final["total_users"] or not final["users_listing_complete"], (
        "a job stopped early should not have processed every user"
    )
    page.wait(lambda: page.int_value("progress-users-done") == final["processed_users"], "the final user count")
    page.wait(
        lambda: (page.all_by_test_id("history-row") or [None])[0] is not None
        and page.all_by_test_id("history-row")[0].get_attribute("data-status") == "stopped",
        "the stopped job in the history",
    )


def test_banner_shows_while_server_is_down_and_clears_when_it_returns(server: Server, browser, screenshot):
    # setup
    page = Dashboard(browser, server.url).open()
    page.wait_connection("live")
    assert not page.present("connection-banner")

    # act: the server goes away
    server.kill()

    # check
    page.wait(lambda: page.visible("connection-banner"), "the unreachable-server banner", timeout=20)
    assert page.connection() == "offline"
    assert not page.by_test_id("start-button").is_enabled(), "Start must be disabled while the server is unreachable"
    screenshot("08-server-unreachable")

    # act: it comes back on the same port
    server.start()

    # check
    page.wait(lambda: not page.present("connection-banner"), "the banner to clear", timeout=30)
    page.wait_connection("live", timeout=30)
    page.wait(lambda: page.by_test_id("start-button").is_enabled(), "Start to be enabled again")
    screenshot("09-server-back")


def test_falls_back_to_polling_when_the_event_stream_is_unavailable(server: Server, browser):
    # setup: block the SSE endpoint in the browser so EventSource can never connect
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/batch-process-events*"]})
    page = Dashboard(browser, server.url).open()

    # act
    page.wait_connection("polling")
    page.click("start-button")

    # check: updates still arrive, by polling
    page.wait_status(FINISHED, timeout=300)
    status = server.api("/batch-process-status")
    page.wait(
        lambda: page.int_value("progress-users-done") == status["processed_users"],
        "the final user count by polling",
    )
    assert page.connection() == "polling"
    assert not page.present("connection-banner")


def test_token_prompt_appears_on_401_and_the_entered_token_unlocks_the_page(make_server, browser, screenshot):
    # setup
    token = "browser-test-token-7f3a"
    server = make_server(demo_users=200, token=token)
    with pytest.raises(Exception) as refused:
        server.api("/batch-process-status", token="")
    assert getattr(refused.value, "status", None) == 401

    # act: no token yet
    page = Dashboard(browser, server.url).open()

    # check
    page.wait(lambda: page.visible("token-prompt"), "the token prompt")
    assert not page.present("job-panel")
    screenshot("10-token-prompt")

    # act: a wrong token, then the right one
    field = browser.find_element(By.ID, "token-input")
    field.send_keys("not-the-token")
    page.click("token-submit")
    page.wait(lambda: page.visible("token-error"), "the wrong-token message")
    screenshot("11-token-rejected")
    field = page.wait(lambda: browser.find_element(By.ID, "token-input"), "the token field")
    field.send_keys(token)
    page.click("token-submit")

    # check: the page works with the token, over the event stream too
    page.wait(lambda: page.present("job-panel"), "the dashboard after the token")
    page.wait_connection("live")
    assert browser.execute_script("return sessionStorage.getItem('mediabatch.apiToken')") == token
    assert browser.execute_script("return localStorage.length") == 0
    page.click("start-button")
    page.wait_status(FINISHED, timeout=300)
    page.wait(lambda: page.all_by_test_id("history-row"), "the job in the history")
    screenshot("12-token-accepted")


def test_dashboard_works_through_an_allowed_host_name_and_refuses_any_other(make_server, browser, screenshot):
    # setup: listening on every interface (which needs a token), answering to one extra name
    token = "browser-test-token-allowed-host"
    server = make_server(demo_users=200, token=token, listen="0.0.0.0", allowed_hosts=["mediabatch.test"])

    # act: a page under a name the server does not answer to (as after DNS rebinding)
    browser.get(f"http://attacker.test:{server.port}/")

    # check: the page is refused before anything is served
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "host_not_allowed" in body
    assert not browser.find_elements(By.ID, "root")

    # act: the allowed name, with the token
    page = Dashboard(browser, f"http://mediabatch.test:{server.port}").open()
    page.wait(lambda: page.visible("token-prompt"), "the token prompt")
    browser.find_element(By.ID, "token-input").send_keys(token)
    page.click("token-submit")

    # check: live over the event stream, and a job started from the page (a POST with its own Origin)
    page.wait(lambda: page.present("job-panel"), "the dashboard after the token")
    page.wait_connection("live")
    page.click("start-button")
    page.wait_status(FINISHED, timeout=300)
    page.wait(lambda: page.all_by_test_id("history-row"), "the job in the history")
    screenshot("14-allowed-host")


@pytest.mark.parametrize("width", [360, 1280])
def test_page_has_no_horizontal_scroll(server: Server, browser, screenshot, width: int):
    # setup: a finished job, so every panel holds content
    page = Dashboard(browser, server.url).open()
    page.wait_connection("live")
    page.click("start-button")
    page.wait_status(FINISHED, timeout=300)
    page.wait(lambda: page.all_by_test_id("result-row"), "the results table")
    page.wait(lambda: page.all_by_test_id("history-row"), "the history table")

    # act
    set_viewport(browser, width, 800)
    page.wait(lambda: browser.execute_script("return window.innerWidth") == width, f"a {width} px viewport")

    # check
    assert not page.has_horizontal_scroll(), (
        "horizontal scroll at %d px: scrollWidth=%s clientWidth=%s"
        % (
            width,
            browser.execute_script("return document.documentElement.scrollWidth"),
            browser.execute_script("return document.documentElement.clientWidth"),
        )
    )
    for bar in ("users", "files", "bytes"):
        track = browser.find_element(By.ID, f"progress-{bar}")
        assert track.get_attribute("role") == "progressbar"
        assert track.get_attribute("aria-valuenow") is not None
    screenshot(f"13-layout-{width}px")

    # the running view at this width too
    page.click("start-button")
    page.wait_status({"processing"} | FINISHED)
    assert not page.has_horizontal_scroll(), f"horizontal scroll at {width} px while a job runs"
    page.wait_status(FINISHED, timeout=300)


def test_history_survives_a_restart_and_a_job_with_failures_can_be_retried(make_server, browser, screenshot):
    # setup: a job with failures, then a server restart on the same output folder
    server = make_server(demo_users=20, edge_cases=True)
    page = Dashboard(browser, server.url).open()
    page.wait_connection("live")
    page.click("start-button")
    page.wait_status({"completed_with_errors"}, timeout=120)
    first_job = server.api("/batch-process-results?limit=1")["job_id"]
    failed = server.api(f"/jobs/{first_job}")["failed_files"]
    assert failed > 0
    server.stop()
    server.start()
    page.open()
    page.wait_connection("live")

    # act
    rows = page.wait(lambda: page.all_by_test_id("history-row"), "the history after the restart")
    assert [row.get_attribute("data-job-id") for row in rows] == [first_job]
    button = page.wait(lambda: page._enabled("retry-failed"), "the retry button")
    assert f"Retry {failed} failed" in button.text
    screenshot("14-history-retry")
    button.click()
    page.wait_status({"processing"} | FINISHED)
    page.wait_status(FINISHED, timeout=120)

    # check
    def retry_row():
        rows = page.all_by_test_id("history-row")
        return len(rows) == 2 and rows[0].get_attribute("data-job-id") != first_job and rows[0]
    row = page.wait(retry_row, "the retry job at the top of the history")
    assert f"retry of {first_job}" in row.text
    retried = server.api(f"/jobs/{row.get_attribute('data-job-id')}")
    assert retried["settings"]["retry_failed_of"] == first_job
    assert retried["failed_files"] == failed and retried["total_files_downloaded"] == 0
