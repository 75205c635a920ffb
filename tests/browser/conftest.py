"""Fixtures for the dashboard's browser tests: a real `mediabatch serve` and a headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

REPO_DIR = Path(__file__).resolve().parents[2]
PUBLIC_DIR = REPO_DIR / "Sources" / "MediaBatchServer" / "Public"
SCREENSHOT_DIR = REPO_DIR / "artifacts" / "screenshots"
LOG_DIR = REPO_DIR / "artifacts" / "browser-server-logs"
HOST = "127.0.0.1"

# Enough demo users that a job lasts a few seconds, so a test can watch its counters move.
WATCHED_DEMO_USERS = int(os.environ.get("MEDIABATCH_TEST_WATCHED_USERS", "600"))
# A job that runs long enough to be stopped midway; it never runs to its end.
SLOW_DEMO_USERS = int(os.environ.get("MEDIABATCH_TEST_SLOW_USERS", "3000"))
SLOW_CONCURRENCY = int(os.environ.get("MEDIABATCH_TEST_SLOW_CONCURRENCY", "2"))


def server_binary() -> Path:
    path = Path(os.environ.get("MEDIABATCH_BIN", ".build/debug/mediabatch"))
    if not path.is_absolute():
        path = REPO_DIR / path
    if not path.exists():
        pytest.fail(f"server binary {path} not found: build it (swift build) or set MEDIABATCH_BIN")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    """Polls `condition` until it returns something truthy; for processes, where WebDriverWait does not apply."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class ApiError(Exception):
    def __init__(self, status: int, body: Any):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


@dataclass
class Server:
    """One `mediabatch serve` process on 127.0.0.1, restartable on the same port and output folder."""

    name: str
    demo_users: int = 200
    edge_cases: bool = False
    concurrency: Optional[int] = None
    # Delays every demo download (and page of users) by this much, so a job lasts long enough to be watched.
    demo_latency_ms: Optional[int] = None
    token: Optional[str] = None
    listen: str = HOST
    allowed_hosts: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    output: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mediabatch-browser-")))
    process: Optional[subprocess.Popen] = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> "Server":
        command = [
            str(server_binary()),
            "serve",
            "--host", self.listen,
            "--port", str(self.port),
            "--output", str(self.output),
            "--demo-users", str(self.demo_users),
        ]
        if self.concurrency is not None:
            command += ["--concurrency", str(self.concurrency)]
        if self.demo_latency_ms is not None:
            command += ["--demo-latency-ms", str(self.demo_latency_ms)]
        for name in self.allowed_hosts:
            command += ["--allowed-host", name]
        if self.edge_cases:
            command.append("--demo-edge-cases")
        env = dict(os.environ)
        # Serve the bundle in the work tree, not the copy built into the binary's resources.
        env.setdefault("MEDIABATCH_DASHBOARD_DIR", str(PUBLIC_DIR))
        env.pop("MEDIABATCH_API_TOKEN", None)
        if self.token is not None:
            env["MEDIABATCH_API_TOKEN"] = self.token
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        log = open(LOG_DIR / f"{self.name}-{self.starts}.log", "wb")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.output)
        log.close()
        wait_until(self._healthy, 60, f"{self.url}/healthz")
        return self

    def _healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"server exited with {self.process.returncode}; see {LOG_DIR}")
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            return False

    def kill(self) -> None:
        """Ends the server abruptly, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def api(self, path: str, method: str = "GET", body: Any = None, token: Optional[str] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None or method == "POST":
            request.add_header("Content-Type", "application/json")
        bearer = token if token is not None else self.token
        if bearer:
            request.add_header("Authorization", f"Bearer {bearer}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode(errors="replace")
            raise ApiError(error.code, parsed) from None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.output, ignore_errors=True)


@pytest.fixture
def make_server(request) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def factory(**kwargs: Any) -> Server:
        server = Server(name=request.node.name.replace("/", "_"), **kwargs)
        servers.append(server)
        return server.start()

    yield factory
    for server in servers:
        server.cleanup()


@pytest.fixture
def server(make_server) -> Server:
    """A server with a small demo source: jobs finish within a second or two."""
    return make_server(demo_users=200)


@pytest.fixture
def watched_server(make_server) -> Server:
    """A server whose demo job lasts a few seconds, so its progress can be watched."""
    return make_server(demo_users=WATCHED_DEMO_USERS)


@pytest.fixture
def slow_server(make_server) -> Server:
    """A server whose demo job runs long enough to be stopped halfway."""
    return make_server(demo_users=SLOW_DEMO_USERS, concurrency=SLOW_CONCURRENCY)


# Names the browser resolves to 127.0.0.1 itself, so that a test can reach the server under another name while every
# packet still goes to loopback.
TEST_HOST_NAMES = ("mediabatch.test", "attacker.test")


def chrome_options(width: int = 1280, height: int = 900) -> Options:
    options = Options()
    options.add_argument("--host-resolver-rules=" + ", ".join(f"MAP {name} {HOST}" for name in TEST_HOST_NAMES))
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--lang=en-US",
        "--force-prefers-reduced-motion",
        # Talk to nothing but the server under test.
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-extensions",
        "--metrics-recording-only",
        "--no-pings",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    ):
        options.add_argument(argument)
    return options


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=chrome_options())
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def screenshot(browser) -> Callable[[str], Path]:
    """Saves a full-page screenshot into artifacts/screenshots/<name>.png."""

    def take(name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        width = browser.execute_script("return window.innerWidth")
        height = browser.execute_script("return Math.max(document.documentElement.scrollHeight, window.innerHeight)")
        original = browser.execute_script("return window.innerHeight")
        set_viewport(browser, width, height)
        try:
            browser.save_screenshot(str(path))
        finally:
            set_viewport(browser, width, original)
        return path

    return take


def set_viewport(driver: webdriver.Chrome, width: int, height: int) -> None:
    """Sets the exact CSS viewport, independent of window decorations."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": int(width), "height": int(height), "deviceScaleFactor": 1, "mobile": int(width) < 600},
    )
