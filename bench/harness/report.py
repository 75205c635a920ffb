"""The results: what was measured, the targets, and the Markdown table written to bench/results/."""

import datetime
import os
import platform
import re
import socket
import statistics
import subprocess

from . import contenders, datasets
from .servers import gcloud_env, nginx_binary

MIB = 1 << 20
MB = 1e6
RSS_LIMIT = 80 * MIB


class Results:
    def __init__(self, quick, runs, latency_ms):
        self.quick = quick
        self.runs = runs
        self.latency_ms = latency_ms
        self.sections = {}  # section -> {contender name: (contender, Series)}
        self.failures = []  # (section, label, error)
        self.wrk = {}  # data set -> (connections, seconds, [(requests/s, bytes/s, object size)])
        self.demo = None  # (users, Sample or None, error or None)
        self.versions = {}
        self.datasets = {}
        self.elapsed = 0.0

    def add(self, section, contender, series):
        self.sections.setdefault(section, {})[contender.name] = (contender, series)

    def failure(self, section, label, error):
        self.failures.append((section, label, error))

    def get(self, section, name):
        entry = self.sections.get(section, {}).get(name)
        return entry[1] if entry else None

    def best_rclone(self, section):
        found = [(series.median("wall"), contender, series) for contender, series in self.sections.get(section, {}).values()
                 if isinstance(contender, contenders.Rclone)]
        return min(found, key=lambda f: f[0])[1:] if found else (None, None)


# --- versions and machine ---------------------------------------------------------------------------------------


def _first_line(command, env=None, stream="stdout"):
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (done.stdout if stream == "stdout" else done.stderr) or done.stdout or done.stderr
    return text.strip().splitlines()[0] if text.strip() else "?"


def versions(mediabatch, firestore, work):
    source = os.path.dirname(os.path.realpath(mediabatch))
    commit = _first_line(["git", "-C", source, "describe", "--always", "--dirty"])
    if commit == "?" or not commit:
        commit = "unknown"
    gcloud_version = _first_line(["gcloud", "version", "--format=value(\"Google Cloud SDK\")"],
                                 env=gcloud_env(os.path.join(work, "gcloud-config")))
    try:
        from importlib.metadata import version

        python_storage = version("google-cloud-storage")
    except Exception:  # noqa: BLE001 - reported as unknown
        python_storage = "?"
    return {
        "MediaBatch": "`{}`, built from commit {}".format(mediabatch, commit),
        "rclone": _first_line(["rclone", "version"]),
        "gcloud": "Google Cloud SDK {}".format(gcloud_version),
        "google-cloud-storage (Python)": "{} on Python {}".format(python_storage, platform.python_version()),
        "curl": " ".join(_first_line(["curl", "--version"]).split()[:2]),
        "wrk": " ".join(_first_line(["wrk", "-v"]).split()[:2]),
        "nginx": _first_line([nginx_binary(), "-v"], stream="stderr"),
        "Firestore emulator": firestore.version(),
    }


def machine():
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
            kib = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
            memory = "{:.1f} GiB".format(kib / (1 << 20))
    except (OSError, AttributeError):
        pass
    distro = "?"
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            distro = re.search(r'PRETTY_NAME="([^"]*)"', f.read()).group(1)
    except (OSError, AttributeError):
        pass
    load = " / ".join("{:.2f}".format(x) for x in os.getloadavg())
    return [
        ("host", socket.gethostname()),
        ("CPU", "{} × {}".format(os.cpu_count(), cpu)),
        ("RAM", memory),
        ("kernel", "{} {}".format(platform.system(), platform.release())),
        ("OS", distro),
        ("load average at the end (1/5/15 min)", load),
    ]


# --- formatting ---------------------------------------------------------------------------------------------------


def spread(median, low, high, fmt):
    if low == high:
        return fmt.format(median)
    return "{} ({}–{})".format(fmt.format(median), fmt.format(low), fmt.format(high))


def ratio(value):
    return "—" if value is None else "{:.2f}×".format(value)


def row_for(contender, label, series, reference):
    (fps, fps_lo, fps_hi), (bps, bps_lo, bps_hi) = series.rates()
    cells = [
        label,
        str(series.runs) if series.runs >= series.attempted else "{} of {}".format(series.runs, series.attempted),
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


HEADER = ("| contender | runs | wall s | files/s | MB/s | CPU s | peak RSS MiB | MediaBatch faster × | MediaBatch CPU × "
          "| MediaBatch RSS × |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def section_table(results, section):
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
            lines.append("| MediaBatch download phase (full − dry run, medians) | — | {:.2f} | {:,.0f} | {:,.0f} | {:.2f} | — | — | — | — |".format(
                wall, files / wall, total / wall / MB, cpu))
    return "\n".join(lines)


def wrk_line(entry):
    connections, seconds, figures = entry
    rps = [f[0] for f in figures]
    bps = [f[1] for f in figures]
    return "`wrk -t2 -c{} -d{}s` on one {} object: {} requests/s, {} MB/s ({} runs).".format(
        connections, seconds, datasets.human_bytes(figures[0][2]),
        spread(statistics.median(rps), min(rps), max(rps), "{:,.0f}"),
        spread(statistics.median(bps) / MB, min(bps) / MB, max(bps) / MB, "{:,.0f}"), len(figures))


# --- targets --------------------------------------------------------------------------------------------------------


def targets(results):
    """(target, measured, goal, verdict) rows."""
    rows = []

    def verdict(value, goal, higher_is_better=True):
        if value is None:
            return "not measured"
        return "PASS" if (value >= goal if higher_is_better else value <= goal) else "SHORT"

    def speed_vs(section, other):
        mb = results.get(section, "mediabatch")
        if mb is None or other is None:
            return None
        return other.median("wall") / mb.median("wall")

    best_contender, best_series = results.best_rclone("small")
    value = speed_vs("small", best_series)
    rows.append(("Small files, local server: MediaBatch ÷ rclone's best ({})".format(
        best_contender.label if best_contender else "rclone"), ratio(value), "≥ 1.50×", verdict(value, 1.5)))
    value = speed_vs("small", results.get("small", "python-sequential"))
    rows.append(("Small files: MediaBatch ÷ the sequential Python client", ratio(value), "≥ 10.00×", verdict(value, 10)))
    value = speed_vs("small", results.get("small", "curl-64"))
    rows.append(("Small files: MediaBatch files/s ÷ `curl -Z` (64 parallel) files/s",
                 "—" if value is None else "{:.0%}".format(value), "≥ 80 %", verdict(value, 0.8)))
    value = speed_vs("large", results.get("large", "curl-64"))
    rows.append(("Large files: MediaBatch MB/s ÷ `curl -Z` MB/s", "—" if value is None else "{:.0%}".format(value),
                 "≥ 90 %", verdict(value, 0.9)))

    latency = results.get("latency", "mediabatch")
    goal = 0.8 * 32 / (results.latency_ms / 1000) if results.latency_ms else None
    if latency is not None and goal:
        fps = latency.rates()[0][0]
        rows.append(("Latency mode ({:g} ms): MediaBatch files/s at the default concurrency 32".format(results.latency_ms),
                     "{:,.0f} files/s ({:.0%} of 32 ÷ latency)".format(fps, fps / (goal / 0.8)),
                     "≥ {:,.0f} files/s".format(goal), verdict(fps, goal)))
    else:
        rows.append(("Latency mode: MediaBatch files/s at the default concurrency 32", "—",
                     "≥ 0.8 × 32 ÷ latency", "not measured"))

    for section in list(results.sections):
        peaks = [series.high("max_rss") for name, (_c, series) in results.sections[section].items()
                 if name.startswith("mediabatch")]
        if peaks:
            peak = max(peaks)
            rows.append(("Peak RSS, {} ({} MediaBatch runs, highest)".format(section, sum(
                s.runs for n, (_c, s) in results.sections[section].items() if n.startswith("mediabatch"))),
                "{:.1f} MiB".format(peak / MIB), "≤ 80 MiB", verdict(peak, RSS_LIMIT, higher_is_better=False)))
    if results.demo:
        users, sample, error = results.demo
        rows.append(("Peak RSS, demo source with {:,} users".format(users),
                     "{:.1f} MiB".format(sample.max_rss / MIB) if sample else "failed",
                     "≤ 80 MiB", verdict(sample.max_rss if sample else None, RSS_LIMIT, higher_is_better=False)))

    first, again = results.get("small", "mediabatch"), results.get("small", "mediabatch-rerun")
    value = again.median("wall") / first.median("wall") if first and again else None
    rows.append(("Unchanged rerun of the small set, time ÷ first run's",
                 "—" if value is None else "{:.1%} ({:.2f} s of {:.2f} s)".format(value, again.median("wall"), first.median("wall")),
                 "≤ 5 %", verdict(value, 0.05, higher_is_better=False)))
    return rows


# --- the document ---------------------------------------------------------------------------------------------------


def markdown(results):
    out = []
    add = out.append
    now = datetime.datetime.now().astimezone()
    add("# MediaBatch benchmark, {} on {}".format(now.strftime("%Y-%m-%d %H:%M %Z"), socket.gethostname()))
    add("")
    add("Written by `bench/run{}` (see [bench/README.md](../README.md)). Mode: **{}**; every measurement ran **{}** time{} "
        "and is given as the median (min–max). Measuring took {:.0f} s.".format(
            " --quick" if results.quick else "", "quick" if results.quick else "full", results.runs,
            "s" * (results.runs > 1), results.elapsed))
    add("")
    add("MB is 10^6 bytes, MiB 2^20. *MediaBatch faster ×* is the contender's median wall time ÷ MediaBatch's full run "
        "(above 1: MediaBatch is faster); *MediaBatch CPU ×* and *RSS ×* are MediaBatch's figure ÷ the contender's "
        "(below 1: MediaBatch uses less). CPU s is user + system time of the contender's whole process tree; peak RSS "
        "the largest resident set of any one of its processes (both from GNU time).")
    add("")
    add("## Targets")
    add("")
    add("| target | measured | goal | verdict |\n|---|---|---|---|")
    for row in targets(results):
        add("| " + " | ".join(row) + " |")
    add("")
    add("MediaBatch's figures in the targets are its full runs: listing users and reading metadata documents from the "
        "Firestore emulator, then downloading, against contenders that are handed the object list.")
    add("")
    add("## Data sets")
    add("")
    add("| data set | what | files | bytes | project / bucket |\n|---|---|---:|---:|---|")
    for name, dataset in results.datasets.items():
        add("| {} | {} | {:,} | {:,} ({}) | `{}` / `{}` |".format(
            name, dataset.spec.describe(), dataset.files, dataset.bytes, datasets.human_bytes(dataset.bytes),
            dataset.spec.project, dataset.spec.bucket))
    add("")
    for section in results.sections:
        if section == "latency":
            continue
        dataset = results.datasets.get(section)
        add("## {} data set{}".format(section.capitalize(), ": " + dataset.spec.describe() if dataset else ""))
        add("")
        add("nginx on 127.0.0.1 serves the objects from the page cache; all contenders fetch the same objects.")
        add("")
        add(section_table(results, section))
        add("")
        if section in results.wrk:
            add("Server ceiling: " + wrk_line(results.wrk[section]))
            add("")
    if "latency" in results.sections:
        add("## Latency mode: {:g} ms added to every storage request (small data set)".format(results.latency_ms))
        add("")
        add("A proxy (`bench/latency_proxy.py`) holds each request {:g} ms before passing it to nginx; Firestore is "
            "not delayed. At concurrency C a client can reach at most C ÷ latency requests/s: {:,.0f}/s at 32. "
            "MediaBatch runs with its default concurrency (32); curl and rclone are given the same 32.".format(
                results.latency_ms, 32 / (results.latency_ms / 1000)))
        add("")
        add(section_table(results, "latency"))
        add("")
        if "latency" in results.wrk:
            add("Ceiling through the proxy: " + wrk_line(results.wrk["latency"]))
            add("")
    if results.demo:
        users, sample, error = results.demo
        add("## Demo source")
        add("")
        if sample:
            add("`mediabatch run --source demo --demo-users {:,}`: {:,} files, {:.0f} MB in {:.1f} s, {:.1f} CPU s, "
                "peak RSS {:.1f} MiB (one run).".format(users, sample.files, sample.bytes / MB, sample.wall, sample.cpu,
                                                       sample.max_rss / MIB))
        else:
            add("`mediabatch run --source demo --demo-users {:,}` failed: {}".format(users, error))
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
        add("| {} | {} |".format(key, value))
    add("")
    add("## Versions")
    add("")
    add("| tool | version |\n|---|---|")
    for key, value in results.versions.items():
        add("| {} | {} |".format(key, value.replace("|", "\\|")))
    add("")
    return "\n".join(out)
