"""Tests of harness/report.py: the figures, ratios, targets and Markdown it derives from hand-built measurements.

Nothing here starts a server or a contender: the Series are built from Samples with chosen figures, and the one data
set is a dataset.json written into pytest's temporary folder.
"""

import json
import platform
import sys
from pathlib import Path

import pytest

from harness import contenders, datasets, report
from harness.measure import Sample, Series
from harness.servers import FirestoreEmulator, Served

MIB = 1 << 20
MB = 1e6


# --- building inputs ------------------------------------------------------------------------------------------------


def sample(wall: float, cpu: float = 1.0, rss_mib: float = 10, files: int = 1000, size: int = 100_000_000) -> Sample:
    return Sample(wall=wall, cpu=cpu, max_rss=int(rss_mib * MIB), files=files, bytes=size)


def series(
    *walls: float, attempted: int | None = None, cpu: float = 1.0, rss_mib: float = 10, files: int = 1000
) -> Series:
    """A Series with one Sample per wall time, every other figure the same in each run."""
    samples = [sample(wall, cpu=cpu, rss_mib=rss_mib, files=files) for wall in walls]
    return Series(samples, attempted=len(samples) if attempted is None else attempted)


def cells(row: str) -> list[str]:
    """The cells of one Markdown table row."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return row[2:-2].split(" | ")


def small_dataset(tmp_path: Path) -> datasets.DataSet:
    spec = datasets.Spec("small", 2, 1, 1, 64 * 1024, 64 * 1024)
    objects = [
        {
            "user": f"user-0000{n}",
            "kind": kind,
            "id": f"{kind}-{n}",
            "name": f"users/user-0000{n}/{kind}/{n}",
            "original_name": "x",
            "content_type": "image/jpeg",
            "size": 64 * 1024,
            "created_at": "2020-01-01T00:00:00Z",
        }
        for n in range(2)
        for kind in ("images", "voices")
    ]
    root = tmp_path / spec.key
    root.mkdir()
    (root / "dataset.json").write_text(json.dumps({"users": [], "objects": objects}), encoding="utf-8")
    return datasets.DataSet(spec, str(root))


def results(latency_ms: float = 20, quick: bool = False, runs: int = 3) -> report.Results:
    return report.Results(quick=quick, runs=runs, latency_ms=latency_ms)


# --- formatting -----------------------------------------------------------------------------------------------------


def test_spread_gives_one_figure_when_every_run_agrees() -> None:
    assert report.spread(2.0, 2.0, 2.0, "{:.2f}") == "2.00"


def test_spread_gives_the_median_then_the_range() -> None:
    assert report.spread(2.0, 1.234, 3.5, "{:.2f}") == "2.00 (1.23–3.50)"
    assert report.spread(12345.6, 9999.4, 20000, "{:,.0f}") == "12,346 (9,999–20,000)"


def test_ratio_formats_two_decimals_or_a_dash() -> None:
    assert report.ratio(2) == "2.00×"
    assert report.ratio(0.456) == "0.46×"
    assert report.ratio(0.0) == "0.00×"
    assert report.ratio(None) == "—"


def test_wrk_line_gives_median_and_range_of_requests_and_megabytes() -> None:
    entry: report.WrkEntry = (64, 5, [(1000.0, 2e8, 65536), (4000.0, 6e8, 65536), (2000.0, 3e8, 65536)])
    assert report.wrk_line(entry) == (
        "`wrk -t2 -c64 -d5s` on one 64 KiB object: 2,000 (1,000–4,000) requests/s, 300 (200–600) MB/s (3 runs)."
    )


def test_wrk_line_of_one_run_has_no_range() -> None:
    entry: report.WrkEntry = (8, 1, [(12.4, 12.4 * 256 * MIB, 256 * MIB)])
    assert report.wrk_line(entry) == "`wrk -t2 -c8 -d1s` on one 256 MiB object: 12 requests/s, 3,329 MB/s (1 runs)."


# --- Results --------------------------------------------------------------------------------------------------------


def test_get_finds_a_series_by_section_and_contender_name() -> None:
    r = results()
    full = series(1.0)
    r.add("small", contenders.MediaBatch("full"), full)
    assert r.get("small", "mediabatch") is full
    assert r.get("small", "mediabatch-dry-run") is None
    assert r.get("large", "mediabatch") is None


def test_add_replaces_a_contender_of_the_same_name() -> None:
    r = results()
    r.add("small", contenders.Rclone(8), series(5.0))
    later = series(4.0)
    r.add("small", contenders.Rclone(8), later)
    assert list(r.sections["small"]) == ["rclone-8"]
    assert r.get("small", "rclone-8") is later


def test_failure_is_recorded_in_order() -> None:
    r = results()
    r.failure("small", "rclone copy --transfers 8 (run 1)", "exited with 1")
    r.failure("large", "wrk -c8", "timeout")
    assert r.failures == [
        ("small", "rclone copy --transfers 8 (run 1)", "exited with 1"),
        ("large", "wrk -c8", "timeout"),
    ]


def test_best_rclone_is_the_one_with_the_lowest_median_wall_time() -> None:
    r = results()
    fast, slow = contenders.Rclone(32), contenders.Rclone(8)
    r.add("small", contenders.MediaBatch("full"), series(0.1))  # faster, but not rclone
    r.add("small", slow, series(3.0, 1.0, 2.5))  # median 2.5, though its best run is the fastest
    r.add("small", fast, series(2.0, 2.0, 2.2))  # median 2.0
    r.add("small", contenders.CurlParallel(64), series(0.5))
    best, best_series = r.best_rclone("small")
    assert best is fast
    assert best_series is r.get("small", "rclone-32")


def test_best_rclone_leaves_out_rclones_unchanged_rerun() -> None:
    r = results()
    first = contenders.Rclone(32, with_rerun=True)
    assert first.rerun is not None
    r.add("small", contenders.Rclone(8), series(3.0))
    r.add("small", first, series(2.0))
    r.add("small", first.rerun, series(0.5))  # the fastest, but it downloads nothing
    assert r.best_rclone("small")[0] is first
    assert r.rclone_rerun("small") == (first.rerun, r.get("small", "rclone-32-rerun"))
    assert r.rclone_rerun("large") == (None, None)


def test_rclones_unchanged_rerun_is_a_contender_of_its_own() -> None:
    first = contenders.Rclone(32, with_rerun=True)
    assert first.rerun is not None
    assert (first.name, first.label, first.is_rerun) == ("rclone-32", "rclone copy --transfers 32", False)
    assert (first.rerun.name, first.rerun.label, first.rerun.is_rerun) == (
        "rclone-32-rerun",
        "rclone copy --transfers 32, unchanged rerun",
        True,
    )
    assert first.rerun.rerun is None
    assert contenders.Rclone(8).rerun is None
    assert contenders.MediaBatch("rerun").is_rerun and not contenders.MediaBatch("full").is_rerun


def test_best_rclone_without_rclone_is_none() -> None:
    r = results()
    r.add("small", contenders.MediaBatch("full"), series(1.0))
    assert r.best_rclone("small") == (None, None)
    assert r.best_rclone("missing") == (None, None)


# --- table rows -----------------------------------------------------------------------------------------------------


def test_header_and_rows_have_the_same_columns() -> None:
    header, rule = report.HEADER.split("\n")
    row = report.row_for(contenders.Rclone(8), "rclone", series(2.0), series(1.0))
    assert len(cells(header)) == len(cells(row)) == rule.count("|") - 1 == 10


def test_row_gives_median_and_range_of_each_figure() -> None:
    runs = Series(
        [sample(2.0, cpu=1.5, rss_mib=30), sample(1.0, cpu=1.0, rss_mib=20), sample(4.0, cpu=3.0, rss_mib=40)],
        attempted=3,
    )
    row = cells(report.row_for(contenders.MediaBatch("full"), "MediaBatch", runs, runs))
    assert row[0] == "MediaBatch"
    assert row[1] == "3"
    assert row[2] == "2.00 (1.00–4.00)"  # wall s
    assert row[3] == "500 (250–1,000)"  # files/s: 1,000 files in 2, 4 and 1 s
    assert row[4] == "50 (25–100)"  # MB/s: 10^8 bytes
    assert row[5] == "1.50 (1.00–3.00)"  # CPU s
    assert row[6] == "30 (20–40)"  # peak RSS MiB
    assert row[7:] == ["—", "—", "—"]  # MediaBatch is not compared with itself


def test_row_compares_a_contender_with_mediabatch() -> None:
    mediabatch = series(2.0, 1.0, 3.0, cpu=1.0, rss_mib=20)  # medians: 2 s, 1 CPU s, 20 MiB
    rclone = series(5.0, 4.0, 9.0, cpu=4.0, rss_mib=80)  # medians: 5 s, 4 CPU s, 80 MiB
    row = cells(report.row_for(contenders.Rclone(8), "rclone", rclone, mediabatch))
    assert row[7] == "2.50×"  # faster: the contender's wall time ÷ MediaBatch's
    assert row[8] == "0.25×"  # CPU: MediaBatch's ÷ the contender's
    assert row[9] == "0.25×"  # RSS: likewise


def test_row_without_mediabatch_has_no_ratios() -> None:
    row = cells(report.row_for(contenders.Rclone(8), "rclone", series(5.0), None))
    assert row[7:] == ["—", "—", "—"]


def test_row_of_a_contender_with_zero_cpu_or_rss_has_no_ratio_for_it() -> None:
    contender = series(4.0, cpu=0.0, rss_mib=0)
    row = cells(report.row_for(contenders.CurlParallel(64), "curl", contender, series(2.0)))
    assert row[5] == "0.00"
    assert row[6] == "0"
    assert row[7:] == ["2.00×", "—", "—"]


def test_row_counts_failed_runs() -> None:
    row = cells(report.row_for(contenders.Rclone(8), "rclone", series(2.0, 3.0, attempted=3), None))
    assert row[1] == "2 of 3"
    row = cells(report.row_for(contenders.Rclone(8), "rclone", series(2.0, 3.0, 4.0, attempted=3), None))
    assert row[1] == "3"


def test_rates_of_a_zero_wall_time_are_not_defined() -> None:
    # A measured run always takes some time; a zero would be a bug in the measurement, and the table refuses it.
    with pytest.raises(ZeroDivisionError):
        report.row_for(contenders.Rclone(8), "rclone", series(0.0), None)


# --- section tables -------------------------------------------------------------------------------------------------


def test_section_table_has_a_row_per_contender_in_order_and_marks_rclones_best() -> None:
    r = results()
    r.add("small", contenders.MediaBatch("full"), series(1.0))
    r.add("small", contenders.Rclone(8), series(3.0))
    r.add("small", contenders.Rclone(32), series(2.0))
    r.add("small", contenders.GcloudStorage(), series(9.0))
    lines = report.section_table(r, "small").split("\n")
    assert "\n".join(lines[:2]) == report.HEADER
    labels = [cells(line)[0] for line in lines[2:]]
    assert labels == [
        "MediaBatch",
        "rclone copy --transfers 8",
        "rclone copy --transfers 32 (rclone's best)",
        "gcloud storage cp -I",
    ]
    assert cells(lines[5])[7] == "9.00×"


def test_section_table_compares_an_unchanged_rerun_with_mediabatchs_rerun() -> None:
    r = results()
    full, rclone = contenders.MediaBatch("full", with_rerun=True), contenders.Rclone(32, with_rerun=True)
    assert full.rerun is not None and rclone.rerun is not None
    r.add("small", full, series(2.0))
    r.add("small", full.rerun, series(0.5))
    r.add("small", rclone, series(4.0))
    r.add("small", rclone.rerun, series(1.5))
    rows = {cells(line)[0]: cells(line) for line in report.section_table(r, "small").split("\n")[2:]}
    assert rows["rclone copy --transfers 32 (rclone's best)"][7] == "2.00×"  # 4 s ÷ MediaBatch's 2 s
    assert rows["rclone copy --transfers 32, unchanged rerun"][7] == "3.00×"  # 1.5 s ÷ MediaBatch's rerun, 0.5 s
    assert rows["MediaBatch unchanged rerun"][7:] == ["—", "—", "—"]


def test_section_table_of_latency_mode_does_not_mark_rclones_best() -> None:
    r = results()
    r.add("latency", contenders.MediaBatch("full"), series(1.0))
    r.add("latency", contenders.Rclone(32), series(2.0))
    assert "rclone's best" not in report.section_table(r, "latency")


def test_section_table_adds_the_download_phase_from_full_and_dry_run_medians() -> None:
    r = results()
    r.add("small", contenders.MediaBatch("dry-run"), series(0.5, 1.0, 1.5, cpu=0.5))
    r.add("small", contenders.MediaBatch("full"), series(3.0, 2.0, 4.0, cpu=2.0))
    last = report.section_table(r, "small").split("\n")[-1]
    # 3 s - 1 s = 2 s for 1,000 files and 10^8 bytes; 2 - 0.5 CPU s.
    assert cells(last) == [
        "MediaBatch download phase (full − dry run, medians)",
        "—",
        "2.00",
        "500",
        "50",
        "1.50",
        "—",
        "—",
        "—",
        "—",
    ]


@pytest.mark.parametrize("dry_wall", [2.0, 2.5])
def test_section_table_leaves_out_a_download_phase_of_zero_or_less(dry_wall: float) -> None:
    r = results()
    r.add("small", contenders.MediaBatch("dry-run"), series(dry_wall))
    r.add("small", contenders.MediaBatch("full"), series(2.0))
    table = report.section_table(r, "small")
    assert "download phase" not in table
    assert len(table.split("\n")) == 4


def test_section_table_without_a_full_run_has_no_download_phase_or_ratios() -> None:
    r = results()
    r.add("small", contenders.MediaBatch("dry-run"), series(1.0))
    r.add("small", contenders.Rclone(8), series(2.0))
    lines = report.section_table(r, "small").split("\n")
    assert len(lines) == 4
    assert cells(lines[3])[7:] == ["—", "—", "—"]


# --- targets --------------------------------------------------------------------------------------------------------


def by_target(rows: list[report.TargetRow]) -> dict[str, tuple[str, str, str]]:
    return {target: (measured, goal, verdict) for target, measured, goal, verdict in rows}


def test_targets_without_measurements_are_not_measured() -> None:
    rows = report.targets(results())
    assert [verdict for _target, _measured, _goal, verdict in rows] == ["not measured"] * 12
    assert [measured for _target, measured, _goal, _verdict in rows] == ["—"] * 12
    assert rows[0][0] == "Small files, local server: MediaBatch ÷ rclone's best (rclone)"


def test_speed_targets_compare_wall_times_with_mediabatchs_full_run() -> None:
    r = results()
    r.add("small", contenders.MediaBatch("dry-run"), series(0.1))
    r.add("small", contenders.MediaBatch("full"), series(2.0, 1.0, 3.0))  # median 2 s
    r.add("small", contenders.Rclone(8), series(4.0))
    r.add("small", contenders.Rclone(32), series(3.0))  # rclone's best: exactly the 1.5× goal
    r.add("small", contenders.PythonClient("sequential"), series(19.0))  # 9.5×: short of 10×
    r.add("small", contenders.CurlParallel(64), series(1.6))  # MediaBatch reaches 80 % of curl's files/s
    r.add("large", contenders.MediaBatch("full"), series(1.25))
    r.add("large", contenders.CurlParallel(64), series(1.0))  # 80 %: short of 90 %
    rows = by_target(report.targets(r))
    assert rows["Small files, local server: MediaBatch ÷ rclone's best (rclone copy --transfers 32)"] == (
        "1.50×",
        "≥ 1.50×",
        "PASS",
    )
    assert rows["Small files: MediaBatch ÷ the sequential Python client"] == ("9.50×", "≥ 10.00×", "SHORT")
    assert rows["Small files: MediaBatch files/s ÷ `curl -Z` (64 parallel) files/s"] == ("80%", "≥ 80 %", "PASS")
    assert rows["Large files: MediaBatch MB/s ÷ `curl -Z` MB/s"] == ("80%", "≥ 90 %", "SHORT")


def test_a_contender_whose_runs_all_failed_leaves_its_target_not_measured() -> None:
    r = results()
    r.add("small", contenders.MediaBatch("full"), series(1.0))
    r.failure("small", "Python client, sequential (the usual export script) (run 1)", "exited with 1")
    rows = by_target(report.targets(r))
    assert rows["Small files: MediaBatch ÷ the sequential Python client"] == ("—", "≥ 10.00×", "not measured")


SLICED_TARGET = "Sliced, rate-limited and delayed connections: MediaBatch sliced ÷ one stream per object, MB/s"


def sliced_results(sliced_wall: float, single_wall: float, runs: int = 1) -> report.Results:
    """The sliced round on a large set of 4 × 64 MiB: MediaBatch sliced and with one stream per object, and curl."""
    r = results(latency_ms=20)
    r.slice_rate_mib = 16
    size = 4 * 64 * MIB
    r.add("sliced", contenders.MediaBatch("full"), Series([sample(sliced_wall, files=4, size=size)] * runs, runs))
    r.add(
        "sliced",
        contenders.MediaBatch("full", slice_threshold_mib=0),
        Series([sample(single_wall, files=4, size=size)] * runs, runs),
    )
    r.add("sliced", contenders.CurlParallel(64, immediate=True), series(single_wall, files=4))
    return r


@pytest.mark.parametrize(
    ("sliced_wall", "single_wall", "measured", "verdict"),
    [
        (1.0, 4.0, "4.00× (268 ÷ 67 MB/s)", "PASS"),
        (2.0, 3.0, "1.50× (134 ÷ 89 MB/s)", "PASS"),  # exactly the goal
        (2.5, 3.0, "1.20× (107 ÷ 89 MB/s)", "SHORT"),
        (4.0, 2.0, "0.50× (67 ÷ 134 MB/s)", "SHORT"),
    ],
)
def test_sliced_target_is_mediabatchs_sliced_megabytes_per_second_over_its_single_streams(
    sliced_wall: float, single_wall: float, measured: str, verdict: str
) -> None:
    r = sliced_results(sliced_wall, single_wall)
    r.add("large", contenders.MediaBatch("full"), series(0.1, files=4))  # the plain round is not part of it
    assert by_target(report.targets(r))[SLICED_TARGET] == (measured, "≥ 1.50×", verdict)


def test_sliced_target_needs_both_mediabatch_runs_and_follows_the_large_file_rows() -> None:
    r = results()
    r.add("sliced", contenders.MediaBatch("full"), series(1.0))
    r.add("sliced", contenders.CurlParallel(64), series(4.0))  # curl is the yardstick, not the reference
    rows = report.targets(r)
    assert by_target(rows)[SLICED_TARGET] == ("—", "≥ 1.50×", "not measured")
    names = [row[0] for row in rows]
    assert names.index(SLICED_TARGET) == names.index("Large files: MediaBatch MB/s ÷ `curl -Z` MB/s") + 1
    # With the durable curl's row, after that one; the large-file rows are kept.
    r.add("large", contenders.MediaBatch("full"), series(1.0))
    r.add("large", contenders.CurlParallel(64, durable=True), series(1.0))
    names = [row[0] for row in report.targets(r)]
    durable = "Large files: MediaBatch MB/s ÷ `curl -Z`, then `sync -f` (as durable) MB/s"
    assert names.index(SLICED_TARGET) == names.index(durable) + 1
    assert names[names.index(SLICED_TARGET) + 1].startswith("Latency mode")


def test_sliced_speedup_is_a_ratio_of_median_rates() -> None:
    r = results()
    size = 4 * 64 * MIB
    r.add(
        "sliced",
        contenders.MediaBatch("full"),
        Series([sample(w, files=4, size=size) for w in (1.0, 2.0, 0.5)], 3),  # median rate at 1 s
    )
    r.add(
        "sliced",
        contenders.MediaBatch("full", slice_threshold_mib=0),
        Series([sample(w, files=4, size=size) for w in (4.0, 3.0, 5.0)], 3),  # median rate at 4 s
    )
    value, sliced_mb, single_mb = report.sliced_speedup(r) or (0.0, 0.0, 0.0)
    assert value == pytest.approx(4.0)
    assert sliced_mb == pytest.approx(size / 1e6)
    assert single_mb == pytest.approx(size / 4 / 1e6)
    assert report.sliced_speedup(results()) is None


def test_sliced_table_compares_with_mediabatchs_sliced_run_and_marks_no_best_rclone() -> None:
    r = sliced_results(1.0, 4.0)
    r.add("sliced", contenders.Rclone(32, multi_thread_streams=8), series(2.0, files=4))
    r.add("sliced", contenders.Rclone(32, multi_thread_streams=0), series(4.0, files=4))
    rows = {cells(line)[0]: cells(line) for line in report.section_table(r, "sliced").split("\n")[2:]}
    assert list(rows) == [
        "MediaBatch",
        "MediaBatch --slice-threshold-mib 0 (one stream per object)",
        "curl -Z --parallel-max 64 --parallel-immediate",
        "rclone copy --transfers 32 --multi-thread-streams 8 --multi-thread-cutoff 8M",
        "rclone copy --transfers 32 --multi-thread-streams 0 (one stream per object)",
    ]
    assert rows["curl -Z --parallel-max 64 --parallel-immediate"][7] == "4.00×"  # 4 s ÷ MediaBatch's sliced 1 s
    assert rows["rclone copy --transfers 32 --multi-thread-streams 8 --multi-thread-cutoff 8M"][7] == "2.00×"
    assert rows["MediaBatch --slice-threshold-mib 0 (one stream per object)"][7:] == ["—", "—", "—"]


def latency_rows(r: report.Results) -> list[tuple[str, str, str, str]]:
    return [row for row in report.targets(r) if row[0].startswith("Latency mode")]


def test_latency_target_is_files_per_second_against_the_concurrency_limit() -> None:
    r = results(latency_ms=20)  # 32 ÷ 20 ms = 1,600 files/s; the goal is 85 % of that
    r.add("latency", contenders.MediaBatch("full"), series(1.0, files=1250))
    row, _high = latency_rows(r)
    assert row == (
        "Latency mode (20 ms): MediaBatch files/s at the default concurrency 32",
        "1,250 files/s (78% of 32 ÷ latency)",
        "≥ 1,360 files/s",
        "SHORT",
    )
    r.add("latency", contenders.MediaBatch("full"), series(0.5, files=1000))
    row, _high = latency_rows(r)
    assert row[1:] == ("2,000 files/s (125% of 32 ÷ latency)", "≥ 1,360 files/s", "PASS")


def test_latency_target_at_128_is_its_own_row_against_128_over_the_latency() -> None:
    r = results(latency_ms=20)  # 128 ÷ 20 ms = 6,400 files/s; the goal is 85 % of that
    r.add("latency", contenders.MediaBatch("full", concurrency=128), series(0.25, files=1000))
    low, high = latency_rows(r)
    assert low[1:] == ("—", "≥ 0.85 × 32 ÷ latency", "not measured")
    assert high == (
        "Latency mode (20 ms): MediaBatch files/s at --concurrency 128",
        "4,000 files/s (62% of 128 ÷ latency)",
        "≥ 5,440 files/s",
        "SHORT",
    )


def test_mediabatch_at_another_concurrency_is_a_contender_of_its_own() -> None:
    contender = contenders.MediaBatch("full", concurrency=128)
    assert (contender.name, contender.label) == ("mediabatch-c128", "MediaBatch --concurrency 128")
    assert (contenders.MediaBatch("full").name, contenders.MediaBatch("dry-run").name) == (
        "mediabatch",
        "mediabatch-dry-run",
    )


def test_latency_target_without_latency_mode_is_not_measured() -> None:
    r = results(latency_ms=0)
    r.add("latency", contenders.MediaBatch("full"), series(0.5))
    row, high = latency_rows(r)
    assert row == (
        "Latency mode: MediaBatch files/s at the default concurrency 32",
        "—",
        "≥ 0.85 × 32 ÷ latency",
        "not measured",
    )
    assert high[1:] == ("—", "≥ 0.85 × 128 ÷ latency", "not measured")


def test_peak_rss_target_takes_the_highest_mediabatch_run_of_each_section() -> None:
    r = results()
    r.add("small", contenders.MediaBatch("full"), Series([sample(1.0, rss_mib=30), sample(1.0, rss_mib=80)], 2))
    r.add("small", contenders.MediaBatch("dry-run"), series(1.0, 1.0, rss_mib=20))
    r.add("small", contenders.Rclone(8), series(1.0, rss_mib=500))  # not MediaBatch: not counted
    r.add("large", contenders.MediaBatch("full"), series(1.0, rss_mib=80.5))
    r.add("mixed", contenders.Rclone(8), series(1.0))  # no MediaBatch run: no row
    rows = by_target(report.targets(r))
    assert rows["Peak RSS, small (4 MediaBatch runs, highest)"] == ("80.0 MiB", "≤ 80 MiB", "PASS")
    assert rows["Peak RSS, large (1 MediaBatch runs, highest)"] == ("80.5 MiB", "≤ 80 MiB", "SHORT")
    assert not [target for target in rows if target.startswith("Peak RSS, mixed")]


def test_demo_target_reports_its_peak_or_its_failure() -> None:
    r = results()
    r.demo = (5000, sample(10.0, rss_mib=51.64), None)
    assert by_target(report.targets(r))["Peak RSS, demo source with 5,000 users"] == ("51.6 MiB", "≤ 80 MiB", "PASS")
    r.demo = (100_000, None, "exited with 1")
    assert by_target(report.targets(r))["Peak RSS, demo source with 100,000 users"] == (
        "failed",
        "≤ 80 MiB",
        "not measured",
    )


@pytest.mark.parametrize(
    ("rerun_wall", "measured", "verdict"),
    [(0.1, "5.0% (0.10 s of 2.00 s)", "PASS"), (0.2, "10.0% (0.20 s of 2.00 s)", "SHORT")],
)
def test_rerun_target_is_the_reruns_time_over_the_first_runs(rerun_wall: float, measured: str, verdict: str) -> None:
    r = results()
    full = contenders.MediaBatch("full", with_rerun=True)
    assert full.rerun is not None
    r.add("small", full, series(2.0))
    r.add("small", full.rerun, series(rerun_wall))
    rows = by_target(report.targets(r))
    assert rows["Unchanged rerun of the small set, time ÷ first run's"] == (measured, "≤ 5 %", verdict)


@pytest.mark.parametrize(
    ("rerun_wall", "measured", "verdict"),
    [(0.6, "1.50× (0.60 s ÷ 0.40 s)", "PASS"), (0.8, "2.00× (0.80 s ÷ 0.40 s)", "SHORT")],
)
def test_rerun_target_against_the_dry_run_is_the_reruns_time_over_the_dry_runs(
    rerun_wall: float, measured: str, verdict: str
) -> None:
    r = results()
    full = contenders.MediaBatch("full", with_rerun=True)
    assert full.rerun is not None
    r.add("small", contenders.MediaBatch("dry-run"), series(0.3, 0.4, 0.9))  # median 0.4 s
    r.add("small", full, series(2.0))
    r.add("small", full.rerun, series(rerun_wall))
    rows = by_target(report.targets(r))
    assert rows["Unchanged rerun ÷ dry run (listing + metadata)"] == (measured, "≤ 1.50×", verdict)


def test_rerun_target_against_the_dry_run_needs_both() -> None:
    r = results()
    full = contenders.MediaBatch("full", with_rerun=True)
    assert full.rerun is not None
    r.add("small", full, series(2.0))
    r.add("small", full.rerun, series(0.5))  # no dry run
    rows = by_target(report.targets(r))
    assert rows["Unchanged rerun ÷ dry run (listing + metadata)"] == ("—", "≤ 1.50×", "not measured")


@pytest.mark.parametrize(
    ("rclone_wall", "measured", "verdict"),
    [(0.5, "1.00× (0.50 s ÷ 0.50 s)", "PASS"), (0.4, "0.80× (0.40 s ÷ 0.50 s)", "SHORT")],
)
def test_rerun_target_against_rclone_is_rclones_rerun_time_over_mediabatchs(
    rclone_wall: float, measured: str, verdict: str
) -> None:
    r = results()
    full, rclone = contenders.MediaBatch("full", with_rerun=True), contenders.Rclone(32, with_rerun=True)
    assert full.rerun is not None and rclone.rerun is not None
    r.add("small", full, series(2.0))
    r.add("small", full.rerun, series(0.5, 0.2, 0.6))  # median 0.5 s
    r.add("small", rclone, series(1.0))
    r.add("small", rclone.rerun, series(rclone_wall))
    rows = by_target(report.targets(r))
    assert rows["Unchanged rerun: MediaBatch ÷ rclone's unchanged rerun (rclone copy --transfers 32)"] == (
        measured,
        "≥ 1.00× (MediaBatch faster)",
        verdict,
    )
    # The first rerun target is still there, beside the two new ones, in this order (TLS mode's two rows follow).
    names = [row[0] for row in report.targets(r)]
    assert names[-5:-2] == [
        "Unchanged rerun of the small set, time ÷ first run's",
        "Unchanged rerun ÷ dry run (listing + metadata)",
        "Unchanged rerun: MediaBatch ÷ rclone's unchanged rerun (rclone copy --transfers 32)",
    ]


def test_rerun_target_against_rclone_without_rclones_rerun_is_not_measured() -> None:
    r = results()
    full = contenders.MediaBatch("full", with_rerun=True)
    assert full.rerun is not None
    r.add("small", full, series(2.0))
    r.add("small", full.rerun, series(0.5))
    r.add("small", contenders.Rclone(32), series(1.0))  # a first run, no rerun
    rows = by_target(report.targets(r))
    assert rows["Unchanged rerun: MediaBatch ÷ rclone's unchanged rerun"] == (
        "—",
        "≥ 1.00× (MediaBatch faster)",
        "not measured",
    )


# --- TLS mode -------------------------------------------------------------------------------------------------------

CIPHER = "TLSv1.3 TLS_AES_256_GCM_SHA384"


def tls_series(
    *walls: float,
    http: str = "HTTP/1.1",
    connections: tuple[int, ...] = (32,),
    files: int = 1000,
    size: int = 100_000_000,
) -> Series:
    """A Series as a TLS run gives it: each Sample carries what nginx logged (the same HTTP version and cipher every
    run; the connections of run i are connections[i], or the last one given)."""
    samples = []
    for i, wall in enumerate(walls):
        n = connections[min(i, len(connections) - 1)]
        served = Served(requests={http: files}, connections=n, tls={CIPHER: n})
        samples.append(Sample(wall=wall, cpu=1.0, max_rss=10 * MIB, files=files, bytes=size, extra={"served": served}))
    return Series(samples, attempted=len(samples))


def tls_rows(r: report.Results) -> dict[str, tuple[str, str, str]]:
    return {target: rest for target, rest in by_target(report.targets(r)).items() if target.startswith("TLS, ")}


SMALL_TLS = "TLS, small files: MediaBatch HTTP/2 ÷ HTTP/1.1 files/s"
LARGE_TLS = "TLS, large files: MediaBatch HTTP/2 ÷ HTTP/1.1 MB/s"


def test_tls_targets_without_tls_mode_are_the_last_two_rows_not_measured() -> None:
    rows = report.targets(results())
    assert rows[-2:] == [
        (SMALL_TLS, "—", "report", "not measured"),
        (LARGE_TLS, "—", "report", "not measured"),
    ]


@pytest.mark.parametrize(
    ("h2_wall", "measured", "verdict"),
    [
        (1.0, "2.00× (1,000 ÷ 500 files/s)", "HTTP/2 faster"),
        (4.0, "0.50× (250 ÷ 500 files/s)", "HTTP/1.1 faster"),
        (1.92, "1.04× (521 ÷ 500 files/s)", "even (±5 %)"),
        (2.1, "0.95× (476 ÷ 500 files/s)", "even (±5 %)"),
        (2.2, "0.91× (455 ÷ 500 files/s)", "HTTP/1.1 faster"),
    ],
)
def test_tls_target_small_is_mediabatchs_http2_files_per_second_over_its_http11s(
    h2_wall: float, measured: str, verdict: str
) -> None:
    r = results()
    r.add("tls-small", contenders.MediaBatch("full", http_version="1.1"), tls_series(2.0, 1.5, 2.5))  # median 2 s
    r.add("tls-small", contenders.MediaBatch("full", http_version="2"), tls_series(h2_wall, http="HTTP/2.0"))
    r.add("small", contenders.MediaBatch("full"), series(0.1))  # the plain round is not part of it
    assert tls_rows(r) == {SMALL_TLS: (measured, "report", verdict), LARGE_TLS: ("—", "report", "not measured")}


def test_tls_target_large_is_mediabatchs_http2_megabytes_per_second_over_its_http11s() -> None:
    r = results()
    size = 268_435_456
    r.add("tls-large", contenders.MediaBatch("full", http_version="1.1"), tls_series(1.0, files=4, size=size))
    r.add(
        "tls-large",
        contenders.MediaBatch("full", http_version="2"),
        tls_series(2.0, http="HTTP/2.0", files=4, size=size),
    )
    assert tls_rows(r)[LARGE_TLS] == ("0.50× (134 ÷ 268 MB/s)", "report", "HTTP/1.1 faster")


def test_tls_target_needs_both_http_versions() -> None:
    r = results()
    r.add("tls-small", contenders.MediaBatch("full", http_version="2"), tls_series(1.0, http="HTTP/2.0"))
    assert tls_rows(r)[SMALL_TLS] == ("—", "report", "not measured")


def test_tls_target_says_when_nginx_saw_another_http_version_than_asked() -> None:
    r = results()
    r.add("tls-small", contenders.MediaBatch("full", http_version="1.1"), tls_series(1.0))
    r.add("tls-small", contenders.MediaBatch("full", http_version="2"), tls_series(1.0))  # HTTP/1.1 in nginx's log
    assert tls_rows(r)[SMALL_TLS] == (
        "1.00× (1,000 ÷ 1,000 files/s); nginx saw HTTP/1.1 for --http-version 2",
        "report",
        "even (±5 %)",
    )


def test_tls_verdict_calls_within_five_percent_even() -> None:
    assert [report.tls_verdict(v) for v in (1.0, 1.05, 0.95, 1.051, 0.949)] == [
        "even (±5 %)",
        "even (±5 %)",
        "even (±5 %)",
        "HTTP/2 faster",
        "HTTP/1.1 faster",
    ]


def test_tls_contenders_are_named_by_http_version() -> None:
    assert [(c.name, c.label) for c in tls_lineup()] == [
        ("mediabatch-http1.1", "MediaBatch --http-version 1.1"),
        ("mediabatch-http2", "MediaBatch --http-version 2"),
        ("curl-64-http1.1", "curl -Z --parallel-max 64 --http1.1"),
        ("curl-64-http2", "curl -Z --parallel-max 64 --http2"),
        ("rclone-32-http1.1", "rclone copy --transfers 32 --disable-http2"),
        ("rclone-32-http2", "rclone copy --transfers 32 (HTTP/2, its default)"),
    ]


def tls_lineup() -> list[contenders.Contender]:
    return [
        contenders.MediaBatch("full", http_version="1.1"),
        contenders.MediaBatch("full", http_version="2"),
        contenders.CurlParallel(64, http_version="1.1"),
        contenders.CurlParallel(64, http_version="2"),
        contenders.Rclone(32, http_version="1.1"),
        contenders.Rclone(32, http_version="2"),
    ]


def tls_results(r: report.Results) -> report.Results:
    """TLS mode on the small set: each client with HTTP/2 twice as fast as with HTTP/1.1."""
    walls = [
        tls_series(2.0),
        tls_series(1.0, http="HTTP/2.0", connections=(1,)),
        tls_series(1.0, connections=(64,)),
        tls_series(0.5, http="HTTP/2.0", connections=(1,)),
        tls_series(4.0, 4.0, 4.0, connections=(36, 37, 40)),
        tls_series(2.0, http="HTTP/2.0", connections=(1,)),
    ]
    for contender, each in zip(tls_lineup(), walls, strict=True):
        r.add("tls-small", contender, each)
    return r


def test_tls_table_gives_what_nginx_saw_and_compares_at_the_same_http_version() -> None:
    lines = report.tls_table(tls_results(results()), "tls-small").split("\n")
    assert len(lines) == 2 + 6
    assert all(len(cells(line)) == len(cells(lines[0])) == 12 for line in lines[2:])
    assert cells(lines[0])[1:4] == ["HTTP (nginx's log)", "connections per run", "TLS"]
    rows = {cells(line)[0]: cells(line)[1:] for line in lines[2:]}
    # HTTP, connections, TLS, runs, wall s, files/s, MB/s, CPU s, RSS, MediaBatch faster ×, HTTP/2 ÷ HTTP/1.1.
    assert rows["MediaBatch --http-version 1.1"] == [
        "HTTP/1.1",
        "32",
        CIPHER,
        "1",
        "2.00",
        "500",
        "50",
        "1.00",
        "10",
    ] + [
        "—",
        "—",
    ]
    assert rows["MediaBatch --http-version 2"][:2] == ["HTTP/2.0", "1"]
    assert rows["MediaBatch --http-version 2"][-2:] == ["—", "2.00×"]
    assert rows["curl -Z --parallel-max 64 --http1.1"][-2:] == ["0.50×", "—"]  # 1 s ÷ MediaBatch's 2 s at HTTP/1.1
    assert rows["curl -Z --parallel-max 64 --http2"][-2:] == ["0.50×", "2.00×"]
    assert rows["rclone copy --transfers 32 --disable-http2"][:4] == ["HTTP/1.1", "37 (36–40)", CIPHER, "3"]
    assert rows["rclone copy --transfers 32 --disable-http2"][-2:] == ["2.00×", "—"]
    assert rows["rclone copy --transfers 32 (HTTP/2, its default)"][-2:] == ["2.00×", "2.00×"]


def test_tls_table_without_nginxs_log_has_dashes_for_it() -> None:
    r = results()
    r.add("tls-small", contenders.MediaBatch("full", http_version="1.1"), series(1.0))
    r.add("tls-small", contenders.CurlParallel(64, http_version="1.1"), series(2.0))
    _header, _rule, mediabatch, curl = report.tls_table(r, "tls-small").split("\n")
    assert cells(mediabatch)[1:4] == ["—", "—", "—"]
    assert cells(curl)[-2:] == ["2.00×", "—"]


def test_http_seen_gathers_every_version_of_every_run() -> None:
    mixed = Series(
        [
            Sample(wall=1, cpu=1, max_rss=1, extra={"served": Served({"HTTP/2.0": 3}, 1, {CIPHER: 1})}),
            Sample(wall=1, cpu=1, max_rss=1, extra={"served": Served({"HTTP/1.1": 2, "HTTP/2.0": 1}, 2, {})}),
            Sample(wall=1, cpu=1, max_rss=1),  # nothing logged
        ],
        attempted=3,
    )
    assert report.http_seen(mixed) == ["HTTP/1.1", "HTTP/2.0"]
    assert report.served_cells(mixed) == ["HTTP/1.1, HTTP/2.0", "2 (1–2)", CIPHER]


# --- rclone's stats -------------------------------------------------------------------------------------------------


def test_rclone_stats_are_the_last_stats_of_its_json_log() -> None:
    log = "\n".join(
        [
            "some text rclone printed",
            json.dumps({"level": "warning", "msg": "Transferred: ...", "stats": {"transfers": 5, "checks": 0}}),
            json.dumps({"level": "error", "msg": "an error without stats"}),
            json.dumps({"level": "warning", "msg": "Transferred: ...", "stats": {"transfers": 0, "checks": 1000}}),
            "[1, 2]",
        ]
    )
    assert contenders.rclone_stats(log) == {"transfers": 0, "checks": 1000}
    assert contenders.rclone_stats("no JSON at all\n{}") is None


# --- versions -------------------------------------------------------------------------------------------------------


def test_first_line_is_the_first_line_of_the_chosen_stream() -> None:
    script = "import sys; print('out 1\\nout 2'); print('err 1', file=sys.stderr)"
    assert report._first_line([sys.executable, "-c", script]) == "out 1"
    assert report._first_line([sys.executable, "-c", script], stream="stderr") == "err 1"
    # An empty stream falls back to the other one.
    assert report._first_line([sys.executable, "-c", "print('only out')"], stream="stderr") == "only out"


def test_first_line_of_a_missing_or_silent_command_is_a_question_mark(tmp_path: Path) -> None:
    assert report._first_line([str(tmp_path / "no-such-command")]) == "?"
    assert report._first_line([sys.executable, "-c", "print('  ')"]) == "?"


def test_versions_name_each_tool(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers = {
        "git": "?",
        "gcloud": "550.0.0",
        "rclone": "rclone v1.60.1-DEV",
        "curl": "curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1",
        "wrk": "wrk debian/4.1.0-3 [epoll] Copyright (C) 2012 Will Glozer",
        "nginx": "nginx version: nginx/1.22.1",
    }

    def first_line(command: list[str], env: object = None, stream: str = "stdout") -> str:
        return answers[Path(command[0]).name]

    monkeypatch.setattr(report, "_first_line", first_line)
    monkeypatch.setattr(report, "nginx_binary", lambda: "/usr/sbin/nginx")
    # The emulator's version is that of the Cloud SDK it comes with: <sdk>/VERSION, two folders up.
    firestore = FirestoreEmulator(str(tmp_path))
    emulator_dir = tmp_path / "sdk" / "platform" / "cloud-firestore-emulator"
    emulator_dir.mkdir(parents=True)
    (tmp_path / "sdk" / "VERSION").write_text("1.2.3\n", encoding="utf-8")
    firestore.emulator_dir = str(emulator_dir)
    found = report.versions("/repo/.build/release/mediabatch", firestore, str(tmp_path))
    assert found["MediaBatch"] == "`/repo/.build/release/mediabatch`, built from commit unknown"
    assert found["gcloud"] == "Google Cloud SDK 550.0.0"
    assert found["rclone"] == "rclone v1.60.1-DEV"
    assert found["curl"] == "curl 7.88.1"
    assert found["wrk"] == "wrk debian/4.1.0-3"
    assert found["nginx"] == "nginx version: nginx/1.22.1"
    assert found["Firestore emulator"] == "cloud-firestore-emulator (google-cloud-cli 1.2.3)"
    assert found["google-cloud-storage (Python)"].endswith(f" on Python {platform.python_version()}")


def test_machine_names_host_cpu_memory_kernel_os_and_load() -> None:
    rows = report.machine()
    assert [key for key, _value in rows] == [
        "host",
        "CPU",
        "RAM",
        "kernel",
        "OS",
        "load average at the end (1/5/15 min)",
    ]
    values = dict(rows)
    assert " × " in values["CPU"]
    assert values["load average at the end (1/5/15 min)"].count(" / ") == 2


# --- the document ---------------------------------------------------------------------------------------------------


def full_results(tmp_path: Path) -> report.Results:
    r = results(latency_ms=20, runs=3)
    r.datasets = {"small": small_dataset(tmp_path)}
    r.add("small", contenders.MediaBatch("dry-run"), series(0.5, 0.5, 0.5))
    r.add("small", contenders.MediaBatch("full"), series(1.0, 1.0, 1.0))
    r.add("small", contenders.Rclone(32), series(2.0, 2.0, 2.0))
    r.add("latency", contenders.MediaBatch("full"), series(1.0, 1.0, 1.0))
    r.add("latency", contenders.Rclone(32), series(3.0, 3.0, attempted=3))
    r.wrk = {"small": (64, 5, [(9000.0, 9000.0 * 65536, 65536)]), "latency": (32, 5, [(1500.0, 1e8, 65536)])}
    r.demo = (5000, Sample(wall=12.0, cpu=20.0, max_rss=50 * MIB, files=25_000, bytes=500_000_000), None)
    r.versions = {"MediaBatch": "`mediabatch`, built from commit abc", "nginx": "a | b"}
    r.elapsed = 107.6
    return r


def test_markdown_holds_every_part_in_order(tmp_path: Path) -> None:
    text = report.markdown(full_results(tmp_path))
    headings = [line for line in text.split("\n") if line.startswith("#")]
    assert headings[0].startswith("# MediaBatch benchmark, ")
    assert headings[1:] == [
        "## Targets",
        "## Data sets",
        "## Small data set: 2 users × (1 image of 64 KiB + 1 voice clip of 64 KiB)",
        "## Latency mode: 20 ms added to every storage request (small data set)",
        "## Demo source",
        "## Machine",
        "## Versions",
    ]
    assert (
        "Mode: **full**; every measurement ran **3** times and is given as the median (min–max). "
        "Measuring took 108 s." in text
    )
    assert "| small | 2 users × (1 image of 64 KiB + 1 voice clip of 64 KiB) | 4 | 262,144 (256 KiB) " in text
    assert "| `bench-small` / `bench-small.firebasestorage.app` |" in text
    assert "| rclone copy --transfers 32 (rclone's best) | 3 | 2.00 | 500 | 50 |" in text
    assert "| rclone copy --transfers 32 | 2 of 3 | 3.00 |" in text
    assert "Server ceiling: `wrk -t2 -c64 -d5s` on one 64 KiB object: 9,000 requests/s, 590 MB/s (1 runs)." in text
    assert "Ceiling of the delayed server: `wrk -t2 -c32 -d5s`" in text
    assert "requests/s: 1,600/s at 32." in text
    assert (
        "`mediabatch run --source demo --demo-users 5,000`: 25,000 files, 500 MB in 12.0 s, 20.0 CPU s, "
        "peak RSS 50.0 MiB (one run)." in text
    )
    assert "| nginx | a \\| b |" in text
    assert "Failed runs" not in text
    assert text.endswith("\n")


def test_markdown_gives_tls_mode_after_latency_mode_one_table_per_data_set(tmp_path: Path) -> None:
    r = tls_results(full_results(tmp_path))
    r.add("tls-large", contenders.MediaBatch("full", http_version="1.1"), tls_series(1.0, files=4))
    text = report.markdown(r)
    headings = [line for line in text.split("\n") if line.startswith("#")]
    assert headings[4:9] == [
        "## Latency mode: 20 ms added to every storage request (small data set)",
        "## TLS (HTTP/1.1 and HTTP/2)",
        "### Small data set: 2 users × (1 image of 64 KiB + 1 voice clip of 64 KiB)",
        "### Large data set",
        "## Demo source",
    ]
    assert "\n" + report.tls_table(r, "tls-small") + "\n" in text
    assert "rclone with `--ca-cert`, which speaks HTTP/2 by default and HTTP/1.1 with `--disable-http2`" in text
    assert "| TLS, small files: MediaBatch HTTP/2 ÷ HTTP/1.1 files/s | 2.00× (1,000 ÷ 500 files/s) | report " in text
    assert "| HTTP/2 faster |" in text


def test_markdown_gives_the_sliced_round_after_latency_mode_with_its_cap_and_delay(tmp_path: Path) -> None:
    r = full_results(tmp_path)
    r.slice_rate_mib = 16
    for contender, series_ in sliced_results(1.0, 4.0).sections["sliced"].values():
        r.add("sliced", contender, series_)
    r.add("tls-large", contenders.MediaBatch("full", http_version="1.1"), tls_series(1.0, files=4))
    text = report.markdown(r)
    headings = [line for line in text.split("\n") if line.startswith("#")]
    assert headings[4:8] == [
        "## Latency mode: 20 ms added to every storage request (small data set)",
        "## Sliced downloads (rate-limited, delayed)",
        "## TLS (HTTP/1.1 and HTTP/2)",
        "### Large data set",
    ]
    assert "\n**Cap: 16 MiB/s per connection; delay: 20 ms per storage request.**\n" in text
    assert "holds every storage request 20 ms before answering it" in text
    assert "sends every answer at most 16 MiB/s (`limit_rate`;" in text
    assert "\n" + report.section_table(r, "sliced") + "\n" in text
    assert "MediaBatch sliced ÷ one stream per object: **4.00×** (268 ÷ 67 MB/s, medians; goal ≥ 1.50×)." in text
    assert f"| {SLICED_TARGET} | 4.00× (268 ÷ 67 MB/s) | ≥ 1.50× | PASS |" in text
    assert "## Sliced data set" not in text


def test_sliced_text_gives_the_ceilings_of_the_cap_for_the_large_set(tmp_path: Path) -> None:
    r = sliced_results(1.0, 4.0)
    spec = datasets.Spec("large", 2, 1, 1, 64 * MIB, 64 * MIB)
    root = tmp_path / spec.key
    root.mkdir()
    objects = [
        {"user": f"u{n}", "kind": "images", "id": str(n), "name": f"users/u{n}/images/{n}", "size": 64 * MIB}
        for n in range(4)
    ]
    (root / "dataset.json").write_text(json.dumps({"users": [], "objects": objects}), encoding="utf-8")
    r.datasets = {"large": datasets.DataSet(spec, str(root))}
    text = report.sliced_text(r)
    # 4 objects × 16 MiB/s = 67.1 MB/s; eight slices each, 536.9 MB/s.
    assert "one stream per object can reach at most 4 × 16 MiB/s = 67 MB/s; 8 slices per object 8 times that, " in text
    assert "537 MB/s, if the machine keeps up." in text
    r.latency_ms = 0
    assert "(with `--latency-ms 0`, no delay) sends every answer" in report.sliced_text(r)
    assert report.sliced_conditions(r) == "16 MiB/s per connection, no delay"


def test_markdown_says_why_tls_mode_did_not_run() -> None:
    r = results()
    r.tls_skipped = "openssl was not found, so no certificate could be made"
    assert (
        "\n## TLS (HTTP/1.1 and HTTP/2)\n\nNot measured: openssl was not found, so no certificate could be made.\n"
        in report.markdown(r)
    )
    assert "## TLS" not in report.markdown(results())


def test_markdown_links_the_chart_after_the_targets(tmp_path: Path) -> None:
    r = full_results(tmp_path)
    text = report.markdown(r, chart="2026-12-03-vm.png")
    headings = [line for line in text.split("\n") if line.startswith("#")]
    assert headings[1:4] == ["## Targets", "## Chart", "## Data sets"]
    assert "\n![Files/s and MB/s of every contender per data set, MediaBatch in blue](2026-12-03-vm.png)\n" in text
    assert "## Chart" not in report.markdown(r)


def test_markdown_of_a_quick_single_run_says_so() -> None:
    r = results(quick=True, runs=1)
    text = report.markdown(r)
    assert "Written by `bench/run --quick`" in text
    assert "Mode: **quick**; every measurement ran **1** time and is given" in text
    assert "## Latency mode" not in text
    assert "## Demo source" not in text


def test_markdown_section_without_a_data_set_has_a_bare_heading() -> None:
    r = results()
    r.add("mixed", contenders.MediaBatch("full"), series(1.0))
    assert "\n## Mixed data set\n" in report.markdown(r)


def test_markdown_lists_failed_runs_and_a_failed_demo() -> None:
    r = results()
    r.add("small", contenders.MediaBatch("full"), series(1.0))
    r.failure("small", "rclone copy --transfers 8 (run 2)", "rclone exited with 1\n  `bad`\tthing  ")
    r.failure("large", "wrk -c8", "x" * 600 + "END")
    r.demo = (100_000, None, "status failed")
    text = report.markdown(r)
    assert "## Failed runs (left out of the figures above)" in text
    # Whitespace collapsed, backticks made quotes, only the last 500 characters kept.
    assert "- small / rclone copy --transfers 8 (run 2): `…rclone exited with 1 'bad' thing`" in text
    assert "- large / wrk -c8: `…" + "x" * 497 + "END`" in text
    assert "`mediabatch run --source demo --demo-users 100,000` failed: status failed" in text
