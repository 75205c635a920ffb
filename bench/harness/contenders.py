"""The contenders: how each one is run over a data set, and how its output is checked.

Every contender gets the same objects and writes into an empty folder; a run counts only if the process exits 0 and
the folder then holds exactly the data set's number of files and bytes (MediaBatch's own manifests and state aside).
"""

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from . import measure, servers
from .datasets import DataSet
from .servers import BENCH_DIR, gcloud_env

# What MediaBatch keeps beside the media: its job store, each user's manifest and folder owner record.
MEDIABATCH_STATE = (".mediabatch", "manifest.json", ".mediabatch-owner")

# What a contender runs: the command line, its environment, and the file to read as stdin (None: no input).
Command = tuple[list[str], dict[str, str], str | None]
# What wrk measured: requests/s, bytes/s, and the size of the object it fetched.
WrkFigures = tuple[float, float, int]
# The HTTP version a contender is told to use over TLS.
HttpVersion = Literal["1.1", "2"]
# The sliced round: rclone's --multi-thread-cutoff. rclone (1.60 here) splits a file of at least the cutoff into
# size ÷ cutoff streams, at least 2 and at most --multi-thread-streams: with a cutoff of 64M, a 64 MiB object would get
# 2 streams and a 256 MiB one 4. With 8M (rclone's M is 2^20 bytes), both get 8 streams of at least 8 MiB each, as
# MediaBatch slices them (up to 8 slices of 8 MiB or more); the large set has no object below 64 MiB.
RCLONE_MULTI_THREAD_CUTOFF = "8M"


@dataclass
class Context:
    """Where a contender runs: the data set, the storage URL (nginx, delayed in latency mode, https in TLS mode),
    scratch space."""

    dataset: DataSet
    storage_url: str
    firestore_host: str
    work: str
    mediabatch: str
    # TLS mode: the CA certificate (PEM) that signed nginx's, and nginx's log of what it served (servers.served).
    ca_file: str | None = None
    served_log: str | None = None


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment without anything that could point a client at a real project or change its settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "MEDIABATCH_",
                "FIREBASE_",
                "GOOGLE_",
                "CLOUDSDK_",
                "RCLONE_",
                "STORAGE_EMULATOR",
                "FIRESTORE_EMULATOR",
                "CLOUD_RUN_",
                "JOB_COMPLETION",
            )
        )
    }
    env.update(extra or {})
    return env


class Contender:
    name = ""
    label = ""
    # Run over the same folder after each run, and measured apart (an unchanged rerun), or None.
    rerun: "Contender | None" = None
    # True for such a rerun: it checks files that are already there instead of downloading them.
    is_rerun = False
    # TLS mode: the HTTP version the contender is told to use ("1.1" or "2"); None: its own choice, or plain HTTP.
    http_version: HttpVersion | None = None

    def run(self, ctx: Context, out: str, log_path: str) -> measure.Sample:
        """Runs once into the empty folder `out`; returns a checked measure.Sample. In TLS mode the sample's
        extra["served"] is what nginx logged for the run (servers.Served): the HTTP version each request came in,
        the connections, TLS version and cipher."""
        command, env, stdin = self.command(ctx, out)
        start = os.path.getsize(ctx.served_log) if ctx.served_log and os.path.exists(ctx.served_log) else 0
        sample, stdout = measure.run(command, env=env, stdin_path=stdin, cwd=ctx.work, log_path=log_path)
        if ctx.served_log:
            with open(ctx.served_log, "rb") as f:
                f.seek(start)
                sample.extra["served"] = servers.served(f.read().decode("utf-8", "replace"))
        self.check(ctx, out, sample, stdout)
        return sample

    def command(self, ctx: Context, out: str) -> Command:
        raise NotImplementedError

    def check(self, ctx: Context, out: str, sample: measure.Sample, stdout: str) -> None:
        files, total = measure.count_files(out)
        expect_output(ctx, sample, files, total, self.label)


def expect_output(ctx: Context, sample: measure.Sample, files: int, total: int, label: str) -> None:
    sample.files, sample.bytes = files, total
    if files != ctx.dataset.files or total != ctx.dataset.bytes:
        raise measure.RunFailed(
            f"{label} wrote {files} files, {total} bytes; expected {ctx.dataset.files} files, {ctx.dataset.bytes} bytes"
        )


class MediaBatch(Contender):
    """`mediabatch run --source firebase` reading the Firestore emulator, downloading from nginx (defaults)."""

    def __init__(
        self,
        mode: Literal["full", "dry-run", "rerun"] = "full",
        with_rerun: bool = False,
        concurrency: int | None = None,
        http_version: HttpVersion | None = None,
        slice_threshold_mib: int | None = None,
    ) -> None:
        self.mode = mode  # full | dry-run | rerun
        # TLS mode: `--http-version`; None leaves MediaBatch's default (1.1).
        self.http_version = http_version
        self.is_rerun = mode == "rerun"
        # None: MediaBatch's default (32).
        self.concurrency = concurrency
        # `--slice-threshold-mib`: objects of at least this many MiB are fetched as parallel Range slices; 0 never
        # slices (one stream per object). None: MediaBatch's default (64).
        self.slice_threshold_mib = slice_threshold_mib
        # With a rerun, every full run is followed by an unchanged rerun over the same folder (measured apart).
        self.rerun = MediaBatch("rerun") if with_rerun else None
        self.name = "mediabatch" if mode == "full" else "mediabatch-" + mode
        self.label = {
            "full": "MediaBatch",
            "dry-run": "MediaBatch --dry-run (listing + metadata)",
            "rerun": "MediaBatch unchanged rerun",
        }[mode]
        if concurrency is not None:
            self.name += f"-c{concurrency}"
            self.label += f" --concurrency {concurrency}"
        if http_version is not None:
            self.name += f"-http{http_version}"
            self.label += f" --http-version {http_version}"
        if slice_threshold_mib is not None:
            self.name += f"-slice{slice_threshold_mib}"
            self.label += f" --slice-threshold-mib {slice_threshold_mib}" + (
                " (one stream per object)" if slice_threshold_mib == 0 else ""
            )

    def command(self, ctx: Context, out: str) -> Command:
        spec = ctx.dataset.spec
        command = [
            ctx.mediabatch,
            "run",
            "--source",
            "firebase",
            "--project",
            spec.project,
            "--bucket",
            spec.bucket,
            "--output",
            out,
            "--json",
        ]
        if self.mode == "dry-run":
            command.append("--dry-run")
        if self.concurrency is not None:
            command += ["--concurrency", str(self.concurrency)]
        if self.http_version is not None:
            command += ["--http-version", self.http_version]
        if self.slice_threshold_mib is not None:
            command += ["--slice-threshold-mib", str(self.slice_threshold_mib)]
        env = clean_env({"FIRESTORE_EMULATOR_HOST": ctx.firestore_host, "STORAGE_EMULATOR_HOST": ctx.storage_url})
        if ctx.ca_file:
            env["SSL_CERT_FILE"] = ctx.ca_file  # trusted instead of the system's certificates
        return command, env, None

    def check(self, ctx: Context, out: str, sample: measure.Sample, stdout: str) -> None:
        try:
            report = json.loads(stdout)
        except ValueError as error:
            raise measure.RunFailed(f"{self.label}: no JSON summary on stdout: {stdout[-500:]!r}") from error
        counts = report.get("files", {})
        sample.extra["report"] = {k: report.get(k) for k in ("status", "files", "bytes", "elapsed_seconds", "users")}
        if report.get("status") != "completed" or counts.get("failed"):
            raise measure.RunFailed(
                "{}: status {}, {} failed: {}".format(
                    self.label, report.get("status"), counts.get("failed"), report.get("error_counts")
                )
            )
        if counts.get("total") != ctx.dataset.files:
            raise measure.RunFailed(
                "{}: {} files planned, expected {}".format(self.label, counts.get("total"), ctx.dataset.files)
            )
        if self.mode == "dry-run":
            sample.files, sample.bytes = ctx.dataset.files, 0
            files, _total = measure.count_files(out, MEDIABATCH_STATE)
            if files:
                raise measure.RunFailed(f"{self.label} wrote {files} files")
            return
        if self.mode == "rerun" and counts.get("skipped") != ctx.dataset.files:
            raise measure.RunFailed(
                "{}: {} files skipped, expected all {}".format(self.label, counts.get("skipped"), ctx.dataset.files)
            )
        files, total = measure.count_files(out, MEDIABATCH_STATE)
        expect_output(ctx, sample, files, total, self.label)


class Rclone(Contender):
    """rclone copy from its Google Cloud Storage backend, anonymous, endpoint = the storage URL.

    With `with_rerun`, every run is followed by an unchanged rerun over its output: rclone copy again, which checks
    each file (a metadata GET per object, then size and modification time) and should transfer none.

    Over TLS, rclone speaks HTTP/2 when the server offers it (`http_version` "2" adds nothing); "1.1" adds
    `--disable-http2`.

    With `multi_thread_streams` (the sliced round), `--multi-thread-streams N`: above 1, rclone fetches each object
    of at least `--multi-thread-cutoff` (RCLONE_MULTI_THREAD_CUTOFF) as up to N ranged streams into one file; 0 turns
    that off (one stream per object). None leaves rclone's defaults."""

    def __init__(
        self,
        transfers: int,
        with_rerun: bool = False,
        is_rerun: bool = False,
        http_version: HttpVersion | None = None,
        multi_thread_streams: int | None = None,
    ) -> None:
        self.transfers = transfers
        self.is_rerun = is_rerun
        self.http_version = http_version
        self.multi_thread_streams = multi_thread_streams
        self.rerun = Rclone(transfers, is_rerun=True, http_version=http_version) if with_rerun else None
        self.name = f"rclone-{transfers}" + ("-rerun" if is_rerun else "")
        self.label = f"rclone copy --transfers {transfers}" + (", unchanged rerun" if is_rerun else "")
        if http_version is not None:
            self.name += f"-http{http_version}"
            self.label += " --disable-http2" if http_version == "1.1" else " (HTTP/2, its default)"
        if multi_thread_streams is not None:
            self.name += f"-mt{multi_thread_streams}"
            self.label += f" --multi-thread-streams {multi_thread_streams}"
            if multi_thread_streams > 1:
                self.label += f" --multi-thread-cutoff {RCLONE_MULTI_THREAD_CUTOFF}"
            else:
                self.label += " (one stream per object)"
        # The log a run writes its stderr to, and its size when the run started (set by run).
        self.log_path = ""
        self.log_start = 0

    def run(self, ctx: Context, out: str, log_path: str) -> measure.Sample:
        # The rerun's stats (rclone's log, on stderr) are read from what this run adds to the log.
        self.log_start = os.path.getsize(log_path) if os.path.exists(log_path) else 0
        self.log_path = log_path
        return super().run(ctx, out, log_path)

    def command(self, ctx: Context, out: str) -> Command:
        files_from = os.path.join(ctx.work, f"{ctx.dataset.spec.name}-names.txt")
        if not os.path.exists(files_from):
            with open(files_from, "w", encoding="utf-8") as f:
                f.writelines(name + "\n" for name in ctx.dataset.object_names())
        config = os.path.join(ctx.work, "rclone.conf")
        open(config, "a").close()
        env = clean_env(
            {
                "RCLONE_CONFIG_BENCH_TYPE": "google cloud storage",
                "RCLONE_CONFIG_BENCH_ANONYMOUS": "true",
                "RCLONE_CONFIG_BENCH_ENDPOINT": ctx.storage_url + "/storage/v1/",
            }
        )
        command = [
            "rclone",
            "--config",
            config,
            "copy",
            "bench:" + ctx.dataset.spec.bucket,
            out,
            "--files-from",
            files_from,
            "--no-traverse",
            "--transfers",
            str(self.transfers),
            "--checkers",
            str(self.transfers),
            "--stats",
            "0",
        ]
        if self.is_rerun:
            # The final stats only (no periodic ones in a run this short), as JSON: what the check reads.
            command[-1] = "1h"
            command += ["--stats-log-level", "NOTICE", "--use-json-log"]
        if ctx.ca_file:
            command += ["--ca-cert", ctx.ca_file]
        if self.http_version == "1.1":
            command.append("--disable-http2")
        if self.multi_thread_streams is not None:
            command += ["--multi-thread-streams", str(self.multi_thread_streams)]
            if self.multi_thread_streams > 1:
                command += ["--multi-thread-cutoff", RCLONE_MULTI_THREAD_CUTOFF]
        return command, env, None

    def check(self, ctx: Context, out: str, sample: measure.Sample, stdout: str) -> None:
        super().check(ctx, out, sample, stdout)
        if not self.is_rerun:
            return
        with open(self.log_path, "rb") as f:
            f.seek(self.log_start)
            text = f.read().decode("utf-8", "replace")
        stats = rclone_stats(text)
        if stats is None:
            raise measure.RunFailed(f"{self.label}: no final stats in rclone's log: {text[-500:]!r}")
        sample.extra["stats"] = stats
        if stats.get("transfers") != 0 or stats.get("errors") != 0 or stats.get("checks") != ctx.dataset.files:
            raise measure.RunFailed(
                "{}: rclone transferred {}, checked {} ({} errors); expected 0 transferred, all {} checked".format(
                    self.label, stats.get("transfers"), stats.get("checks"), stats.get("errors"), ctx.dataset.files
                )
            )


def rclone_stats(log: str) -> dict[str, object] | None:
    """The last `stats` object in rclone's JSON log (--use-json-log), or None."""
    found: dict[str, object] | None = None
    for line in log.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("stats"), dict):
            found = entry["stats"]
    return found


class GcloudStorage(Contender):
    name = "gcloud"
    label = "gcloud storage cp -I"

    def command(self, ctx: Context, out: str) -> Command:
        urls = os.path.join(ctx.work, f"{ctx.dataset.spec.name}-gs-urls.txt")
        if not os.path.exists(urls):
            with open(urls, "w", encoding="utf-8") as f:
                f.writelines(f"gs://{ctx.dataset.spec.bucket}/{name}\n" for name in ctx.dataset.object_names())
        env = clean_env(gcloud_env(os.path.join(ctx.work, "gcloud-config")))
        env["CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE"] = ctx.storage_url + "/"
        return ["gcloud", "storage", "cp", "-I", out + "/"], env, urls


class PythonClient(Contender):
    """google-cloud-storage, as a seeding or export script would use it."""

    def __init__(self, mode: Literal["sequential", "transfer-manager"], workers: int = 8) -> None:
        self.mode = mode
        self.workers = workers
        self.name = "python-" + mode
        self.label = (
            "Python client, sequential (the usual export script)"
            if mode == "sequential"
            else f"Python client, transfer_manager.download_many ({workers} workers)"
        )

    def command(self, ctx: Context, out: str) -> Command:
        listing = os.path.join(ctx.work, f"{ctx.dataset.spec.name}-objects.tsv")
        if not os.path.exists(listing):
            with open(listing, "w", encoding="utf-8") as f:
                f.writelines("{}\t{}\t{}\n".format(o["user"], o["kind"], o["name"]) for o in ctx.dataset.objects)
        command = [
            sys.executable,
            os.path.join(BENCH_DIR, "python_client.py"),
            "--endpoint",
            ctx.storage_url,
            "--bucket",
            ctx.dataset.spec.bucket,
            "--objects",
            listing,
            "--output",
            out,
            "--workers",
            str(self.workers),
            self.mode,
        ]
        return command, clean_env(), None


class CurlParallel(Contender):
    """curl -Z over every media URL: the raw HTTP limit of a client that does nothing but fetch."""

    def __init__(
        self,
        parallel: int = 64,
        durable: bool = False,
        http_version: HttpVersion | None = None,
        immediate: bool = False,
    ) -> None:
        self.parallel = parallel
        # `--parallel-immediate` (the sliced round): open a connection for every transfer at once. Without it, curl
        # holds the other transfers until the first connection shows whether it can multiplex them, which over
        # HTTP/1.1 is when the first transfer ends: through slow connections, a second wave.
        self.immediate = immediate
        # Durable: the files are flushed to disk before the run counts as done (`sync -f` on the output's file
        # system), as MediaBatch flushes them before it records them.
        self.durable = durable
        # TLS mode: --http1.1 or --http2 (with HTTP/2, curl -Z multiplexes the transfers over one connection).
        self.http_version = http_version
        self.name = f"curl-{parallel}" + ("-sync" if durable else "")
        self.label = f"curl -Z --parallel-max {parallel}" + (", then sync -f" if durable else "")
        if http_version is not None:
            self.name += f"-http{http_version}"
            self.label += f" --http{http_version}"
        if immediate:
            self.name += "-immediate"
            self.label += " --parallel-immediate"

    def command(self, ctx: Context, out: str) -> Command:
        config = os.path.join(
            ctx.work, "{}-{}-curl.conf".format(ctx.dataset.spec.name, ctx.storage_url.rsplit(":", 1)[1])
        )
        with open(config, "w", encoding="utf-8") as f:
            for o in ctx.dataset.objects:
                f.write(
                    'url = "{}"\noutput = "{}"\n'.format(
                        ctx.dataset.media_url(ctx.storage_url, o["name"]), os.path.join(out, o["name"])
                    )
                )
        command = [
            "curl",
            "--silent",
            "--show-error",
            "--fail",
            "--create-dirs",
            "--parallel",
            "--parallel-max",
            str(self.parallel),
            "--config",
            config,
        ]
        if ctx.ca_file:
            command[1:1] = ["--cacert", ctx.ca_file]
        if self.http_version is not None:
            command[1:1] = [f"--http{self.http_version}"]
        if self.immediate:
            command.insert(command.index("--parallel") + 1, "--parallel-immediate")
        if self.durable:
            command = ["sh", "-c", 'curl "$@" && sync -f "$0"', out, *command[1:]]
        return command, clean_env(), None


def wrk(ctx: Context, connections: int, seconds: int, log_path: str) -> WrkFigures:
    """wrk against one media URL: the server's own ceiling. Returns (requests/s, bytes/s, object size)."""
    obj = ctx.dataset.largest_object() if ctx.dataset.spec.name == "large" else ctx.dataset.objects[0]
    url = ctx.dataset.media_url(ctx.storage_url, obj["name"])
    # A generous timeout: one large object takes longer than wrk's default 2 s to arrive over 8 connections.
    _sample, text = measure.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", url],
        env=clean_env(),
        cwd=ctx.work,
        log_path=log_path,
    )
    requests_per_s = None
    for line in text.splitlines():
        if line.startswith("Requests/sec:"):
            requests_per_s = float(line.split()[1])
        if "Non-2xx" in line or "Socket errors" in line:
            raise measure.RunFailed("wrk: " + line.strip())
    if requests_per_s is None:
        raise measure.RunFailed("wrk printed no Requests/sec: " + text[-500:])
    return requests_per_s, requests_per_s * obj["size"], obj["size"]


def negotiated(ctx: Context, http_version: HttpVersion) -> str:
    """The HTTP version curl ends up with (`%{http_version}`: "1.1" or "2") when it asks ctx's TLS nginx for one
    object with --http1.1 or --http2, trusting ctx.ca_file. Raises RunFailed if the request fails."""
    url = ctx.dataset.media_url(ctx.storage_url, ctx.dataset.objects[0]["name"])
    command = ["curl", "--silent", "--show-error", "--fail", f"--http{http_version}", "--output", os.devnull]
    command += ["--write-out", "%{http_version}", url]
    if ctx.ca_file:
        command[1:1] = ["--cacert", ctx.ca_file]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=clean_env(), timeout=60, check=False)
    except subprocess.TimeoutExpired as error:
        raise measure.RunFailed(f"curl --http{http_version} {url} took longer than 60 s") from error
    if done.returncode != 0:
        raise measure.RunFailed(f"curl --http{http_version} {url} exited with {done.returncode}: {done.stderr.strip()}")
    return done.stdout.strip()
