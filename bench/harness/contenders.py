"""The contenders: how each one is run over a data set, and how its output is checked.

Every contender gets the same objects and writes into an empty folder; a run counts only if the process exits 0 and
the folder then holds exactly the data set's number of files and bytes (MediaBatch's own manifests and state aside).
"""

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from . import measure
from .datasets import DataSet
from .servers import BENCH_DIR, gcloud_env

# What MediaBatch keeps beside the media: its job store, each user's manifest and folder owner record.
MEDIABATCH_STATE = (".mediabatch", "manifest.json", ".mediabatch-owner")

# What a contender runs: the command line, its environment, and the file to read as stdin (None: no input).
Command = tuple[list[str], dict[str, str], str | None]
# What wrk measured: requests/s, bytes/s, and the size of the object it fetched.
WrkFigures = tuple[float, float, int]


@dataclass
class Context:
    """Where a contender runs: the data set, the storage URL (nginx, delayed in latency mode), scratch space."""

    dataset: DataSet
    storage_url: str
    firestore_host: str
    work: str
    mediabatch: str


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
    # Run over the same folder after each run, and measured apart (MediaBatch's unchanged rerun), or None.
    rerun: "Contender | None" = None

    def run(self, ctx: Context, out: str, log_path: str) -> measure.Sample:
        """Runs once into the empty folder `out`; returns a checked measure.Sample."""
        command, env, stdin = self.command(ctx, out)
        sample, stdout = measure.run(command, env=env, stdin_path=stdin, cwd=ctx.work, log_path=log_path)
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
    ) -> None:
        self.mode = mode  # full | dry-run | rerun
        # None: MediaBatch's default (32).
        self.concurrency = concurrency
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
        env = clean_env({"FIRESTORE_EMULATOR_HOST": ctx.firestore_host, "STORAGE_EMULATOR_HOST": ctx.storage_url})
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
    """rclone copy from its Google Cloud Storage backend, anonymous, endpoint = the storage URL."""

    def __init__(self, transfers: int) -> None:
        self.transfers = transfers
        self.name = f"rclone-{transfers}"
        self.label = f"rclone copy --transfers {transfers}"

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
        return command, env, None


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

    def __init__(self, parallel: int = 64) -> None:
        self.parallel = parallel
        self.name = f"curl-{parallel}"
        self.label = f"curl -Z --parallel-max {parallel}"

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
