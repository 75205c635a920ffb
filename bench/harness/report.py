"""The results: what was measured, the targets, and the Markdown table written to bench/results/."""

import datetime
import os
import platform
import re
import socket
import statistics
import subprocess
from collections.abc import Mapping
from typing import Literal

from . import contenders, datasets
from .measure import Sample, Series
from .servers import REPO_DIR, FirestoreEmulator, Served, gcloud_env, nginx_binary

MIB = 1 << 20
MB = 1e6
RSS_LIMIT = 80 * MIB

# wrk's figures for one section: (connections, seconds, [(requests/s, bytes/s, object size) per run]).
WrkEntry = tuple[int, int, list[contenders.WrkFigures]]
# The demo-source check: (users, its Sample or None, the error or None).
Demo = tuple[int, Sample | None, str | None]
# A row of the targets table: (target, measured, goal, verdict).
TargetRow = tuple[str, str, str, str]


# The share of C ÷ latency files/s a client should reach in latency mode.
LATENCY_GOAL = 0.85

# TLS mode's sections are "tls-<data set>".
TLS_PREFIX = "tls-"
# Within this share of each other, HTTP/2 and HTTP/1.1 are called even.
TLS_EVEN = 0.05

# The sliced round's section: the large set through rate-limited, delayed connections.
SLICED = "sliced"
# What MediaBatch's sliced downloads should reach there, over its own single stream per object (MB/s ÷ MB/s).
SLICED_GOAL = 1.5
# Slices MediaBatch fetches an object in at most.
MAX_SLICES = 8


class Results:
    def __init__(self, quick: bool, runs: int, latency_ms: float, slice_rate_mib: float = 0) -> None:
        self.quick = quick
        self.runs = runs
        # The delay of latency mode, and of the sliced round.
        self.latency_ms = latency_ms
        # The sliced round's cap on each connection, MiB/s (0: the round was not asked for).
        self.slice_rate_mib = slice_rate_mib
        self.sections: dict[str, dict[str, tuple[contenders.Contender, Series]]] = {}  # section -> {name: ...}
        self.failures: list[tuple[str, str, str]] = []  # (section, label, error)
        self.wrk: dict[str, WrkEntry] = {}  # data set -> (connections, seconds, [(requests/s, bytes/s, object size)])
        self.demo: Demo | None = None  # (users, Sample or None, error or None)
        self.versions: dict[str, str] = {}
        self.datasets: dict[str, datasets.DataSet] = {}
        self.elapsed = 0.0
        # What the contenders wrote to.
        self.disk = "a folder of the work directory"
        # Why TLS mode did not run, when it was asked for and could not (None: it ran, or was not asked for).
        self.tls_skipped: str | None = None

    def add(self, section: str, contender: contenders.Contender, series: Series) -> None:
        self.sections.setdefault(section, {})[contender.name] = (contender, series)

    def failure(self, section: str, label: str, error: str) -> None:
        self.failures.append((section, label, error))

    def get(self, section: str, name: str) -> Series | None:
        entry = self.sections.get(section, {}).get(name)
        return entry[1] if entry else None

    def rclone_rerun(self, section: str) -> tuple[contenders.Rclone, Series] | tuple[None, None]:
        """rclone's unchanged rerun in the section (the first, if there were several), or (None, None)."""
        for contender, series in self.sections.get(section, {}).values():
            if isinstance(contender, contenders.Rclone) and contender.is_rerun:
                return contender, series
        return None, None

    def best_rclone(self, section: str) -> tuple[contenders.Rclone, Series] | tuple[None, None]:
        found = [
            (series.median("wall"), contender, series)
            for contender, series in self.sections.get(section, {}).values()
            if isinstance(contender, contenders.Rclone) and not contender.is_rerun
        ]
        return min(found, key=lambda f: f[0])[1:] if found else (None, None)


# --- versions and machine ---------------------------------------------------------------------------------------


def _first_line(
    command: list[str], env: Mapping[str, str] | None = None, stream: Literal["stdout", "stderr"] = "stdout"
) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (done.stdout if stream == "stdout" else done.stderr) or done.stdout or done.stderr
    return text.strip().splitlines()[0] if text.strip() else "?"


def versions(mediabatch: str, firestore: FirestoreEmulator, work: str) -> dict[str, str]:
    source = os.path.dirname(os.path.realpath(mediabatch))
    commit = _first_line(["git", "-C", source, "describe", "--always", "--dirty"])
    if commit == "?" or not commit or commit.startswith("fatal"):
        # A binary outside the repository (copied elsewhere to be measured): the repository's commit, said as such.
        head = _first_line(["git", "-C", REPO_DIR, "describe", "--always", "--dirty"])
        commit = "unknown" if head == "?" or head.startswith("fatal") else f"unknown (the repository is at {head})"
    gcloud_version = _first_line(
        ["gcloud", "version", '--format=value("Google Cloud SDK")'], env=gcloud_env(os.path.join(work, "gcloud-config"))
    )
    try:
        from importlib.metadata import version

        python_storage = version("google-cloud-storage")
    except Exception:  # noqa: BLE001 - reported as unknown
        python_storage = "?"
    return {
        "MediaBatch": f"`{mediabatch}`, built from commit {commit}",
        "rclone": _first_line(["rclone", "version"]),
        "gcloud": f"Google Cloud SDK {gcloud_version}",
        "google-cloud-storage (Python)": f"{python_storage} on Python {platform.python_version()}",
        "curl": " ".join(_first_line(["curl", "--version"]).split()[:2]),
        "wrk": " ".join(_first_line(["wrk", "-v"]).split()[:2]),
        "nginx": _first_line([nginx_binary(), "-v"], stream="stderr"),
        "Firestore emulator": firestore.version(),
    }


def machine() -> list[tuple[str, str]]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            found = re.search(r"MemTotal:\s+(\d+)", f.read())
        if found:
            memory = f"{int(found.group(1)) / (1 << 20):.1f} GiB"
    except OSError:
        pass
    distro = "?"
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            found = re.search(r'PRETTY_NAME="([^"]*)"', f.read())
        if found:
            distro = found.group(1)
    except OSError:
        pass
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        ("host", socket.gethostname()),
        ("CPU", f"{os.cpu_count()} × {cpu}"),
        ("RAM", memory),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("OS", distro),
        ("load average at the end (1/5/15 min)", load),
    ]


# --- formatting ---------------------------------------------------------------------------------------------------


def spread(median: float, low: float, high: float, fmt: str) -> str:
    if low == high:
        return fmt.format(median)
    return f"{fmt.format(median)} ({fmt.format(low)}–{fmt.format(high)})"


def ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def row_cells(label: str, series: Series) -> list[str]:
    """The label, runs, wall s, files/s, MB/s, CPU s and peak RSS MiB of one contender's row."""
    (fps, fps_lo, fps_hi), (bps, bps_lo, bps_hi) = series.rates()
    return [
        label,
        str(series.runs) if series.runs >= series.attempted else f"{series.runs} of {series.attempted}",
        spread(series.median("wall"), series.low("wall"), series.high("wall"), "{:.2f}"),
        spread(fps, fps_lo, fps_hi, "{:,.0f}"),
        spread(bps / MB, bps_lo / MB, bps_hi / MB, "{:,.0f}"),
        spread(series.median("cpu"), series.low("cpu"), series.high("cpu"), "{:.2f}"),
        spread(series.median("max_rss") / MIB, series.low("max_rss") / MIB, series.high("max_rss") / MIB, "{:.0f}"),
    ]


def row_for(contender: contenders.Contender, label: str, series: Series, reference: Series | None) -> str:
    cells = row_cells(label, series)
    if reference is None or isinstance(contender, contenders.MediaBatch):
        cells += ["—", "—", "—"]
    else:
        cells += [
            ratio(series.median("wall") / reference.median("wall")),
            ratio(reference.median("cpu") / series.median("cpu")) if series.median("cpu") else "—",
            ratio(reference.median("max_rss") / series.median("max_rss")) if series.median("max_rss") else "—",
        ]
    return "| " + " | ".join(cells) + " |"


HEADER = (
    "| contender | runs | wall s | files/s | MB/s | CPU s | peak RSS MiB | MediaBatch faster × | MediaBatch CPU × "
    "| MediaBatch RSS × |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def section_table(results: Results, section: str) -> str:
    entries = results.sections.get(section, {})
    reference = results.get(section, "mediabatch")
    # An unchanged rerun is compared with MediaBatch's unchanged rerun, not with its first run.
    rerun_reference = results.get(section, "mediabatch-rerun")
    lines = [HEADER]
    for contender, series in entries.values():
        label = contender.label
        best = results.best_rclone(section)[0]
        if best is not None and contender is best and section not in ("latency", SLICED):
            label += " (rclone's best)"
        lines.append(row_for(contender, label, series, rerun_reference if contender.is_rerun else reference))
    dry = results.get(section, "mediabatch-dry-run")
    if reference is not None and dry is not None:
        wall = reference.median("wall") - dry.median("wall")
        cpu = reference.median("cpu") - dry.median("cpu")
        files = reference.samples[0].files
        total = reference.samples[0].bytes
        if wall > 0:
            lines.append(
                f"| MediaBatch download phase (full − dry run, medians) | — | {wall:.2f} | {files / wall:,.0f} "
                f"| {total / wall / MB:,.0f} | {cpu:.2f} | — | — | — | — |"
            )
    return "\n".join(lines)


def wrk_line(entry: WrkEntry) -> str:
    connections, seconds, figures = entry
    rps = [f[0] for f in figures]
    bps = [f[1] for f in figures]
    return "`wrk -t2 -c{} -d{}s` on one {} object: {} requests/s, {} MB/s ({} runs).".format(
        connections,
        seconds,
        datasets.human_bytes(figures[0][2]),
        spread(statistics.median(rps), min(rps), max(rps), "{:,.0f}"),
        spread(statistics.median(bps) / MB, min(bps) / MB, max(bps) / MB, "{:,.0f}"),
        len(figures),
    )


# --- TLS mode -------------------------------------------------------------------------------------------------------


def is_tls(section: str) -> bool:
    return section.startswith(TLS_PREFIX)


def served_of(series: Series) -> list[Served]:
    """What nginx logged for each run of the series (TLS mode), in run order."""
    found = [s.extra.get("served") for s in series.samples]
    return [served for served in found if isinstance(served, Served)]


def http_seen(series: Series) -> list[str]:
    """The HTTP versions nginx logged for the series' runs, such as ["HTTP/2.0"]; [] if it logged nothing."""
    return sorted({version for served in served_of(series) for version in served.requests})


def served_cells(series: Series) -> list[str]:
    """The HTTP version(s), connections per run (median and range), and TLS version and cipher nginx logged."""
    served = served_of(series)
    if not served:
        return ["—", "—", "—"]
    connections = [s.connections for s in served]
    return [
        ", ".join(http_seen(series)),
        spread(statistics.median(connections), min(connections), max(connections), "{:,.0f}"),
        ", ".join(sorted({tls for s in served for tls in s.tls})),
    ]


TLS_HEADER = (
    "| contender | HTTP (nginx's log) | connections per run | TLS | runs | wall s | files/s | MB/s | CPU s "
    "| peak RSS MiB | MediaBatch faster × (same HTTP) | HTTP/2 ÷ HTTP/1.1 speed (same client) |\n"
    "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def tls_table(results: Results, section: str) -> str:
    """TLS mode's table: every contender with the HTTP version, connections and cipher nginx saw, its figures,
    MediaBatch's speed against it at the same HTTP version, and, for HTTP/2, its speed over its own HTTP/1.1."""
    lines = [TLS_HEADER]
    for contender, series in results.sections.get(section, {}).values():
        cells = row_cells(contender.label, series)
        version = contender.http_version
        reference = results.get(section, f"mediabatch-http{version}") if version else None
        faster = "—"
        if reference is not None and not isinstance(contender, contenders.MediaBatch):
            faster = ratio(series.median("wall") / reference.median("wall"))
        over_h1 = "—"
        h1 = results.get(section, contender.name.removesuffix("http2") + "http1.1") if version == "2" else None
        if h1 is not None:
            over_h1 = ratio(h1.median("wall") / series.median("wall"))
        lines.append("| " + " | ".join(cells[:1] + served_cells(series) + cells[1:] + [faster, over_h1]) + " |")
    return "\n".join(lines)


def tls_verdict(value: float) -> str:
    """How HTTP/2 compares with HTTP/1.1, from HTTP/2's rate ÷ HTTP/1.1's."""
    if abs(value - 1) <= TLS_EVEN + 1e-9:  # 0.95 is within 5 %, though 1 - 0.95 > 0.05 in floating point
        return f"even (±{TLS_EVEN * 100:g} %)"
    return "HTTP/2 faster" if value > 1 else "HTTP/1.1 faster"


def tls_targets(results: Results) -> list[TargetRow]:
    """MediaBatch's HTTP/2 ÷ HTTP/1.1 over TLS, files/s on the small set and MB/s on the large one: reported, not
    judged, as they decide MediaBatch's default. A run whose HTTP version was not the one asked for is said so."""
    rows: list[TargetRow] = []
    for name, unit in (("small", "files/s"), ("large", "MB/s")):
        target = f"TLS, {name} files: MediaBatch HTTP/2 ÷ HTTP/1.1 {unit}"
        section = TLS_PREFIX + name
        h1, h2 = results.get(section, "mediabatch-http1.1"), results.get(section, "mediabatch-http2")
        if h1 is None or h2 is None:
            rows.append((target, "—", "report", "not measured"))
            continue
        index, scale = (0, 1.0) if unit == "files/s" else (1, MB)
        rate1, rate2 = h1.rates()[index][0] / scale, h2.rates()[index][0] / scale
        value = rate2 / rate1
        measured = f"{value:.2f}× ({rate2:,.0f} ÷ {rate1:,.0f} {unit})"
        for version, series, expected in (("2", h2, "HTTP/2.0"), ("1.1", h1, "HTTP/1.1")):
            seen = http_seen(series)
            if seen and seen != [expected]:
                measured += "; nginx saw {} for --http-version {}".format(" and ".join(seen), version)
        rows.append((target, measured, "report", tls_verdict(value)))
    return rows


# --- the sliced round ---------------------------------------------------------------------------------------------


def sliced_speedup(results: Results) -> tuple[float, float, float] | None:
    """The sliced round's MediaBatch (sliced, its default) ÷ MediaBatch with one stream per object
    (`--slice-threshold-mib 0`), median MB/s: (ratio, sliced MB/s, single-stream MB/s); None unless both ran."""
    sliced, single = results.get(SLICED, "mediabatch"), results.get(SLICED, "mediabatch-slice0")
    if sliced is None or single is None:
        return None
    sliced_mb, single_mb = sliced.rates()[1][0] / MB, single.rates()[1][0] / MB
    return sliced_mb / single_mb, sliced_mb, single_mb


def sliced_target(results: Results) -> TargetRow:
    target = "Sliced, rate-limited and delayed connections: MediaBatch sliced ÷ one stream per object, MB/s"
    goal = f"≥ {SLICED_GOAL:.2f}×"
    found = sliced_speedup(results)
    if found is None:
        return (target, "—", goal, "not measured")
    value, sliced_mb, single_mb = found
    return (
        target,
        f"{value:.2f}× ({sliced_mb:,.0f} ÷ {single_mb:,.0f} MB/s)",
        goal,
        "PASS" if value >= SLICED_GOAL else "SHORT",
    )


def sliced_conditions(results: Results) -> str:
    """What the sliced round's nginx did to each request, in short: "16 MiB/s per connection, 20 ms per request"."""
    delay = f"{results.latency_ms:g} ms per request" if results.latency_ms > 0 else "no delay"
    return f"{results.slice_rate_mib:g} MiB/s per connection, {delay}"


def sliced_text(results: Results) -> str:
    """The paragraph above the sliced round's table: the cap and delay, the contenders, and the ceilings the cap
    sets with every object in flight at once."""
    rate = results.slice_rate_mib
    held = (
        f"holds every storage request {results.latency_ms:g} ms before answering it (as in latency mode) and "
        if results.latency_ms > 0
        else "(with `--latency-ms 0`, no delay) "
    )
    text = (
        f"The large data set from an nginx that {held}sends every answer at most {rate:g} MiB/s (`limit_rate`; "
        "nginx paces each request, and so each connection, as the requests on one connection follow one another): "
        "every connection is slow, as over a long path to Cloud Storage, and only more connections go faster. "
        "MediaBatch runs with its default, which fetches an object of at least 64 MiB (`--slice-threshold-mib`) as "
        f"up to {MAX_SLICES} parallel `Range` slices into one file, and with `--slice-threshold-mib 0`, one stream per "
        "object; `curl -Z --parallel-immediate` fetches one stream per object, all at once (without "
        "`--parallel-immediate`, curl holds the others until the first transfer ends); rclone (`--transfers 32`) runs "
        f"with its own sliced download, `--multi-thread-streams {MAX_SLICES} --multi-thread-cutoff "
        f"{contenders.RCLONE_MULTI_THREAD_CUTOFF}` (rclone gives a file size ÷ cutoff streams, at most "
        f"{MAX_SLICES}: {MAX_SLICES} per object here, as MediaBatch), and without, `--multi-thread-streams 0`. "
        "*MediaBatch faster ×* compares with MediaBatch's default (sliced) run."
    )
    dataset = results.datasets.get("large")
    if dataset is not None and rate > 0:
        single = dataset.files * rate * MIB / MB
        text += (
            f" With all {dataset.files:,} objects in flight at once, one stream per object can reach at most "
            f"{dataset.files:,} × {rate:g} MiB/s = {single:,.0f} MB/s; {MAX_SLICES} slices per object "
            f"{MAX_SLICES} times that, {single * MAX_SLICES:,.0f} MB/s, if the machine keeps up."
        )
    return text


# --- targets --------------------------------------------------------------------------------------------------------


def targets(results: Results) -> list[TargetRow]:
    """(target, measured, goal, verdict) rows."""
    rows: list[TargetRow] = []

    def verdict(value: float | None, goal: float, higher_is_better: bool = True) -> str:
        if value is None:
            return "not measured"
        return "PASS" if (value >= goal if higher_is_better else value <= goal) else "SHORT"

    def speed_vs(section: str, other: Series | None) -> float | None:
        mb = results.get(section, "mediabatch")
        if mb is None or other is None:
            return None
        return other.median("wall") / mb.median("wall")

    best_contender, best_series = results.best_rclone("small")
    value = speed_vs("small", best_series)
    rows.append(
        (
            "Small files, local server: MediaBatch ÷ rclone's best ({})".format(
                best_contender.label if best_contender else "rclone"
            ),
            ratio(value),
            "≥ 1.50×",
            verdict(value, 1.5),
        )
    )
    value = speed_vs("small", results.get("small", "python-sequential"))
    rows.append(
        ("Small files: MediaBatch ÷ the sequential Python client", ratio(value), "≥ 10.00×", verdict(value, 10))
    )
    value = speed_vs("small", results.get("small", "curl-64"))
    rows.append(
        (
            "Small files: MediaBatch files/s ÷ `curl -Z` (64 parallel) files/s",
            "—" if value is None else f"{value:.0%}",
            "≥ 80 %",
            verdict(value, 0.8),
        )
    )
    value = speed_vs("large", results.get("large", "curl-64"))
    rows.append(
        (
            "Large files: MediaBatch MB/s ÷ `curl -Z` MB/s",
            "—" if value is None else f"{value:.0%}",
            "≥ 90 %",
            verdict(value, 0.9),
        )
    )
    # MediaBatch's figure includes making every byte durable before it is recorded; curl's does not.
    value = speed_vs("large", results.get("large", "curl-64-sync"))
    if value is not None:
        rows.append(
            (
                "Large files: MediaBatch MB/s ÷ `curl -Z`, then `sync -f` (as durable) MB/s",
                f"{value:.0%}",
                "≥ 90 %",
                verdict(value, 0.9),
            )
        )

    # The sliced round: what slicing buys where each connection is slow.
    rows.append(sliced_target(results))

    # Latency mode: files/s against what the round trip allows at that concurrency, C ÷ latency.
    for name, concurrency in (("mediabatch", 32), ("mediabatch-c128", 128)):
        latency = results.get("latency", name)
        label = "at the default concurrency 32" if concurrency == 32 else f"at --concurrency {concurrency}"
        goal = LATENCY_GOAL * concurrency / (results.latency_ms / 1000) if results.latency_ms else None
        if latency is not None and goal:
            fps = latency.rates()[0][0]
            rows.append(
                (
                    f"Latency mode ({results.latency_ms:g} ms): MediaBatch files/s {label}",
                    f"{fps:,.0f} files/s ({fps / (goal / LATENCY_GOAL):.0%} of {concurrency} ÷ latency)",
                    f"≥ {goal:,.0f} files/s",
                    verdict(fps, goal),
                )
            )
        else:
            rows.append(
                (
                    f"Latency mode: MediaBatch files/s {label}",
                    "—",
                    f"≥ {LATENCY_GOAL:g} × {concurrency} ÷ latency",
                    "not measured",
                )
            )

    for section in list(results.sections):
        peaks = [
            series.high("max_rss")
            for name, (_c, series) in results.sections[section].items()
            if name.startswith("mediabatch")
        ]
        if peaks:
            peak = max(peaks)
            rows.append(
                (
                    "Peak RSS, {} ({} MediaBatch runs, highest)".format(
                        section,
                        sum(s.runs for n, (_c, s) in results.sections[section].items() if n.startswith("mediabatch")),
                    ),
                    f"{peak / MIB:.1f} MiB",
                    "≤ 80 MiB",
                    verdict(peak, RSS_LIMIT, higher_is_better=False),
                )
            )
    if results.demo:
        users, sample, error = results.demo
        rows.append(
            (
                f"Peak RSS, demo source with {users:,} users",
                f"{sample.max_rss / MIB:.1f} MiB" if sample else "failed",
                "≤ 80 MiB",
                verdict(sample.max_rss if sample else None, RSS_LIMIT, higher_is_better=False),
            )
        )

    first, again = results.get("small", "mediabatch"), results.get("small", "mediabatch-rerun")
    if first and again:
        value = again.median("wall") / first.median("wall")
        measured = f"{value:.1%} ({again.median('wall'):.2f} s of {first.median('wall'):.2f} s)"
    else:
        value, measured = None, "—"
    rows.append(
        (
            "Unchanged rerun of the small set, time ÷ first run's",
            measured,
            "≤ 5 %",
            verdict(value, 0.05, higher_is_better=False),
        )
    )
    # A rerun that finds every file in place should cost little more than listing and reading metadata.
    dry = results.get("small", "mediabatch-dry-run")
    if again and dry:
        value = again.median("wall") / dry.median("wall")
        measured = f"{value:.2f}× ({again.median('wall'):.2f} s ÷ {dry.median('wall'):.2f} s)"
    else:
        value, measured = None, "—"
    rows.append(
        (
            "Unchanged rerun ÷ dry run (listing + metadata)",
            measured,
            "≤ 1.50×",
            verdict(value, 1.5, higher_is_better=False),
        )
    )
    rclone, rclone_again = results.rclone_rerun("small")
    if again and rclone_again:
        value = rclone_again.median("wall") / again.median("wall")
        measured = f"{value:.2f}× ({rclone_again.median('wall'):.2f} s ÷ {again.median('wall'):.2f} s)"
    else:
        value, measured = None, "—"
    rows.append(
        (
            "Unchanged rerun: MediaBatch ÷ rclone's unchanged rerun{}".format(
                f" ({rclone.label.split(',')[0]})" if rclone else ""
            ),
            measured,
            "≥ 1.00× (MediaBatch faster)",
            verdict(value, 1.0),
        )
    )
    rows += tls_targets(results)
    return rows


# --- the document ---------------------------------------------------------------------------------------------------


def markdown(results: Results, chart: str | None = None) -> str:
    """The results as Markdown; `chart` is the chart's path relative to the Markdown file, linked if given."""
    out: list[str] = []
    add = out.append
    now = datetime.datetime.now().astimezone()
    add("# MediaBatch benchmark, {} on {}".format(now.strftime("%Y-%m-%d %H:%M %Z"), socket.gethostname()))
    add("")
    add(
        "Written by `bench/run{}` (see [bench/README.md](../README.md)). Mode: **{}**; every measurement ran **{}** "
        "time{} and is given as the median (min–max). Measuring took {:.0f} s. Outputs were written to {}.".format(
            " --quick" if results.quick else "",
            "quick" if results.quick else "full",
            results.runs,
            "s" * (results.runs > 1),
            results.elapsed,
            results.disk,
        )
    )
    add("")
    add(
        "MB is 10^6 bytes, MiB 2^20. *MediaBatch faster ×* is the contender's median wall time ÷ MediaBatch's full run "
        "(above 1: MediaBatch is faster; for an unchanged rerun, ÷ MediaBatch's unchanged rerun); *MediaBatch CPU ×* "
        "and *RSS ×* are MediaBatch's figure ÷ the contender's (below 1: MediaBatch uses less). CPU s is user + system "
        "time of the contender's whole process tree; peak RSS the largest resident set of any one of its processes "
        "(both from GNU time)."
    )
    add("")
    add("## Targets")
    add("")
    add("| target | measured | goal | verdict |\n|---|---|---|---|")
    for row in targets(results):
        add("| " + " | ".join(row) + " |")
    add("")
    add(
        "MediaBatch's figures in the targets are its full runs: listing users and reading metadata documents from the "
        "Firestore emulator, then downloading, against contenders that are handed the object list."
    )
    add("")
    if chart:
        add("## Chart")
        add("")
        add(f"![Files/s and MB/s of every contender per data set, MediaBatch in blue]({chart})")
        add("")
    add("## Data sets")
    add("")
    add("| data set | what | files | bytes | project / bucket |\n|---|---|---:|---:|---|")
    for name, dataset in results.datasets.items():
        add(
            f"| {name} | {dataset.spec.describe()} | {dataset.files:,} "
            f"| {dataset.bytes:,} ({datasets.human_bytes(dataset.bytes)}) "
            f"| `{dataset.spec.project}` / `{dataset.spec.bucket}` |"
        )
    add("")
    for section in results.sections:
        if section in ("latency", SLICED) or is_tls(section):
            continue
        shown = results.datasets.get(section)
        add("## {} data set{}".format(section.capitalize(), ": " + shown.spec.describe() if shown else ""))
        add("")
        add("nginx on 127.0.0.1 serves the objects from the page cache; all contenders fetch the same objects.")
        add("")
        add(section_table(results, section))
        add("")
        if section in results.wrk:
            add("Server ceiling: " + wrk_line(results.wrk[section]))
            add("")
    if "latency" in results.sections:
        add(f"## Latency mode: {results.latency_ms:g} ms added to every storage request (small data set)")
        add("")
        add(
            f"nginx holds each storage request {results.latency_ms:g} ms before answering it (Debian's lua module, "
            "`ngx.sleep`, which does not block the worker); Firestore is not delayed. At concurrency C a client can "
            "reach at most C ÷ latency requests/s: "
            f"{32 / (results.latency_ms / 1000):,.0f}/s at 32. "
            "MediaBatch runs with its default concurrency (32) and with 128; curl and rclone are given the same."
        )
        add("")
        add(section_table(results, "latency"))
        add("")
        if "latency" in results.wrk:
            add("Ceiling of the delayed server: " + wrk_line(results.wrk["latency"]))
            add("")
    if SLICED in results.sections:
        add("## Sliced downloads (rate-limited, delayed)")
        add("")
        add(
            "**Cap: {:g} MiB/s per connection; delay: {}.**".format(
                results.slice_rate_mib,
                f"{results.latency_ms:g} ms per storage request" if results.latency_ms > 0 else "none",
            )
        )
        add("")
        add(sliced_text(results))
        add("")
        add(section_table(results, SLICED))
        add("")
        found = sliced_speedup(results)
        if found is not None:
            add(
                "MediaBatch sliced ÷ one stream per object: **{:.2f}×** ({:,.0f} ÷ {:,.0f} MB/s, medians; goal "
                "≥ {:.2f}×).".format(*found, SLICED_GOAL)
            )
            add("")
    tls_sections = [section for section in results.sections if is_tls(section)]
    if tls_sections or results.tls_skipped:
        add("## TLS (HTTP/1.1 and HTTP/2)")
        add("")
    if results.tls_skipped:
        add(f"Not measured: {results.tls_skipped}.")
        add("")
    if tls_sections:
        add(
            "The data sets again, from an nginx that listens with TLS and offers HTTP/2 and HTTP/1.1 by ALPN, as "
            "Cloud Storage does (HTTP/2 over TLS): its certificate, for 127.0.0.1, is signed by a throwaway CA made "
            "with openssl at the start of the run (ECDSA P-256; TLS 1.2 and 1.3; session cache). Each client is told "
            "which version to use: MediaBatch `--http-version 1.1` or `2` (trusting the CA through `SSL_CERT_FILE`), "
            "`curl -Z --http1.1` or `--http2` (`--cacert`), rclone with `--ca-cert`, which speaks HTTP/2 by default "
            "and HTTP/1.1 with `--disable-http2`. *HTTP*, *connections per run* and *TLS* are what nginx logged for "
            "each run: with HTTP/2, a client's requests share one connection. *MediaBatch faster ×* is the "
            "contender's wall time ÷ MediaBatch's at the same HTTP version; *HTTP/2 ÷ HTTP/1.1 speed* is the same "
            "client's HTTP/1.1 wall time ÷ its HTTP/2 wall time (above 1: HTTP/2 is faster). Over TLS nginx cannot "
            "use sendfile: it encrypts in user space, on the same cores as the client."
        )
        add("")
    for section in tls_sections:
        name = section.removeprefix(TLS_PREFIX)
        shown = results.datasets.get(name)
        add("### {} data set{}".format(name.capitalize(), ": " + shown.spec.describe() if shown else ""))
        add("")
        add(tls_table(results, section))
        add("")
    if results.demo:
        users, sample, error = results.demo
        add("## Demo source")
        add("")
        if sample:
            add(
                f"`mediabatch run --source demo --demo-users {users:,}`: {sample.files:,} files, "
                f"{sample.bytes / MB:.0f} MB in {sample.wall:.1f} s, {sample.cpu:.1f} CPU s, "
                f"peak RSS {sample.max_rss / MIB:.1f} MiB (one run)."
            )
        else:
            add(f"`mediabatch run --source demo --demo-users {users:,}` failed: {error}")
        add("")
    if results.failures:
        add("## Failed runs (left out of the figures above)")
        add("")
        for section, label, error in results.failures:
            add("- {} / {}: `…{}`".format(section, label, " ".join(error.split())[-500:].replace("`", "'")))
        add("")
    add("## Machine")
    add("")
    add("| | |\n|---|---|")
    for key, value in machine():
        add(f"| {key} | {value} |")
    add("")
    add("## Versions")
    add("")
    add("| tool | version |\n|---|---|")
    for key, value in results.versions.items():
        add("| {} | {} |".format(key, value.replace("|", "\\|")))
    add("")
    return "\n".join(out)
