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
from .servers import FirestoreEmulator, gcloud_env, nginx_binary

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


class Results:
    def __init__(self, quick: bool, runs: int, latency_ms: float) -> None:
        self.quick = quick
        self.runs = runs
        self.latency_ms = latency_ms
        self.sections: dict[str, dict[str, tuple[contenders.Contender, Series]]] = {}  # section -> {name: ...}
        self.failures: list[tuple[str, str, str]] = []  # (section, label, error)
        self.wrk: dict[str, WrkEntry] = {}  # data set -> (connections, seconds, [(requests/s, bytes/s, object size)])
        self.demo: Demo | None = None  # (users, Sample or None, error or None)
        self.versions: dict[str, str] = {}
        self.datasets: dict[str, datasets.DataSet] = {}
        self.elapsed = 0.0

    def add(self, section: str, contender: contenders.Contender, series: Series) -> None:
        self.sections.setdefault(section, {})[contender.name] = (contender, series)

    def failure(self, section: str, label: str, error: str) -> None:
        self.failures.append((section, label, error))

    def get(self, section: str, name: str) -> Series | None:
        entry = self.sections.get(section, {}).get(name)
        return entry[1] if entry else None

    def best_rclone(self, section: str) -> tuple[contenders.Rclone, Series] | tuple[None, None]:
        found = [
            (series.median("wall"), contender, series)
            for contender, series in self.sections.get(section, {}).values()
            if isinstance(contender, contenders.Rclone)
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
    if commit == "?" or not commit:
        commit = "unknown"
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


def row_for(contender: contenders.Contender, label: str, series: Series, reference: Series | None) -> str:
    (fps, fps_lo, fps_hi), (bps, bps_lo, bps_hi) = series.rates()
    cells = [
        label,
        str(series.runs) if series.runs >= series.attempted else f"{series.runs} of {series.attempted}",
        spread(series.median("wall"), series.low("wall"), series.high("wall"), "{:.2f}"),
        spread(fps, fps_lo, fps_hi, "{:,.0f}"),
        spread(bps / MB, bps_lo / MB, bps_hi / MB, "{:,.0f}"),
        spread(series.median("cpu"), series.low("cpu"), series.high("cpu"), "{:.2f}"),
        spread(series.median("max_rss") / MIB, series.low("max_rss") / MIB, series.high("max_rss") / MIB, "{:.0f}"),
    ]
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
    lines = [HEADER]
    for contender, series in entries.values():
        label = contender.label
        best = results.best_rclone(section)[0]
        if best is not None and contender is best and section != "latency":
            label += " (rclone's best)"
        lines.append(row_for(contender, label, series, reference))
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
    return rows


# --- the document ---------------------------------------------------------------------------------------------------


def markdown(results: Results) -> str:
    out: list[str] = []
    add = out.append
    now = datetime.datetime.now().astimezone()
    add("# MediaBatch benchmark, {} on {}".format(now.strftime("%Y-%m-%d %H:%M %Z"), socket.gethostname()))
    add("")
    add(
        "Written by `bench/run{}` (see [bench/README.md](../README.md)). Mode: **{}**; every measurement ran **{}** "
        "time{} and is given as the median (min–max). Measuring took {:.0f} s.".format(
            " --quick" if results.quick else "",
            "quick" if results.quick else "full",
            results.runs,
            "s" * (results.runs > 1),
            results.elapsed,
        )
    )
    add("")
    add(
        "MB is 10^6 bytes, MiB 2^20. *MediaBatch faster ×* is the contender's median wall time ÷ MediaBatch's full run "
        "(above 1: MediaBatch is faster); *MediaBatch CPU ×* and *RSS ×* are MediaBatch's figure ÷ the contender's "
        "(below 1: MediaBatch uses less). CPU s is user + system time of the contender's whole process tree; peak RSS "
        "the largest resident set of any one of its processes (both from GNU time)."
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
        if section == "latency":
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
