"""bench/run: MediaBatch against rclone, gcloud storage, the Python client and the raw HTTP limit, side by side.

See bench/README.md for what is measured and how to read the results.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from types import FrameType
from typing import NoReturn

from . import chart, contenders, datasets, measure, report, scratch, servers
from .servers import BENCH_DIR, REPO_DIR, FirestoreEmulator, Nginx

ALL_DATASETS = ("small", "large", "mixed")
MEDIABATCH_DEFAULT_CONCURRENCY = 32
LATENCY_HIGH_CONCURRENCY = 128
# TLS mode: the data sets it runs on, and what it runs with (as in the plain rounds).
TLS_DATASETS = ("small", "large")
TLS_RCLONE_TRANSFERS = 32
TLS_CURL_PARALLEL = 64
# The sliced round (large data set): the transfers rclone is given, and the streams of its own sliced download
# (MediaBatch fetches up to 8 slices per object).
SLICED_RCLONE_TRANSFERS = 32
SLICED_RCLONE_STREAMS = 8
SLICED_CURL_PARALLEL = 64


def log(message: str) -> None:
    print("[bench {}] {}".format(time.strftime("%H:%M:%S"), message), file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller data sets and fewer settings: a few minutes, for everyday use"
    )
    parser.add_argument(
        "--datasets", default=",".join(ALL_DATASETS), help="comma-separated, of small,large,mixed (default: all)"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="repeats of every measurement (default 3; the median is reported)"
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=20.0,
        help="latency mode's delay per request, in ms (default 20; 0 skips latency mode)",
    )
    parser.add_argument(
        "--slice-rate-mib",
        type=float,
        default=16.0,
        help="the sliced round's cap on each connection, in MiB/s (nginx limit_rate; default 16; 0 skips the round): "
        "the large set from an nginx that also delays every request by --latency-ms",
    )
    parser.add_argument(
        "--mediabatch", help="use this mediabatch binary instead of building one (swift build -c release)"
    )
    parser.add_argument(
        "--data-dir",
        default=os.path.join(BENCH_DIR, ".data"),
        help="where generated data sets are cached (default bench/.data)",
    )
    parser.add_argument("--results", help="write the Markdown here (default bench/results/<date>-<host>[-quick].md)")
    parser.add_argument(
        "--demo-users",
        type=int,
        help="users of the demo-source memory check (default 100000, or 5000 with --quick; 0 skips it)",
    )
    parser.add_argument(
        "--tls",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="TLS mode: the small and large sets again over TLS, MediaBatch, curl and rclone each with HTTP/1.1 and "
        "HTTP/2 (default on; skipped without openssl)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work folder (configs, logs, outputs) and print where"
    )
    args = parser.parse_args(argv)
    args.datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    unknown = [d for d in args.datasets if d not in ALL_DATASETS]
    if unknown:
        parser.error("unknown data set(s): {} (choose from {})".format(", ".join(unknown), ", ".join(ALL_DATASETS)))
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.slice_rate_mib < 0:
        parser.error("--slice-rate-mib must not be negative (0 skips the sliced round)")
    if args.demo_users is None:
        args.demo_users = 5_000 if args.quick else 100_000
    return args


def build_mediabatch() -> str:
    log(f"building mediabatch (swift build -c release --product mediabatch) in {REPO_DIR}")
    started = time.monotonic()
    subprocess.run(
        ["swift", "build", "-c", "release", "--product", "mediabatch"], cwd=REPO_DIR, check=True, stdout=sys.stderr
    )
    bin_dir = subprocess.run(
        ["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO_DIR, check=True, capture_output=True, text=True
    ).stdout.strip()
    log(f"built in {time.monotonic() - started:.0f} s")
    return os.path.join(bin_dir, "mediabatch")


class Bench:
    def __init__(self, args: argparse.Namespace, work: str, mediabatch: str) -> None:
        self.args = args
        self.work = work
        self.mediabatch = mediabatch
        self.results = report.Results(
            quick=args.quick, runs=args.runs, latency_ms=args.latency_ms, slice_rate_mib=args.slice_rate_mib
        )
        # Where contenders write: set from the scratch disk before the first run.
        self.out = os.path.join(work, "out")

    # --- running ------------------------------------------------------------------------------------------------

    def interleaved(
        self, ctx: contenders.Context, section: str, contender_list: Sequence[contenders.Contender]
    ) -> None:
        """Measures the contenders in rounds: run 1 of each, then run 2 of each, and so on, so that a change in the
        machine's load during the measurement touches every contender alike. Each run starts in an empty folder.
        A run is followed, when its contender asks for it, by an unchanged rerun over its output (MediaBatch's full
        run and rclone's at 32 transfers, on the small set).
        A failed run is reported as such and left out of the figures; the contender's other runs still count."""
        out = self.out
        samples: dict[str, tuple[contenders.Contender, list[measure.Sample]]] = {}  # name -> (contender, [Sample])
        for i in range(self.args.runs):
            for contender in contender_list:
                measure.fresh_dir(out)
                log_path = os.path.join(self.work, "logs", f"{section}-{contender.name}.log")
                try:
                    done = [(contender, contender.run(ctx, out, log_path))]
                    if contender.rerun:
                        os.sync()
                        done.append((contender.rerun, contender.rerun.run(ctx, out, log_path)))
                except measure.RunFailed as error:
                    log(f"{section} / {contender.label}: run {i + 1}/{self.args.runs} FAILED: {error}")
                    self.results.failure(section, f"{contender.label} (run {i + 1})", str(error))
                    continue
                for each, sample in done:
                    samples.setdefault(each.name, (each, []))[1].append(sample)
                    log(
                        f"{section} / {each.label}: run {i + 1}/{self.args.runs}: {sample.wall:.2f} s, "
                        f"{sample.cpu:.2f} CPU s, {sample.max_rss / 2**20:.0f} MiB peak"
                    )
        shutil.rmtree(out, ignore_errors=True)
        for contender, runs in samples.values():
            self.results.add(section, contender, measure.Series(runs, attempted=self.args.runs))

    def warm_up(self, ctx: contenders.Context, section: str) -> None:
        """One untimed dry run: the Firestore emulator's JVM compiles its query paths on first use."""
        out = self.out
        measure.fresh_dir(out)
        try:
            contenders.MediaBatch("dry-run").run(ctx, out, os.path.join(self.work, "logs", section + "-warm-up.log"))
        except measure.RunFailed as error:
            log(f"{section} / warm-up dry run: FAILED: {error}")

    def dataset_round(self, dataset: datasets.DataSet, firestore: FirestoreEmulator) -> None:
        name = dataset.spec.name
        nginx = Nginx(dataset, self.work).start()
        try:
            ctx = contenders.Context(dataset, nginx.url, firestore.host, self.work, self.mediabatch)
            log(f"{name}: {dataset.files} files, {dataset.bytes / 1e6:.1f} MB, nginx on {nginx.url}")
            self.warm_up(ctx, name)
            lineup: list[contenders.Contender] = [
                contenders.MediaBatch("dry-run"),
                contenders.MediaBatch("full", with_rerun=(name == "small")),
            ]
            # --quick: rclone's two usual best settings, and gcloud (slow to start) on the small set only. On the
            # small set, rclone at 32 transfers is followed by its own unchanged rerun, as MediaBatch is.
            lineup += [
                contenders.Rclone(t, with_rerun=(name == "small" and t == MEDIABATCH_DEFAULT_CONCURRENCY))
                for t in ((8, 32) if self.args.quick else (8, 32, 64))
            ]
            if name == "small" or not self.args.quick:
                lineup.append(contenders.GcloudStorage())
            lineup += [
                contenders.PythonClient("sequential"),
                contenders.PythonClient("transfer-manager", workers=8),
                contenders.CurlParallel(64),
            ]
            if name == "large":
                lineup.append(contenders.CurlParallel(64, durable=True))
            self.interleaved(ctx, name, lineup)
            self.wrk(ctx, name, 8 if name == "large" else 64)
        finally:
            nginx.stop()

    def wrk(self, ctx: contenders.Context, section: str, connections: int) -> None:
        seconds = 1 if self.args.quick else 5
        figures: list[contenders.WrkFigures] = []
        for _ in range(self.args.runs):
            try:
                figures.append(
                    contenders.wrk(ctx, connections, seconds, os.path.join(self.work, "logs", section + "-wrk.log"))
                )
            except measure.RunFailed as error:
                log(f"{section} / wrk: FAILED: {error}")
                self.results.failure(section, f"wrk -c{connections}", str(error))
                return
        self.results.wrk[section] = (connections, seconds, figures)
        log(f"{section} / wrk -c{connections}: {sorted(f[0] for f in figures)[len(figures) // 2]:.0f} requests/s")

    def latency_round(self, dataset: datasets.DataSet, firestore: FirestoreEmulator) -> None:
        nginx = Nginx(dataset, self.work, latency_ms=self.args.latency_ms).start()
        section = "latency"
        try:
            log(f"latency mode: nginx holds every storage request {self.args.latency_ms} ms, on {nginx.url}")
            ctx = contenders.Context(dataset, nginx.url, firestore.host, self.work, self.mediabatch)
            self.warm_up(ctx, section)
            self.interleaved(
                ctx,
                section,
                [
                    contenders.MediaBatch("dry-run"),
                    contenders.MediaBatch("full"),
                    contenders.CurlParallel(MEDIABATCH_DEFAULT_CONCURRENCY),
                    contenders.Rclone(MEDIABATCH_DEFAULT_CONCURRENCY),
                    # Where the round trip, not the client, should decide: four times the requests in flight.
                    contenders.MediaBatch("full", concurrency=LATENCY_HIGH_CONCURRENCY),
                    contenders.CurlParallel(LATENCY_HIGH_CONCURRENCY),
                    contenders.Rclone(LATENCY_HIGH_CONCURRENCY),
                ],
            )
            self.wrk(ctx, section, MEDIABATCH_DEFAULT_CONCURRENCY)
        finally:
            nginx.stop()

    def sliced_round(self, dataset: datasets.DataSet, firestore: FirestoreEmulator) -> None:
        """The large set from an nginx that delays every storage request by --latency-ms and sends each answer at most
        --slice-rate-mib MiB/s: where each connection is slow, what fetching an object as parallel Range slices buys.
        MediaBatch sliced (its default) and with one stream per object, curl -Z --parallel-immediate (one stream per
        object, every one at once), and rclone with and without its own multi-thread (sliced) download."""
        section = report.SLICED
        rate, delay = self.args.slice_rate_mib, self.args.latency_ms
        nginx = Nginx(dataset, self.work, latency_ms=delay, rate_mib=rate).start()
        try:
            log(
                f"sliced round: nginx holds every storage request {delay:g} ms and sends each answer at most "
                f"{rate:g} MiB/s, on {nginx.url}"
            )
            ctx = contenders.Context(dataset, nginx.url, firestore.host, self.work, self.mediabatch)
            self.warm_up(ctx, section)
            self.interleaved(
                ctx,
                section,
                [
                    contenders.MediaBatch("full"),
                    contenders.MediaBatch("full", slice_threshold_mib=0),
                    contenders.CurlParallel(SLICED_CURL_PARALLEL, immediate=True),
                    contenders.Rclone(SLICED_RCLONE_TRANSFERS, multi_thread_streams=SLICED_RCLONE_STREAMS),
                    contenders.Rclone(SLICED_RCLONE_TRANSFERS, multi_thread_streams=0),
                ],
            )
        finally:
            nginx.stop()

    def tls_round(self, dataset: datasets.DataSet, firestore: FirestoreEmulator, certs: servers.Certificates) -> None:
        """The data set again from a TLS nginx (HTTP/1.1 and HTTP/2 by ALPN): MediaBatch, curl -Z and rclone, each
        told to use HTTP/1.1 and HTTP/2. nginx's log says which version and how many connections each run used."""
        section = report.TLS_PREFIX + dataset.spec.name
        try:
            nginx = Nginx(dataset, self.work, tls=certs).start()
        except RuntimeError as error:  # an nginx without TLS or HTTP/2, say: the other rounds stand
            log(f"{section}: {error}")
            self.results.failure(section, "nginx over TLS", str(error))
            return
        try:
            ctx = contenders.Context(
                dataset,
                nginx.url,
                firestore.host,
                self.work,
                self.mediabatch,
                ca_file=certs.ca,
                served_log=nginx.served_log,
            )
            # Does nginx speak both over TLS, with this CA? If not, the round would measure something else.
            try:
                got = {"1.1": contenders.negotiated(ctx, "1.1"), "2": contenders.negotiated(ctx, "2")}
            except measure.RunFailed as error:
                log(f"{section}: nginx does not answer over TLS: {error}")
                self.results.failure(section, "curl's check of nginx over TLS", str(error))
                return
            log(
                f"{section}: {dataset.files} files, nginx on {nginx.url}, answers HTTP/{got['1.1']} and HTTP/{got['2']}"
            )
            if got != {"1.1": "1.1", "2": "2"}:
                mismatch = f"curl asked for HTTP/1.1 and HTTP/2 and got HTTP/{got['1.1']} and HTTP/{got['2']}"
                self.results.failure(section, "curl's check of nginx over TLS", mismatch)
                return
            self.warm_up(ctx, section)
            versions: tuple[contenders.HttpVersion, ...] = ("1.1", "2")
            lineup: list[contenders.Contender] = [contenders.MediaBatch("full", http_version=v) for v in versions]
            lineup += [contenders.CurlParallel(TLS_CURL_PARALLEL, http_version=v) for v in versions]
            lineup += [contenders.Rclone(TLS_RCLONE_TRANSFERS, http_version=v) for v in versions]
            self.interleaved(ctx, section, lineup)
        finally:
            nginx.stop()

    def demo_memory(self) -> None:
        users = self.args.demo_users
        out = self.out
        measure.fresh_dir(out)
        command = [self.mediabatch, "run", "--source", "demo", "--demo-users", str(users), "--output", out, "--json"]
        log(f"demo source, {users:,} users: mediabatch run --source demo")
        try:
            sample, stdout = measure.run(
                command, env=contenders.clean_env(), cwd=self.work, log_path=os.path.join(self.work, "logs", "demo.log")
            )
            summary = json.loads(stdout)
            sample.files = summary["files"]["downloaded"]
            sample.bytes = summary["bytes"]
            if summary["status"] != "completed":
                raise measure.RunFailed("status {}".format(summary["status"]))
        except (measure.RunFailed, ValueError, KeyError) as error:
            log(f"demo: FAILED: {error}")
            self.results.demo = (users, None, str(error))
            return
        finally:
            shutil.rmtree(out, ignore_errors=True)
        log(f"demo: {sample.wall:.1f} s, {sample.files:,} files, {sample.max_rss / 2**20:.0f} MiB peak")
        self.results.demo = (users, sample, None)


def stop_on_sigterm(signum: int, _frame: FrameType | None) -> NoReturn:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop the servers


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    started = time.monotonic()
    mediabatch = os.path.abspath(args.mediabatch) if args.mediabatch else build_mediabatch()
    if not os.access(mediabatch, os.X_OK):
        raise SystemExit(f"bench/run: {mediabatch} is not an executable")

    specs = datasets.QUICK if args.quick else datasets.FULL
    wanted = [specs[name] for name in args.datasets]
    os.makedirs(args.data_dir, exist_ok=True)
    loaded = {spec.name: datasets.ensure(spec, args.data_dir, log) for spec in wanted}

    work = tempfile.mkdtemp(prefix="mediabatch-bench-")
    os.makedirs(os.path.join(work, "logs"))
    os.makedirs(os.path.join(work, "gcloud-config"))
    bench = Bench(args, work, mediabatch)
    firestore = FirestoreEmulator(work)
    disk = scratch.ScratchDisk(work)
    measuring = time.monotonic()
    try:
        certs = make_certificates(args, bench.results, work, [name for name in loaded if name in TLS_DATASETS])
        bench.out = os.path.join(disk.start(log), "out")
        bench.results.disk = disk.description
        log("starting the Firestore emulator")
        firestore.start()
        for dataset in loaded.values():
            t0 = time.monotonic()
            documents = firestore.seed(dataset)
            log(
                f"{dataset.spec.name}: seeded {documents:,} Firestore documents in {time.monotonic() - t0:.1f} s "
                f"(emulator {firestore.host})"
            )
        bench.results.versions = report.versions(mediabatch, firestore, work)
        for dataset in loaded.values():
            bench.dataset_round(dataset, firestore)
        if args.latency_ms > 0 and "small" in loaded:
            bench.latency_round(loaded["small"], firestore)
        if args.slice_rate_mib > 0 and "large" in loaded:
            bench.sliced_round(loaded["large"], firestore)
        if certs:
            for name in TLS_DATASETS:
                if name in loaded:
                    bench.tls_round(loaded[name], firestore, certs)
        if args.demo_users > 0:
            bench.demo_memory()
    finally:
        firestore.stop()
        disk.stop()
        if args.keep:
            log(f"kept the work folder {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    bench.results.datasets = loaded
    bench.results.elapsed = time.monotonic() - measuring
    path = os.path.abspath(
        args.results
        or os.path.join(
            BENCH_DIR,
            "results",
            "{}-{}{}.md".format(
                datetime.date.today().isoformat(), socket.gethostname(), "-quick" if args.quick else ""
            ),
        )
    )
    os.makedirs(os.path.dirname(path), exist_ok=True)
    png = os.path.splitext(path)[0] + ".png"
    text = write_results(bench.results, path, png)
    print(text)
    log(f"wrote {path} (measuring took {bench.results.elapsed:.0f} s, {time.monotonic() - started:.0f} s in all)")
    return 1 if bench.results.failures else 0


def make_certificates(
    args: argparse.Namespace, results: report.Results, work: str, tls_datasets: Sequence[str]
) -> servers.Certificates | None:
    """TLS mode's CA and server certificate, made with openssl into the work folder; None when TLS mode is off,
    has no data set to run on, or cannot run (said in the results)."""
    if not args.tls or not tls_datasets:
        return None
    if not servers.have_openssl():
        results.tls_skipped = "openssl was not found, so no certificate could be made"
        log(f"TLS mode skipped: {results.tls_skipped}")
        return None
    try:
        certs = servers.make_certificates(os.path.join(work, "tls"))
    except RuntimeError as error:
        results.tls_skipped = f"the certificates could not be made: {error}"
        log(f"TLS mode skipped: {results.tls_skipped}")
        return None
    log(f"TLS mode: a throwaway CA and a certificate for 127.0.0.1 in {os.path.dirname(certs.ca)}")
    return certs


def write_results(results: report.Results, path: str, png: str) -> str:
    """Writes the Markdown to `path`, then draws the chart into `png` beside it, which the Markdown links to. If the
    chart cannot be drawn, the Markdown is written again without the link (the figures are kept either way)."""
    text = report.markdown(results, chart=os.path.relpath(png, os.path.dirname(path)))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        chart.draw(results, png)
    except Exception as error:  # noqa: BLE001 - the results stand without their chart
        log(f"the chart could not be drawn: {type(error).__name__}: {error}")
        text = report.markdown(results)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return text
    log(f"drew the chart {png}")
    return text


if __name__ == "__main__":
    sys.exit(main())
