"""The servers a benchmark run starts and stops: nginx (one per data set, a delayed one, a delayed and rate-limited
one for the sliced round, TLS ones), the Firestore emulator; and the throwaway certificates of the TLS ones."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Self

from . import datasets

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(BENCH_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} in {timeout:.0f} s")


def read_ready_line(process: subprocess.Popen[str], what: str, timeout: float = 120.0) -> int:
    """Waits for `READY <port>` on the process's stdout and returns the port."""
    result: dict[str, int] = {}

    def read() -> None:
        assert process.stdout is not None  # stdout=PIPE
        for line in process.stdout:
            if line.startswith("READY "):
                result["port"] = int(line.split()[1])
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if "port" not in result:
        process.terminate()
        raise RuntimeError(f"{what} did not start (no READY line in {timeout:.0f} s)")
    return result["port"]


# --- TLS ----------------------------------------------------------------------------------------------------------


@dataclass
class Certificates:
    """A throwaway certificate authority and a server certificate it signed, for 127.0.0.1 and localhost (PEM)."""

    ca: str  # the CA's certificate: what clients are told to trust
    cert: str  # the server's certificate
    key: str  # the server's private key


def make_certificates(directory: str) -> Certificates:
    """Makes a CA and a server certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1, DNS:localhost) with openssl
    into `directory`: ECDSA P-256 keys, as Google's front ends serve, valid for two days. Nothing of it is kept beyond
    the work folder. Raises RuntimeError when openssl fails."""
    os.makedirs(directory, exist_ok=True)
    certs = Certificates(
        ca=os.path.join(directory, "ca.pem"),
        cert=os.path.join(directory, "server.pem"),
        key=os.path.join(directory, "server.key"),
    )
    ca_key = os.path.join(directory, "ca.key")
    csr = os.path.join(directory, "server.csr")
    extensions = os.path.join(directory, "server.ext")
    with open(extensions, "w", encoding="utf-8") as f:
        f.write(
            "basicConstraints = critical, CA:FALSE\n"
            "keyUsage = critical, digitalSignature\n"
            "extendedKeyUsage = serverAuth\n"
            "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
        )
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    for command in (
        ["req", "-x509", *new_key, "-keyout", ca_key, "-out", certs.ca, "-days", "2"]
        + ["-subj", "/CN=MediaBatch bench CA", "-addext", "basicConstraints = critical, CA:TRUE"]
        + ["-addext", "keyUsage = critical, keyCertSign, cRLSign"],
        ["req", "-new", *new_key, "-keyout", certs.key, "-out", csr, "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", csr, "-CA", certs.ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "2"]
        + ["-extfile", extensions, "-out", certs.cert],
        ["verify", "-CAfile", certs.ca, certs.cert],
    ):
        done = subprocess.run(["openssl", *command], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"openssl {command[0]} failed: {(done.stderr or done.stdout).strip()}")
    return certs


def have_openssl() -> bool:
    return shutil.which("openssl") is not None


def nginx_version() -> tuple[int, ...]:
    """nginx's version, such as (1, 22, 1); (0,) if it cannot be told."""
    try:
        text = subprocess.run([nginx_binary(), "-v"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return (0,)
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(n) for n in found.groups()) if found else (0,)


def tls_directives(certs: Certificates, version: tuple[int, ...]) -> tuple[str, str]:
    """What turns the plain server into the TLS one: the `listen` parameters and the server block's directives.
    nginx 1.25.1 made HTTP/2 a directive of its own (`http2 on;`); before, it is a `listen` parameter (1.22 here)."""
    h2_directive = version >= (1, 25, 1)
    listen = " ssl" if h2_directive else " ssl http2"
    directives = "\n        ".join(
        (["http2 on;"] if h2_directive else [])
        + [
            f"ssl_certificate {certs.cert};",
            f"ssl_certificate_key {certs.key};",
            "ssl_protocols TLSv1.2 TLSv1.3;",
            "ssl_session_cache shared:bench_tls:10m;",
            "ssl_session_timeout 1h;",
        ]
    )
    return listen, directives


@dataclass
class Served:
    """What a TLS nginx's log says it served to one run: requests per HTTP version, the connections that carried
    them, and the TLS version and cipher of each connection."""

    requests: dict[str, int] = field(default_factory=dict)  # "HTTP/1.1" or "HTTP/2.0" -> requests
    connections: int = 0
    tls: dict[str, int] = field(default_factory=dict)  # "TLSv1.3 TLS_AES_256_GCM_SHA384" -> connections


# The `tls` log of a TLS nginx: one line per request.
SERVED_LOG_FORMAT = "$connection $server_protocol $ssl_protocol $ssl_cipher"


def served(log: str) -> Served:
    """Tallies lines of the `tls` log (SERVED_LOG_FORMAT)."""
    result = Served()
    tls: dict[str, str] = {}
    for line in log.splitlines():
        parts = line.split()
        if len(parts) != 4 or not parts[1].startswith("HTTP/"):
            continue
        connection, protocol, tls_version, cipher = parts
        result.requests[protocol] = result.requests.get(protocol, 0) + 1
        tls[connection] = f"{tls_version} {cipher}"
    result.connections = len(tls)
    for each in tls.values():
        result.tls[each] = result.tls.get(each, 0) + 1
    return result


# --- nginx ----------------------------------------------------------------------------------------------------------


class Nginx:
    """nginx serving one data set as a Cloud Storage JSON API (see nginx.conf.template).

    With `latency_ms`, it holds every storage request that long before answering it (latency mode, the sliced round);
    with `rate_mib`, it sends every answer at most that many MiB/s (`limit_rate`, the sliced round).

    With `tls`, it listens with TLS (HTTP/1.1 and HTTP/2, chosen by ALPN) instead of plain HTTP, and logs every
    request's connection, HTTP version and TLS cipher to `served_log`, which tells what each client used."""

    def __init__(
        self,
        dataset: datasets.DataSet,
        work_dir: str,
        access_log: bool = False,
        latency_ms: float = 0,
        tls: Certificates | None = None,
        rate_mib: float = 0,
    ) -> None:
        self.dataset = dataset
        self.latency_ms = latency_ms
        self.tls = tls
        # The sliced round: every answer sent at most this many MiB/s (nginx's limit_rate, per request); 0: no cap.
        self.rate_mib = rate_mib
        name = (
            dataset.spec.name
            + (f"-latency-{latency_ms:g}ms" if latency_ms > 0 else "")
            + (f"-rate-{rate_mib:g}mib" if rate_mib > 0 else "")
            + ("-tls" if tls else "")
        )
        self.work = os.path.join(work_dir, "nginx-" + name)
        self.access_log = os.path.join(self.work, "access.log") if access_log else None
        self.served_log = os.path.join(self.work, "served.log") if tls else None
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> Self:
        os.makedirs(os.path.join(self.work, "nginx-tmp"), exist_ok=True)
        self.port = free_port()
        with open(os.path.join(BENCH_DIR, "nginx.conf.template"), encoding="utf-8") as f:
            config = f.read()
        logs = [f"access_log {self.access_log} bench;"] if self.access_log else []
        if self.served_log:
            # Read by served(): one line per request. Unbuffered, so a run's lines are there when it ends.
            logs.append(f"log_format tls '{SERVED_LOG_FORMAT}';")
            logs.append(f"access_log {self.served_log} tls;")
        listen, tls = tls_directives(self.tls, nginx_version()) if self.tls else ("", "")
        # Latency mode: every storage request waits before it is answered, without blocking the worker.
        delay = f"access_by_lua_block {{ ngx.sleep({self.latency_ms / 1000:.6f}) }}" if self.latency_ms > 0 else ""
        # The sliced round: each answer paced to the cap, so each connection is slow (as one request follows another
        # on it, the cap is per connection).
        rate = rate_directive(self.rate_mib)
        for key, value in (
            ("@WORK@", self.work),
            ("@DATA@", self.dataset.root),
            ("@PORT@", str(self.port)),
            ("@GENERATION@", datasets.GENERATION),
            ("@ACCESS_LOG@", "\n    ".join(logs) or "access_log off;"),
            ("@LISTEN_TLS@", listen),
            ("@TLS@", tls),
            ("@BASE_PLACEHOLDER@", datasets.BASE_PLACEHOLDER),
            ("@MODULES@", LUA_MODULES if self.latency_ms > 0 else ""),
            ("@DELAY@", delay),
            ("@RATE@", rate),
        ):
            config = config.replace(key, value)
        path = os.path.join(self.work, "nginx.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write(config)
        self.process = subprocess.Popen(
            [nginx_binary(), "-c", path, "-p", self.work, "-e", os.path.join(self.work, "nginx-error.log")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_for_port(self.port, process=self.process)
        except RuntimeError as error:
            assert self.process.stderr is not None  # stderr=PIPE
            stderr = self.process.stderr.read().decode(errors="replace")
            raise RuntimeError(f"nginx: {error}: {stderr}") from error
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish requests, then exit
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def rate_directive(rate_mib: float) -> str:
    """nginx's `limit_rate` for a cap of `rate_mib` MiB/s (`limit_rate 16m;` for 16: nginx's m is 2^20 bytes), in
    bytes when the cap is not a whole number of MiB; "" for no cap (0)."""
    if rate_mib <= 0:
        return ""
    if float(rate_mib).is_integer():
        return f"limit_rate {int(rate_mib)}m;"
    return f"limit_rate {round(rate_mib * 2**20)};"


# Debian's lua module (libnginx-mod-http-lua) and the development kit it needs, for latency mode.
LUA_MODULES = (
    "load_module /usr/lib/nginx/modules/ndk_http_module.so;\nload_module /usr/lib/nginx/modules/ngx_http_lua_module.so;"
)


def nginx_binary() -> str:
    for candidate in ("/usr/sbin/nginx", "/usr/bin/nginx"):
        if os.path.exists(candidate):
            return candidate
    return "nginx"


def gcloud_env(config_dir: str) -> dict[str, str]:
    """Environment for gcloud with a throwaway configuration: no credentials, no update checks, no reporting."""
    env = dict(os.environ)
    env["CLOUDSDK_CONFIG"] = config_dir
    env["CLOUDSDK_CORE_DISABLE_PROMPTS"] = "1"
    env["CLOUDSDK_CORE_DISABLE_USAGE_REPORTING"] = "true"
    env["CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK"] = "true"
    env["CLOUDSDK_AUTH_DISABLE_CREDENTIALS"] = "true"
    env["CLOUDSDK_CORE_PROJECT"] = "bench"
    return env


class FirestoreEmulator:
    """The official Firestore emulator, through the repo's scripts/emulators/firestore_emulator.sh."""

    def __init__(self, work_dir: str) -> None:
        self.work_dir = work_dir
        self.process: subprocess.Popen[str] | None = None
        self.port: int | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Self:
        env = gcloud_env(os.path.join(self.work_dir, "gcloud-config"))
        if not env.get("FIRESTORE_EMULATOR_DIR"):
            sdk_root = subprocess.run(
                ["gcloud", "info", "--format=value(installation.sdk_root)"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            env["FIRESTORE_EMULATOR_DIR"] = os.path.join(sdk_root, "platform", "cloud-firestore-emulator")
        self.emulator_dir = env["FIRESTORE_EMULATOR_DIR"]
        self.log = open(os.path.join(self.work_dir, "firestore-emulator.log"), "w")  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [os.path.join(REPO_DIR, "scripts", "emulators", "firestore_emulator.sh"), "--port", "0"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.port = read_ready_line(self.process, "the Firestore emulator")
        return self

    def version(self) -> str:
        try:
            with open(os.path.join(self.emulator_dir, "..", "..", "VERSION"), encoding="utf-8") as f:
                sdk = f.read().strip()
        except OSError:
            sdk = "?"
        return f"cloud-firestore-emulator (google-cloud-cli {sdk})"

    def seed(self, dataset: datasets.DataSet, batch: int = 500, workers: int = 2) -> int:
        """Writes the data set's users and metadata documents with documents:commit (as seed.py does)."""
        writes = datasets.firestore_writes(dataset)
        batches = [writes[i : i + batch] for i in range(0, len(writes), batch)]
        url = f"http://{self.host}/v1/projects/{dataset.spec.project}/databases/(default)/documents:commit"
        metadata = [b for b in batches if "email_users" not in b[-1]["update"]["name"]]
        users = [b for b in batches if b not in metadata]

        def commit(writes_batch: list[datasets.Write]) -> None:
            request = urllib.request.Request(
                url,
                data=json.dumps({"writes": writes_batch}).encode(),
                method="POST",
                headers={"Authorization": "Bearer owner", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(commit, metadata))  # metadata documents first, then the users that point at them
            list(pool.map(commit, users))
        return len(writes)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # the script stops its JVM on SIGTERM
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()
