"""Tests of harness/chart.py and of how bench/run writes the chart beside the Markdown (harness/main.py).

The chart is drawn from hand-built Results into pytest's temporary folder; no server or contender runs.
"""

import json
import struct
from pathlib import Path

import pytest

from harness import chart, contenders, datasets, main, report
from harness.measure import Sample, Series

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def series(*walls: float, files: int = 1000, size: int = 65_536_000) -> Series:
    samples = [Sample(wall=wall, cpu=1.0, max_rss=50 << 20, files=files, bytes=size) for wall in walls]
    return Series(samples, attempted=len(samples))


def synthetic() -> report.Results:
    """Results like a quick run's: the three data sets, the reruns, latency mode at 32 and 128, wrk."""
    r = report.Results(quick=True, runs=3, latency_ms=20)
    full, rclone = contenders.MediaBatch("full", with_rerun=True), contenders.Rclone(32, with_rerun=True)
    assert full.rerun is not None and rclone.rerun is not None
    r.add("small", contenders.MediaBatch("dry-run"), series(0.3, 0.2, 0.5))
    r.add("small", full, series(1.4, 1.3, 1.6))
    r.add("small", full.rerun, series(0.7, 0.6, 0.8))
    r.add("small", contenders.Rclone(8), series(0.8))
    r.add("small", rclone, series(0.75, 0.7, 0.8))
    r.add("small", rclone.rerun, series(0.3))
    r.add("small", contenders.GcloudStorage(), series(5.3))
    r.add("small", contenders.PythonClient("sequential"), series(2.6))
    r.add("small", contenders.PythonClient("transfer-manager"), series(2.0))
    r.add("small", contenders.CurlParallel(64), series(1.1))
    r.wrk["small"] = (64, 1, [(35_000.0, 2.3e9, 65536), (36_000.0, 2.4e9, 65536), (34_000.0, 2.2e9, 65536)])
    r.add("large", contenders.MediaBatch("full"), series(0.74, files=4, size=268_435_456))
    r.add("large", contenders.CurlParallel(64), series(0.32, files=4, size=268_435_456))
    r.wrk["large"] = (8, 1, [(47.0, 3.1e9, 64 << 20)])
    r.add("mixed", contenders.MediaBatch("full"), series(0.7, files=200, size=157_000_000))
    r.add("mixed", contenders.Rclone(8), series(0.35, files=200, size=157_000_000))
    r.add("latency", contenders.MediaBatch("dry-run"), series(0.2))
    r.add("latency", contenders.MediaBatch("full"), series(1.5))
    r.add("latency", contenders.CurlParallel(32), series(1.9))
    r.add("latency", contenders.Rclone(32), series(1.6))
    r.add("latency", contenders.MediaBatch("full", concurrency=128), series(1.25))
    r.add("latency", contenders.CurlParallel(128), series(1.4))
    r.add("latency", contenders.Rclone(128), series(1.0))
    return r


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_draw_writes_a_png_900_pixels_wide(tmp_path: Path) -> None:
    path = tmp_path / "2026-12-03-vm-quick.png"
    assert chart.draw(synthetic(), str(path)) == str(path)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    width, height = png_size(path)
    assert width == 900
    assert 600 < height < 2500


def test_draw_of_nothing_measured_still_writes_a_png(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    chart.draw(report.Results(quick=False, runs=1, latency_ms=0), str(path))
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_panels_one_per_data_set_then_the_reruns_then_latency_mode() -> None:
    shown = chart.panels(synthetic())
    assert [p.title.split(" — ")[0] for p in shown] == [
        "Small data set",
        "Large data set",
        "Mixed data set",
        "Small data set, unchanged rerun",
        "Latency mode, 20 ms per request",
    ]
    small, large, _mixed, rerun, latency = shown
    # Downloads only: the dry run and the reruns have their own panel.
    assert [b.label for b in small.bars] == [
        "MediaBatch",
        "rclone --transfers 8",
        "rclone --transfers 32",
        "gcloud storage cp",
        "Python client, sequential",
        "Python client ×8 procs",
        "curl -Z (64 parallel)",
    ]
    assert [b.mediabatch for b in small.bars] == [True] + [False] * 6
    assert small.bars[0].median == pytest.approx(1000 / 1.4)  # files/s on the small set
    assert small.note == "nginx alone (wrk -c64): 35,000 files/s"
    assert large.bars[0].median == pytest.approx(268_435_456 / 0.74 / 1e6)  # MB/s on the large set
    assert [b.label for b in rerun.bars] == ["MediaBatch --dry-run", "MediaBatch rerun", "rclone rerun --transfers 32"]


def test_latency_panel_is_a_share_of_c_over_latency_grouped_by_concurrency() -> None:
    latency = chart.panels(synthetic())[-1]
    assert latency.percent
    assert [b.label for b in latency.bars] == [
        "MediaBatch (C=32)",
        "curl -Z (32 parallel)",
        "rclone --transfers 32",
        "MediaBatch (C=128)",
        "curl -Z (128 parallel)",
        "rclone --transfers 128",
    ]
    assert [b.gap_before for b in latency.bars] == [False, False, False, True, False, False]
    # 1,000 files in 1.5 s against 32 ÷ 20 ms = 1,600/s; in 1.25 s against 6,400/s.
    assert latency.bars[0].median == pytest.approx(100 * (1000 / 1.5) / 1600)
    assert latency.bars[0].text == "667/s (42%)"
    assert latency.bars[3].text == "800/s (12%)"
    assert [(c.value, c.dashed) for c in latency.ceilings] == [(100, False), (85, True)]
    assert latency.note == "C = 32: 1,600/s · C = 128: 6,400/s"


def test_no_rerun_panel_without_a_rerun() -> None:
    r = report.Results(quick=True, runs=1, latency_ms=0)
    r.add("small", contenders.MediaBatch("dry-run"), series(0.3))
    r.add("small", contenders.MediaBatch("full"), series(1.0))
    r.add("latency", contenders.MediaBatch("full"), series(1.0))  # latency 0: no ceiling, no panel
    assert [p.title for p in chart.panels(r)] == ["Small data set — files/s"]


def test_write_results_writes_the_markdown_and_the_chart_it_links(tmp_path: Path) -> None:
    md, png = tmp_path / "2026-12-03-vm-quick.md", tmp_path / "2026-12-03-vm-quick.png"
    text = main.write_results(synthetic(), str(md), str(png))
    assert md.read_text(encoding="utf-8") == text
    assert "](2026-12-03-vm-quick.png)" in text
    assert png.read_bytes()[:8] == PNG_SIGNATURE


def test_write_results_without_a_chart_drops_the_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(results: report.Results, path: str) -> str:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(chart, "draw", fail)
    md, png = tmp_path / "r.md", tmp_path / "r.png"
    text = main.write_results(synthetic(), str(md), str(png))
    assert md.read_text(encoding="utf-8") == text
    assert "## Targets" in text and "## Chart" not in text
    assert not png.exists()


def with_tls(r: report.Results) -> report.Results:
    """TLS mode on both sets: MediaBatch, curl and rclone with HTTP/1.1, then HTTP/2."""
    for section, files, size in (("tls-small", 1000, 65_536_000), ("tls-large", 4, 268_435_456)):
        for contender, wall in (
            (contenders.MediaBatch("full", http_version="1.1"), 1.6),
            (contenders.MediaBatch("full", http_version="2"), 2.0),
            (contenders.CurlParallel(64, http_version="1.1"), 1.2),
            (contenders.CurlParallel(64, http_version="2"), 1.3),
            (contenders.Rclone(32, http_version="1.1"), 1.5),
            (contenders.Rclone(32, http_version="2"), 1.9),
        ):
            r.add(section, contender, series(wall, files=files, size=size))
    return r


def test_tls_panels_come_last_each_client_with_both_http_versions() -> None:
    shown = chart.panels(with_tls(synthetic()))
    assert [p.title for p in shown[-3:]] == [
        "Latency mode, 20 ms per request — files/s ÷ (C ÷ latency)",
        "TLS, small data set — files/s",
        "TLS, large data set — MB/s",
    ]
    small, large = shown[-2:]
    assert [b.label for b in small.bars] == [
        "MediaBatch, HTTP/1.1",
        "MediaBatch, HTTP/2",
        "curl -Z (64 parallel), HTTP/1.1",
        "curl -Z (64 parallel), HTTP/2",
        "rclone --transfers 32, HTTP/1.1",
        "rclone --transfers 32, HTTP/2",
    ]
    assert [b.gap_before for b in small.bars] == [False, False, True, False, True, False]
    assert [b.mediabatch for b in small.bars] == [True, True] + [False] * 4
    assert small.bars[1].median == pytest.approx(1000 / 2.0)  # files/s on the small set
    assert large.bars[0].median == pytest.approx(268_435_456 / 1.6 / 1e6)  # MB/s on the large set
    # The plain data set panels are unchanged by it.
    assert [p.title.split(" — ")[0] for p in shown[:3]] == ["Small data set", "Large data set", "Mixed data set"]


def test_draw_with_tls_mode_writes_a_png_900_pixels_wide(tmp_path: Path) -> None:
    path = tmp_path / "tls.png"
    chart.draw(with_tls(synthetic()), str(path))
    width, height = png_size(path)
    assert width == 900
    assert 900 < height < 3500


def test_the_durable_curl_is_labelled_apart_from_the_plain_one() -> None:
    assert chart.short_label(contenders.CurlParallel(64)) == "curl -Z (64 parallel)"
    assert chart.short_label(contenders.CurlParallel(64, durable=True)) == "curl -Z (64 parallel), then sync"


def with_sliced(r: report.Results) -> report.Results:
    """The sliced round at 16 MiB/s per connection and 20 ms: MediaBatch sliced and not, curl, rclone with and
    without its multi-thread download."""
    r.slice_rate_mib = 16
    size = 4 * 64 << 20
    for contender, wall in (
        (contenders.MediaBatch("full"), 0.8),
        (contenders.MediaBatch("full", slice_threshold_mib=0), 4.1),
        (contenders.CurlParallel(64, immediate=True), 4.0),
        (contenders.Rclone(32, multi_thread_streams=8), 1.2),
        (contenders.Rclone(32, multi_thread_streams=0), 4.2),
    ):
        r.add("sliced", contender, series(wall, files=4, size=size))
    return r


def test_sliced_panel_follows_latency_mode_in_megabytes_per_second() -> None:
    shown = chart.panels(with_sliced(synthetic()))
    assert [p.title.split(" — ")[0] for p in shown[-2:]] == [
        "Latency mode, 20 ms per request",
        "Sliced round, 16 MiB/s per connection, 20 ms",
    ]
    sliced = shown[-1]
    assert [b.label for b in sliced.bars] == [
        "MediaBatch, sliced (its default)",
        "MediaBatch, one stream per object",
        "curl -Z (64 parallel), all at once",
        "rclone --transfers 32, 8 streams per object",
        "rclone --transfers 32, one stream per object",
    ]
    assert [b.mediabatch for b in sliced.bars] == [True, True, False, False, False]
    assert sliced.bars[0].median == pytest.approx(4 * 64 * 2**20 / 0.8 / 1e6)
    assert sliced.note == ""  # no large data set in the results: its number of objects, so the ceilings, not known
    assert sliced.ceilings == []
    # The plain data set panels are unchanged by it.
    assert [p.title.split(" — ")[0] for p in shown[:3]] == ["Small data set", "Large data set", "Mixed data set"]


def test_sliced_panel_notes_the_ceilings_of_the_cap(tmp_path: Path) -> None:
    r = with_sliced(synthetic())
    spec = datasets.Spec("large", 2, 1, 1, 64 << 20, 64 << 20)
    root = tmp_path / spec.key
    root.mkdir()
    objects = [{"name": f"users/u{n}/images/{n}", "size": 64 << 20} for n in range(4)]
    (root / "dataset.json").write_text(json.dumps({"users": [], "objects": objects}), encoding="utf-8")
    r.datasets = {"large": datasets.DataSet(spec, str(root))}
    # 4 objects × 16 MiB/s = 67.1 MB/s; 8 slices each, 536.9 MB/s.
    assert chart.panels(r)[-1].note == "1 stream ≤ 67 MB/s, 8 slices ≤ 537"
    r.latency_ms = 0
    assert chart.panels(r)[-1].title == "Sliced round, 16 MiB/s per connection, no delay — MB/s"
    path = tmp_path / "sliced.png"
    chart.draw(r, str(path))
    assert png_size(path)[0] == 900
