"""A small page object for the MediaBatch dashboard: finds elements by their stable ids and test ids."""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

FINISHED = {"completed", "completed_with_errors", "stopped", "failed"}


class Dashboard:
    def __init__(self, driver: WebDriver, base_url: str, timeout: float = 30):
        self.driver = driver
        self.base_url = base_url
        self.timeout = timeout

    # Navigation and waiting

    def open(self, path: str = "/") -> "Dashboard":
        self.driver.get(f"{self.base_url}{path}")
        self.wait(lambda: self.present("job-panel") or self.present("token-prompt"), "the dashboard to render")
        return self

    def open_at(self, fragment: str, test_id: str) -> "Dashboard":
        """Loads the page at `#<fragment>` afresh and waits for the element `test_id` (or the token prompt)."""
        # From the same page, a new hash alone would be a same-document navigation: start from a blank one.
        self.driver.get("about:blank")
        self.driver.get(f"{self.base_url}/#{fragment}")
        self.wait(lambda: self.present(test_id) or self.present("token-prompt"), f"{test_id} to render")
        return self

    def use_token(self, token: str) -> "Dashboard":
        """Stores the API token where the page looks for it (this tab's sessionStorage), before any page loads."""
        self.driver.get(f"{self.base_url}/healthz")
        self.driver.execute_script("sessionStorage.setItem('mediabatch.apiToken', arguments[0])", token)
        return self

    def wait(self, condition: Callable[[], object], what: str, timeout: Optional[float] = None):
        def check(_driver: WebDriver):
            try:
                return condition()
            except (NoSuchElementException, StaleElementReferenceException):
                return False

        return WebDriverWait(self.driver, timeout or self.timeout, poll_frequency=0.05).until(
            check, message=f"waiting for {what}"
        )

    # Elements

    def by_test_id(self, test_id: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, f'[data-testid="{test_id}"]')

    def all_by_test_id(self, test_id: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{test_id}"]')

    def present(self, test_id: str) -> bool:
        return len(self.all_by_test_id(test_id)) > 0

    def visible(self, test_id: str) -> bool:
        elements = self.all_by_test_id(test_id)
        return bool(elements) and elements[0].is_displayed()

    def value(self, test_id: str) -> float:
        """The raw figure behind a formatted number (its `data-value`)."""
        raw = self.by_test_id(test_id).get_attribute("data-value")
        return float(raw) if raw not in (None, "") else float("nan")

    def int_value(self, test_id: str) -> int:
        return int(self.value(test_id))

    # Job state

    def status(self) -> str:
        return self.by_test_id("job-status").get_attribute("data-status") or ""

    def connection(self) -> str:
        return self.by_test_id("connection-mode").get_attribute("data-mode") or ""

    def wait_status(self, statuses: Iterable[str], timeout: Optional[float] = None) -> str:
        wanted = set(statuses)
        return self.wait(lambda: self.status() if self.status() in wanted else None, f"status in {sorted(wanted)}", timeout)

    def wait_connection(self, mode: str, timeout: Optional[float] = None) -> None:
        self.wait(lambda: self.connection() == mode, f"connection mode {mode!r}", timeout)

    def click(self, test_id: str) -> None:
        element = self.wait(lambda: self._enabled(test_id), f"{test_id} to be enabled")
        element.click()

    def _enabled(self, test_id: str) -> Optional[WebElement]:
        element = self.by_test_id(test_id)
        return element if element.is_displayed() and element.is_enabled() else None

    def progress(self, bar: str) -> dict:
        track = self.driver.find_element(By.ID, f"progress-{bar}")
        return {
            "now": float(track.get_attribute("aria-valuenow")),
            "min": float(track.get_attribute("aria-valuemin")),
            "max": float(track.get_attribute("aria-valuemax")),
            "done": self.value(f"progress-{bar}-done"),
            "total": self.value(f"progress-{bar}-total"),
        }

    def has_horizontal_scroll(self) -> bool:
        return bool(
            self.driver.execute_script(
                "const e = document.documentElement;"
                "return e.scrollWidth > e.clientWidth || document.body.scrollWidth > e.clientWidth;"
            )
        )
