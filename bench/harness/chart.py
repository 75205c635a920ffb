"""The chart bench/run draws beside its Markdown results (`<same stem>.png`), from the same Results.

One panel of horizontal bars per data set (files/s on the small set, MB/s on the large and mixed ones), one for the
unchanged reruns of the small set, one for latency mode against its C ÷ latency ceilings, one for the sliced round
(MB/s through rate-limited, delayed connections), and one per data set of TLS mode (each client with HTTP/1.1 and with
HTTP/2). Each bar is a
contender's median over its runs, the whisker its min–max; MediaBatch's bars are coloured, the others grey. It is
drawn with matplotlib's Agg canvas (no display needed), 900 px wide.
"""

import datetime
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import contenders, report
from .measure import Series

WIDTH_IN = 9.0
DPI = 100  # 9 in × 100 dpi = 900 px
BAR_IN = 0.3  # height of one bar's row
PANEL_IN = 0.95  # a panel's title, axis and tick labels
MEDIABATCH_COLOR = "#1565c0"
OTHER_COLOR = "#b0b0b0"
CEILING_COLOR = "#424242"


@dataclass
class Bar:
    label: str
    median: float
    low: float
    high: float
    mediabatch: bool
    text: str = ""  # the figure written beside the bar; the median if empty
    gap_before: bool = False  # half a row of space above it: a new group starts


@dataclass
class Ceiling:
    """A vertical line across the panel: a limit the bars are read against."""

    value: float
    label: str
    dashed: bool = False


@dataclass
class Panel:
    title: str
    note: str = ""  # in small print at the right of the title
    bars: list[Bar] = field(default_factory=list)
    ceilings: list[Ceiling] = field(default_factory=list)
    percent: bool = False  # the axis is a share, 0–100 %


def short_label(contender: contenders.Contender) -> str:
    """A label that fits beside a bar (the tables give the full command), with the HTTP version in TLS mode."""
    label = client_label(contender)
    return label + (f", HTTP/{contender.http_version}" if contender.http_version else "")


def client_label(contender: contenders.Contender) -> str:
    if isinstance(contender, contenders.MediaBatch):
        label = {"full": "MediaBatch", "dry-run": "MediaBatch --dry-run", "rerun": "MediaBatch rerun"}[contender.mode]
        label += f" (C={contender.concurrency})" if contender.concurrency is not None else ""
        if contender.slice_threshold_mib == 0:
            label += ", one stream per object"
        elif contender.slice_threshold_mib is not None:
            label += f", slices from {contender.slice_threshold_mib} MiB"
        return label
    if isinstance(contender, contenders.Rclone):
        label = f"rclone{' rerun' if contender.is_rerun else ''} --transfers {contender.transfers}"
        streams = contender.multi_thread_streams
        if streams is not None:
            label += f", {streams} streams per object" if streams > 1 else ", one stream per object"
        return label
    if isinstance(contender, contenders.GcloudStorage):
        return "gcloud storage cp"
    if isinstance(contender, contenders.PythonClient):
        return "Python client" + (", sequential" if contender.mode == "sequential" else f" ×{contender.workers} procs")
    if isinstance(contender, contenders.CurlParallel):
        label = f"curl -Z ({contender.parallel} parallel)" + (", then sync" if contender.durable else "")
        return label + (", all at once" if contender.immediate else "")
    return contender.label


def concurrency(contender: contenders.Contender) -> int | None:
    """Requests a contender keeps in flight, where its command line says so."""
    if isinstance(contender, contenders.MediaBatch):
        return contender.concurrency or 32  # MediaBatch's default
    if isinstance(contender, contenders.Rclone):
        return contender.transfers
    if isinstance(contender, contenders.CurlParallel):
        return contender.parallel
    return None


def bar(
    contender: contenders.Contender, series: Series, per_second: Callable[[Series], tuple[float, float, float]]
) -> Bar:
    median, low, high = per_second(series)
    return Bar(short_label(contender), median, low, high, isinstance(contender, contenders.MediaBatch))


def files_per_s(series: Series) -> tuple[float, float, float]:
    return series.rates()[0]


def mb_per_s(series: Series) -> tuple[float, float, float]:
    median, low, high = series.rates()[1]
    return median / report.MB, low / report.MB, high / report.MB


def panels(results: report.Results) -> list[Panel]:
    out: list[Panel] = []
    for section, entries in results.sections.items():
        if section in ("latency", report.SLICED) or report.is_tls(section):
            continue
        by_files = section == "small"
        unit = "files/s" if by_files else "MB/s"
        shown = results.datasets.get(section)
        size = f": {shown.files:,} files, {shown.bytes / report.MB:,.0f} MB" if shown else ""
        panel = Panel(f"{section.capitalize()} data set{size} — {unit}")
        for contender, series in entries.values():
            if not contender.is_rerun and not is_dry_run(contender):
                panel.bars.append(bar(contender, series, files_per_s if by_files else mb_per_s))
        if section in results.wrk:
            # A line for it would squeeze every bar: on loopback nginx alone is many times faster than any client.
            connections, _seconds, figures = results.wrk[section]
            values = sorted(f[0] if by_files else f[1] / report.MB for f in figures)
            panel.note = f"nginx alone (wrk -c{connections}): {values[len(values) // 2]:,.0f} {unit}"
        if panel.bars:
            out.append(panel)

    # The small set's unchanged reruns, beside the dry run (what listing and metadata alone take).
    rerun = Panel("Small data set, unchanged rerun — files checked/s", note="dry run: files resolved/s")
    for contender, series in results.sections.get("small", {}).values():
        if contender.is_rerun or is_dry_run(contender):
            rerun.bars.append(bar(contender, series, files_per_s))
    if any(not b.label.startswith("MediaBatch --dry-run") for b in rerun.bars):
        out.append(rerun)

    # Latency mode: files/s as a share of C ÷ latency, the most that C requests in flight allow, grouped by C.
    ms = results.latency_ms
    groups: dict[int, list[tuple[contenders.Contender, Series]]] = {}
    for contender, series in results.sections.get("latency", {}).values():
        c = concurrency(contender)
        if c is not None and not is_dry_run(contender):
            groups.setdefault(c, []).append((contender, series))
    if groups and ms > 0:
        panel = Panel(
            f"Latency mode, {ms:g} ms per request — files/s ÷ (C ÷ latency)",
            note=" · ".join(f"C = {c}: {c / (ms / 1000):,.0f}/s" for c in sorted(groups)),
            percent=True,
        )
        for c, members in sorted(groups.items()):
            limit = c / (ms / 1000)
            for n, (contender, series) in enumerate(members):
                median, low, high = files_per_s(series)
                label = short_label(contender)
                if isinstance(contender, contenders.MediaBatch) and contender.concurrency is None:
                    label += f" (C={c})"
                panel.bars.append(
                    Bar(
                        label,
                        100 * median / limit,
                        100 * low / limit,
                        100 * high / limit,
                        isinstance(contender, contenders.MediaBatch),
                        text=f"{median:,.0f}/s ({median / limit:.0%})",
                        gap_before=n == 0 and bool(panel.bars),
                    )
                )
        panel.ceilings = [
            Ceiling(100, "C ÷ latency"),
            Ceiling(100 * report.LATENCY_GOAL, f"goal {report.LATENCY_GOAL:.0%}", dashed=True),
        ]
        out.append(panel)

    sliced = sliced_panel(results)
    if sliced is not None:
        out.append(sliced)

    # TLS mode: each client with HTTP/1.1, then with HTTP/2, a gap between clients.
    for section, entries in results.sections.items():
        if not report.is_tls(section):
            continue
        name = section.removeprefix(report.TLS_PREFIX)
        by_files = name == "small"
        panel = Panel(f"TLS, {name} data set — {'files/s' if by_files else 'MB/s'}", note="HTTP/1.1 and HTTP/2 by ALPN")
        previous = ""
        for contender, series in entries.values():
            panel.bars.append(bar(contender, series, files_per_s if by_files else mb_per_s))
            panel.bars[-1].gap_before = previous not in ("", client_label(contender))
            previous = client_label(contender)
        if panel.bars:
            out.append(panel)
    return out


def sliced_panel(results: report.Results) -> Panel | None:
    """The sliced round: MB/s of each contender through rate-limited, delayed connections. The note gives what one
    stream per object and eight slices per object allow when every object is in flight at once (files × cap, and 8
    times that); as lines they would cross the bars and their labels."""
    entries = results.sections.get(report.SLICED, {})
    if not entries:
        return None
    delay = f"{results.latency_ms:g} ms" if results.latency_ms > 0 else "no delay"
    panel = Panel(f"Sliced round, {results.slice_rate_mib:g} MiB/s per connection, {delay} — MB/s")
    for contender, series in entries.values():
        panel.bars.append(bar(contender, series, mb_per_s))
        if isinstance(contender, contenders.MediaBatch) and contender.slice_threshold_mib is None:
            panel.bars[-1].label += ", sliced (its default)"
    dataset = results.datasets.get("large")
    if dataset is not None and results.slice_rate_mib > 0:
        single = dataset.files * results.slice_rate_mib * report.MIB / report.MB
        panel.note = f"1 stream ≤ {single:,.0f} MB/s, {report.MAX_SLICES} slices ≤ {single * report.MAX_SLICES:,.0f}"
    return panel


def is_dry_run(contender: contenders.Contender) -> bool:
    return isinstance(contender, contenders.MediaBatch) and contender.mode == "dry-run"


def draw_panel(ax: Axes, panel: Panel) -> None:
    positions: list[float] = []
    y = 0.0
    for b in panel.bars:
        y += 0.5 if b.gap_before else 0
        positions.append(y)
        y += 1
    ax.barh(
        positions,
        [b.median for b in panel.bars],
        height=0.7,
        color=[MEDIABATCH_COLOR if b.mediabatch else OTHER_COLOR for b in panel.bars],
        xerr=[[b.median - b.low for b in panel.bars], [b.high - b.median for b in panel.bars]],
        error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"},
    )
    ax.set_yticks(positions, [b.label for b in panel.bars], fontsize=9)
    for tick, b in zip(ax.get_yticklabels(), panel.bars, strict=True):
        if b.mediabatch:
            tick.set_fontweight("bold")
    ax.set_ylim(positions[-1] + 0.6, -0.6)  # the first bar at the top
    top = max([b.high for b in panel.bars] + [c.value for c in panel.ceilings] + [1e-9])
    ax.set_xlim(0, top * 1.22)
    for position, b in zip(positions, panel.bars, strict=True):
        ax.text(
            b.high + top * 0.012,
            position,
            b.text or (f"{b.median:,.0f}" if b.median >= 10 else f"{b.median:,.1f}"),
            va="center",
            fontsize=8,
            fontweight="bold" if b.mediabatch else "normal",
        )
    for ceiling in panel.ceilings:
        ax.axvline(
            ceiling.value, color=CEILING_COLOR, linestyle="--" if ceiling.dashed else "-", linewidth=1.0, zorder=1
        )
        ax.text(
            ceiling.value,
            -0.6,
            ceiling.label + " ",
            ha="right",
            va="top",
            fontsize=7,
            color=CEILING_COLOR,
            rotation=90,
        )
    ax.set_title(panel.title, fontsize=10, loc="left")
    if panel.note:
        ax.set_title(panel.note, fontsize=8, loc="right", color="#555555")
    ax.tick_params(axis="x", labelsize=8)
    ax.xaxis.set_major_formatter("{x:,.0f} %" if panel.percent else "{x:,.0f}")
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def draw(results: report.Results, path: str) -> str:
    """Draws the chart of `results` into `path` (PNG) and returns the path."""
    shown = panels(results)
    rows = [len(p.bars) + 0.5 * sum(b.gap_before for b in p.bars) for p in shown] or [1.0]
    height = 0.7 + sum(BAR_IN * n + PANEL_IN for n in rows) + 0.5
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    now = datetime.datetime.now().astimezone()
    figure.suptitle(
        "MediaBatch benchmark{}, {} on {}".format(
            " (quick)" if results.quick else "", now.strftime("%Y-%m-%d"), socket.gethostname()
        ),
        fontsize=12,
        fontweight="bold",
    )
    if not shown:
        ax = figure.add_subplot()
        ax.axis("off")
        ax.text(0.5, 0.5, "nothing was measured", ha="center", va="center")
    else:
        axes = figure.subplots(len(shown), 1, squeeze=False, height_ratios=[BAR_IN * n + PANEL_IN for n in rows])
        for ax, panel in zip(axes[:, 0], shown, strict=True):
            draw_panel(ax, panel)
    figure.supxlabel(
        f"Higher is better. Median of {results.runs} run{'s' * (results.runs > 1)}, whiskers min–max.\n"
        "MediaBatch (blue) lists users and reads metadata from Firestore; the others are handed the object names.",
        fontsize=8,
        color="#555555",
    )
    figure.savefig(path, format="png")
    return path
