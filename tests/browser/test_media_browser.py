"""The media browser (the Users view and a user's page) and the job's live charts, in headless Chromium against a real
`mediabatch serve` whose demo export has run. The server asks for a token, so every thumbnail and clip the page
loads carries it as `?access_token=`."""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import Server, chrome_options, set_viewport
from dashboard import FINISHED, Dashboard
from media import (
    manifest_path,
    media_user,
    raw_get,
    replace_with_symlink,
    run_export,
    user_detail,
    user_path,
    all_export_users,
)

TOKEN = "media-browser-token-5c1e"


@pytest.fixture(scope="module")
def exported() -> Iterator[Server]:
    """A server, shared by this module's read-only tests, whose demo export (with its failing edge cases) has run."""
    server = Server(name="media-browser", demo_users=60, edge_cases=True, token=TOKEN).start()
    try:
        run_export(server)
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def logging_browser() -> Iterator[webdriver.Chrome]:
    """A browser that records its network traffic (DevTools events in the `performance` log)."""
    options = chrome_options()
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def row_ids(page: Dashboard) -> list[str]:
    return [row.get_attribute("data-user-id") for row in page.all_by_test_id("user-row")]


def open_user_page(page: Dashboard, user_id: str) -> Dashboard:
    page.open_at("/users/" + urllib.parse.quote(user_id, safe=""), "user-page")
    page.wait(lambda: page.by_test_id("user-page").get_attribute("data-state") == "ready", "the user's page to load")
    return page


# The Users view


def test_users_view_lists_exported_users_pages_by_cursor_and_search_narrows_it(exported: Server, browser, screenshot):
    # setup
    every_user = all_export_users(exported)
    page = Dashboard(browser, exported.url).use_token(TOKEN).open()
    page.wait_connection("live")

    # act: from the job page, through the navigation
    page.click("nav-users")

    # check: the first page, in id order, with the API's figures
    page.wait(lambda: len(row_ids(page)) == min(50, len(every_user)), "the first page of users")
    assert browser.execute_script("return location.hash") == "#/users"
    assert row_ids(page) == [user["user_id"] for user in every_user[:50]]
    first = every_user[0]
    row = page.all_by_test_id("user-row")[0]
    assert row.find_element(By.CSS_SELECTOR, '[data-testid="user-row-files"]').get_attribute("data-value") == str(first["files_exported"])
    assert row.find_element(By.CSS_SELECTOR, '[data-testid="user-row-bytes"]').get_attribute("data-value") == str(first["bytes"])
    assert row.get_attribute("data-status") == first["status"]
    screenshot("20-users")

    # act / check: the next page by cursor, and back
    assert len(every_user) > 50, "the demo export should need two pages"
    page.click("users-next")
    page.wait(lambda: row_ids(page) == [user["user_id"] for user in every_user[50:100]], "page 2")
    page.click("users-prev")
    page.wait(lambda: row_ids(page) == [user["user_id"] for user in every_user[:50]], "page 1 again")

    # act: a search, typed in capitals (it ignores case)
    field = page.by_test_id("users-search")
    field.send_keys("EDGE-")

    # check: only the matching users, as the API finds them, and the search in the address
    expected = [user["user_id"] for user in all_export_users(exported, "edge-")]
    assert 0 < len(expected) < len(every_user)
    page.wait(lambda: row_ids(page) == expected, "the users matching the search")
    assert all("edge-" in user_id for user_id in row_ids(page))
    assert browser.execute_script("return location.hash") == "#/users?q=EDGE-"
    screenshot("21-users-search")

    # act / check: a search nothing matches
    field.send_keys("no-such-user")
    page.wait(lambda: page.present("users-empty") and not row_ids(page), "the no-match message")


def test_users_list_is_keyboard_navigable_with_visible_focus(exported: Server, browser):
    # setup
    every_user = all_export_users(exported)
    page = Dashboard(browser, exported.url).use_token(TOKEN).open_at("/users", "users-panel")
    page.wait(lambda: len(row_ids(page)) >= 3, "the users")
    field = page.by_test_id("users-search")
    field.click()

    def focused_user() -> str:
        return browser.switch_to.active_element.get_attribute("data-user-id") or ""

    # act / check: down from the search box to the first row, then row by row, End and Home
    field.send_keys(Keys.ARROW_DOWN)
    page.wait(lambda: focused_user() == every_user[0]["user_id"], "the first row focused")
    focused = browser.switch_to.active_element
    outline = browser.execute_script("const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth]", focused)
    assert outline[0] != "none" and outline[1] != "0px", f"the focused row shows no focus ring: {outline}"
    focused.send_keys(Keys.ARROW_DOWN)
    page.wait(lambda: focused_user() == every_user[1]["user_id"], "the second row focused")
    browser.switch_to.active_element.send_keys(Keys.END)
    page.wait(lambda: focused_user() == row_ids(page)[-1], "the last row focused")
    browser.switch_to.active_element.send_keys(Keys.HOME)
    page.wait(lambda: focused_user() == every_user[0]["user_id"], "the first row again")
    # Tab moves on to the next row as well: each row is an ordinary link.
    browser.switch_to.active_element.send_keys(Keys.TAB)
    page.wait(lambda: focused_user() == every_user[1]["user_id"], "Tab to the second row")

    # act: Enter opens it
    browser.switch_to.active_element.send_keys(Keys.ENTER)

    # check
    second = every_user[1]["user_id"]
    page.wait(lambda: page.present("user-page") and page.by_test_id("user-page").get_attribute("data-user-id") == second, "the user's page")
    assert browser.execute_script("return location.hash") == "#/users/" + urllib.parse.quote(second, safe="")

    # act / check: back to the list, where the focus returns to that user's row
    page.click("back-to-users")
    page.wait(lambda: focused_user() == second, "the focus back on the user's row")


# A user's page


def test_user_page_shows_decoded_thumbnails_playable_clips_metadata_and_a_lightbox(exported: Server, logging_browser):
    # setup
    browser = logging_browser
    user = media_user(exported)
    images = [item for item in user["items"] if item["kind"] == "images" and item["file_url"]]
    clips = [item for item in user["items"] if item["kind"] == "voices" and item["file_url"]]
    page = Dashboard(browser, exported.url).use_token(TOKEN)

    # act: the deep link, opened directly
    open_user_page(page, user["user_id"])

    # check: the header
    assert page.by_test_id("user-title").text == (user["email"] or user["user_id"])
    assert page.by_test_id("user-id").text == user["user_id"]
    assert page.by_test_id("user-folder").text == user["folder"]
    assert page.by_test_id("user-status").get_attribute("data-status") == user["status"]

    # check: every thumbnail decodes (each scrolled into view, as they load lazily), through the token in its URL
    thumbnails = page.all_by_test_id("thumbnail")
    assert len(thumbnails) == len(images)
    for thumbnail in thumbnails:
        assert thumbnail.get_attribute("loading") == "lazy"
        assert f"access_token={TOKEN}" in thumbnail.get_attribute("src")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", thumbnail)
        page.wait(
            lambda: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", thumbnail),
            f"{thumbnail.get_attribute('alt')} to decode",
        )
        box = thumbnail.find_element(By.XPATH, "..")
        assert abs(box.size["width"] - box.size["height"]) <= 1, "thumbnails sit in square boxes"

    # check: every clip reads its length from the file, and shows it
    players = page.all_by_test_id("voice-audio")
    assert len(players) == len(clips)
    for player in players:
        assert player.get_attribute("preload") == "metadata" and player.get_attribute("controls") is not None
        page.wait(lambda: browser.execute_script("return arguments[0].readyState >= 1 && arguments[0].duration > 0", player), "a clip's metadata")
    durations = page.all_by_test_id("voice-duration")
    page.wait(lambda: all(d.get_attribute("data-source") == "media" for d in durations), "the clips' lengths from the files")
    for shown, player in zip(durations, players):
        assert abs(float(shown.get_attribute("data-value")) - browser.execute_script("return arguments[0].duration", player)) < 0.01
        assert shown.text.endswith(" s")

    # act: seek into the first clip and play it, muted, after a click on the page (browsers play media only once the
    # person has interacted with the page)
    player = players[0]
    page.all_by_test_id("voice-clip")[0].find_element(By.CSS_SELECTOR, ".clip-name").click()
    target = browser.execute_script("const a = arguments[0]; a.muted = true; a.currentTime = a.duration / 2; return a.currentTime", player)
    page.wait(lambda: browser.execute_script("return !arguments[0].seeking", player), "the seek to finish")
    browser.execute_script("arguments[0].play()", player)

    # check: it seeked and played without error, and the browser fetched it in ranges the server honoured
    page.wait(
        lambda: browser.execute_script("const a = arguments[0]; return a.ended || a.currentTime > arguments[1]", player, target),
        "the clip to play on from the seek",
    )
    assert browser.execute_script("return arguments[0].error", player) is None
    clip_path = urllib.parse.urlsplit(clips[0]["file_url"]).path
    requests, statuses = media_traffic(browser, clip_path)
    assert any("range" in {name.lower() for name in headers} for headers in requests), f"no Range request for the clip: {requests}"
    assert 206 in statuses, f"the clip was never answered 206: {statuses}"

    # check: a metadata table per item, with the manifest's keys
    details = page.all_by_test_id("item-detail")
    assert len(details) == len(user["items"])
    first = user["items"][0]
    summary = details[0].find_element(By.TAG_NAME, "summary")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    summary.click()
    keys = [row.get_attribute("data-key") for row in details[0].find_elements(By.CSS_SELECTOR, '[data-testid="metadata-row"]')]
    assert keys == sorted((first["metadata"] or {}).keys())

    # act: open the first image with the keyboard, then close it with Escape
    button = page.all_by_test_id("thumbnail-button")[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.send_keys(Keys.ENTER)
    page.wait(lambda: browser.execute_script("const d = document.querySelector('dialog.lightbox'); return d && d.open"), "the lightbox")
    full = page.by_test_id("lightbox-image")
    page.wait(lambda: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", full), "the full image")
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)

    # check
    page.wait(lambda: not page.present("lightbox"), "the lightbox to close")
    assert browser.switch_to.active_element.get_attribute("data-item-id") == images[0]["id"], "the focus returns to the thumbnail"


def media_traffic(browser: webdriver.Chrome, path: str) -> tuple[list[dict], list[int]]:
    """The headers of the browser's requests for `path`, and the statuses of the answers, from the performance log."""
    requests: list[dict] = []
    statuses: list[int] = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message.get("method") == "Network.requestWillBeSent" and path in params["request"]["url"]:
            requests.append(params["request"]["headers"])
        if message.get("method") == "Network.requestWillBeSentExtraInfo" and path in json.dumps(params.get("headers", {})):
            requests.append(params["headers"])
        if message.get("method") == "Network.responseReceived" and path in params["response"]["url"]:
            statuses.append(params["response"]["status"])
    return requests, statuses


def test_failed_items_show_their_error_code_and_message(exported: Server, browser):
    # setup: an edge-case user whose export failed
    failed = next(user for user in all_export_users(exported, "edge-") if user["status"] == "failed")
    detail = user_detail(exported, failed["user_id"])
    errors = {item["id"]: item["error"] for item in detail["items"] if item["error"]}
    assert errors
    page = Dashboard(browser, exported.url).use_token(TOKEN)

    # act
    open_user_page(page, failed["user_id"])

    # check
    shown = page.all_by_test_id("failed-item")
    assert {row.get_attribute("data-item-id") for row in shown} >= set(errors)
    for row in shown:
        error = errors.get(row.get_attribute("data-item-id"))
        if error:
            assert row.find_element(By.CSS_SELECTOR, '[data-testid="failed-item-code"]').text == error["code"]
            assert row.find_element(By.CSS_SELECTOR, '[data-testid="failed-item-message"]').text == error["message"]


def test_deep_link_to_an_unknown_user_says_so(exported: Server, browser):
    page = Dashboard(browser, exported.url).use_token(TOKEN)
    page.open_at("/users/" + urllib.parse.quote("no such user/..", safe=""), "user-page")
    page.wait(lambda: page.by_test_id("user-page").get_attribute("data-state") == "error", "the not-found message")
    assert "no such user/.." in page.by_test_id("user-error").text


@pytest.mark.parametrize("width", [360, 1280])
def test_users_view_and_user_page_fit_the_width(exported: Server, browser, screenshot, width: int):
    # setup
    user = media_user(exported)
    page = Dashboard(browser, exported.url).use_token(TOKEN)
    set_viewport(browser, width, 800)

    def fits() -> bool:
        return browser.execute_script("return document.documentElement.scrollWidth") <= width and not page.has_horizontal_scroll()

    # act / check: the list
    page.open_at("/users", "users-panel")
    page.wait(lambda: browser.execute_script("return window.innerWidth") == width, f"a {width} px viewport")
    page.wait(lambda: page.all_by_test_id("user-row"), "the users")
    assert fits(), f"the users view scrolls sideways at {width} px"

    # act / check: the user's page, every item's table open
    open_user_page(page, user["user_id"])
    for summary in browser.find_elements(By.CSS_SELECTOR, '[data-testid="item-detail"] summary'):
        browser.execute_script("arguments[0].click()", summary)
    assert fits(), (
        "the user page scrolls sideways at %d px: scrollWidth=%s"
        % (width, browser.execute_script("return document.documentElement.scrollWidth"))
    )
    screenshot(f"22-user-page-{width}px")


def test_retry_this_user_starts_a_job_for_that_user_only(make_server, browser):
    # setup: a small export with failures
    server = make_server(demo_users=10, edge_cases=True, token=TOKEN)
    run_export(server)
    failed = next(user for user in all_export_users(server, "edge-") if user["status"] == "failed")
    page = Dashboard(browser, server.url).use_token(TOKEN)
    open_user_page(page, failed["user_id"])
    page.wait_connection("live")

    # act
    page.click("retry-user")

    # check: a job for that user alone, the button disabled while it runs and the outcome said
    page.wait(lambda: page.by_test_id("retry-user-result").get_attribute("data-outcome") == "started", "the retry's outcome")
    job_id = server.api("/jobs")["jobs"][0]["job_id"]
    assert job_id in page.by_test_id("retry-user-result").text
    assert server.api(f"/jobs/{job_id}")["settings"].get("users") == [failed["user_id"]]
    page.wait(lambda: server.api(f"/jobs/{job_id}")["status"] in FINISHED, "the retry job to finish", timeout=120)
    page.wait(lambda: page.by_test_id("retry-user").is_enabled(), "Retry to be enabled again")
    assert server.api(f"/jobs/{job_id}")["processed_users"] == 1


# The file route


def test_file_route_serves_ranges_and_refuses_traversal(exported: Server):
    # setup
    user = media_user(exported)
    clip = next(item for item in user["items"] if item["kind"] == "voices" and item["file_url"])
    whole = raw_get(exported, clip["file_url"])
    assert whole.status == 200 and len(whole.body) == clip["size"]
    assert whole.headers["content-type"].startswith("audio/")

    # act / check: one range
    part = raw_get(exported, clip["file_url"], {"Range": "bytes=100-199"})
    assert part.status == 206
    assert part.body == whole.body[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{clip['size']}"

    # act / check: the token may come in the query, as <img> and <audio> send it
    with_query = raw_get(exported, clip["file_url"] + f"&access_token={TOKEN}", token="")
    assert with_query.status == 200 and with_query.body == whole.body
    assert raw_get(exported, clip["file_url"], token="").status == 401

    # act / check: ways out of the user's files answer 404
    files = user_path(user["user_id"]) + "/files/"
    for attempt in (
        files + "..%2F..%2Fmanifest.json",
        files + "../x",
        files + "%2e%2e",
        files + "%2e%2e%2fmanifest.json",
        files + "..%2Fmanifest.json?kind=images",
        user_path(user["user_id"]) + "/files/%2E%2E/%2E%2E/manifest.json",
    ):
        answer = raw_get(exported, attempt)
        assert answer.status == 404, f"{attempt} answered {answer.status}: {answer.body[:200]!r}"


def test_a_symlink_planted_in_the_users_folder_is_not_followed(make_server):
    # setup: an export, then one image replaced by a link to a copy of the same bytes outside the output folder, and
    # the folder of the voice clips replaced by a link to a copy of it
    server = make_server(demo_users=10, token=TOKEN)
    run_export(server)
    user = media_user(server, images=1, voices=1)
    image = next(item for item in user["items"] if item["kind"] == "images" and item["file_url"])
    clip = next(item for item in user["items"] if item["kind"] == "voices" and item["file_url"])
    assert raw_get(server, image["file_url"]).status == 200
    assert raw_get(server, clip["file_url"]).status == 200
    outside = Path(tempfile.mkdtemp(prefix="mediabatch-outside-"))
    try:
        replace_with_symlink(manifest_path(server, user["folder"], image["id"]), outside)
        clips_folder = manifest_path(server, user["folder"], clip["id"]).parent
        shutil.copytree(clips_folder, outside / "clips")
        shutil.rmtree(clips_folder)
        clips_folder.symlink_to(outside / "clips", target_is_directory=True)

        # act
        image_answer = raw_get(server, image["file_url"])
        clip_answer = raw_get(server, clip["file_url"])

        # check
        assert image_answer.status == 404, f"the file link was followed: {image_answer.status}"
        assert clip_answer.status == 404, f"the folder link was followed: {clip_answer.status}"
        assert user_detail(server, user["user_id"])["items"], "the user's page still lists the items"
    finally:
        shutil.rmtree(outside, ignore_errors=True)


# The job's live charts


def test_throughput_and_error_charts_render_while_a_job_runs(make_server, browser, screenshot):
    # setup: a job slowed down enough to be watched, with failing edge cases
    server = make_server(demo_users=300, edge_cases=True, concurrency=4, demo_latency_ms=25)
    page = Dashboard(browser, server.url).open()
    page.wait_connection("live")

    # act
    page.click("start-button")
    page.wait_status({"processing"})

    # check: the throughput charts draw points while the job still runs
    def points(test_id: str) -> int:
        return int(page.by_test_id(test_id).get_attribute("data-points") or 0)

    page.wait(lambda: points("chart-files") >= 3 or page.status() in FINISHED, "points on the throughput charts", timeout=60)
    assert page.status() == "processing", "the job ended before the charts had three points: slow it down more"
    assert points("chart-bytes") >= 3
    for test_id, title in (("chart-files", "Files per second"), ("chart-bytes", "Data per second")):
        chart = page.by_test_id(test_id)
        assert chart.tag_name == "svg" and chart.get_attribute("role") == "img"
        label = chart.get_attribute("aria-label")
        assert label.startswith(f"{title} over ") and "now " in label and "peak " in label, label
        assert chart.find_element(By.CSS_SELECTOR, "path.chart-line").get_attribute("d").count("L") >= 2
        assert float(page.by_test_id(f"{test_id}-current").get_attribute("data-value")) >= 0
    screenshot("23-charts-running")

    # check: when the job is over, the error bars match the error counts, and say them in words
    page.wait_status(FINISHED, timeout=300)
    counts = {code: count for code, count in server.api("/batch-process-status")["error_counts"].items() if count > 0}
    assert counts, "the edge cases should fail"
    def bars() -> dict[str, int]:
        return {
            bar.get_attribute("data-code"): int(bar.get_attribute("data-count"))
            for bar in page.by_test_id("chart-errors").find_elements(By.CSS_SELECTOR, "g[data-code]")
        }

    page.wait(lambda: bars() == counts, "the bars to match error_counts")
    label = page.by_test_id("chart-errors").get_attribute("aria-label")
    for code, count in counts.items():
        assert f"{code} {count}" in label, label
