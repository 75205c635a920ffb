"""Tests of the sliced round's pieces outside the report: the nginx cap (harness/servers.py and nginx.conf.template),
how MediaBatch and rclone are told to slice or not (harness/contenders.py), and the option (harness/main.py).
Nothing here starts nginx or a contender."""

import json
import re
from pathlib import Path

import pytest

from harness import contenders, datasets, main, servers


def large_dataset(tmp_path: Path) -> datasets.DataSet:
    spec = datasets.Spec("large", 1, 1, 1, 64 << 20, 64 << 20)
    objects = [
        {
            "user": "user-00000",
            "kind": kind,
            "id": f"{kind}-0",
            "name": f"users/user-00000/{kind}/0",
            "original_name": "x",
            "content_type": "image/jpeg",
            "size": 64 << 20,
            "created_at": "2020-01-01T00:00:00Z",
        }
        for kind in ("images", "voices")
    ]
    root = tmp_path / spec.key
    root.mkdir(exist_ok=True)
    (root / "dataset.json").write_text(json.dumps({"users": [], "objects": objects}), encoding="utf-8")
    return datasets.DataSet(spec, str(root))


def context(tmp_path: Path) -> contenders.Context:
    return contenders.Context(large_dataset(tmp_path), "http://127.0.0.1:8000", "127.0.0.1:8080", str(tmp_path), "mb")


# --- nginx ----------------------------------------------------------------------------------------------------------


def test_rate_directive_is_nginxs_limit_rate_in_mib_or_bytes() -> None:
    assert servers.rate_directive(16) == "limit_rate 16m;"
    assert servers.rate_directive(16.0) == "limit_rate 16m;"
    assert servers.rate_directive(0.5) == "limit_rate 524288;"
    assert servers.rate_directive(0) == ""


def test_the_template_caps_every_storage_location_where_it_delays() -> None:
    template = (Path(servers.BENCH_DIR) / "nginx.conf.template").read_text(encoding="utf-8")
    locations = re.findall(r"\n        location [^{]+\{\n            @DELAY@\n            @RATE@\n", template)
    assert len(locations) == template.count("\n            @DELAY@\n") == template.count("@RATE@\n") == 3


def test_nginx_of_the_sliced_round_is_named_by_its_delay_and_cap(tmp_path: Path) -> None:
    dataset = large_dataset(tmp_path)
    sliced = servers.Nginx(dataset, str(tmp_path), latency_ms=20, rate_mib=16)
    assert sliced.work == str(tmp_path / "nginx-large-latency-20ms-rate-16mib")
    assert servers.Nginx(dataset, str(tmp_path), latency_ms=20).work == str(tmp_path / "nginx-large-latency-20ms")
    assert servers.Nginx(dataset, str(tmp_path)).rate_mib == 0


# --- contenders -----------------------------------------------------------------------------------------------------


def test_mediabatch_with_one_stream_per_object_is_told_slice_threshold_0(tmp_path: Path) -> None:
    single = contenders.MediaBatch("full", slice_threshold_mib=0)
    assert (single.name, single.label) == (
        "mediabatch-slice0",
        "MediaBatch --slice-threshold-mib 0 (one stream per object)",
    )
    command, _env, _stdin = single.command(context(tmp_path), "/out")
    assert command[-2:] == ["--slice-threshold-mib", "0"]
    # MediaBatch's default slices: nothing added, and it stays the round's reference.
    default = contenders.MediaBatch("full")
    assert "--slice-threshold-mib" not in default.command(context(tmp_path), "/out")[0]
    assert default.name == "mediabatch"


@pytest.mark.parametrize(
    ("streams", "name", "options"),
    [
        (8, "rclone-32-mt8", ["--multi-thread-streams", "8", "--multi-thread-cutoff", "8M"]),
        (0, "rclone-32-mt0", ["--multi-thread-streams", "0"]),
    ],
)
def test_rclone_is_told_its_multi_thread_streams(tmp_path: Path, streams: int, name: str, options: list[str]) -> None:
    rclone = contenders.Rclone(32, multi_thread_streams=streams)
    assert rclone.name == name
    command, _env, _stdin = rclone.command(context(tmp_path), "/out")
    assert command[-len(options) :] == options
    assert command.count("--multi-thread-cutoff") == (1 if streams > 1 else 0)
    assert "--multi-thread-streams" not in contenders.Rclone(32).command(context(tmp_path), "/out")[0]


def test_curl_of_the_sliced_round_opens_every_connection_at_once(tmp_path: Path) -> None:
    curl = contenders.CurlParallel(64, immediate=True)
    assert (curl.name, curl.label) == ("curl-64-immediate", "curl -Z --parallel-max 64 --parallel-immediate")
    command, _env, _stdin = curl.command(context(tmp_path), str(tmp_path / "o"))
    assert command[command.index("--parallel") : command.index("--parallel") + 4] == [
        "--parallel",
        "--parallel-immediate",
        "--parallel-max",
        "64",
    ]
    # The other rounds' curl is as it was.
    assert "--parallel-immediate" not in contenders.CurlParallel(64).command(context(tmp_path), str(tmp_path / "o"))[0]


# --- the option -----------------------------------------------------------------------------------------------------


def test_slice_rate_is_16_mib_by_default_and_0_skips_the_round() -> None:
    assert main.parse_args([]).slice_rate_mib == 16
    assert main.parse_args(["--slice-rate-mib", "0"]).slice_rate_mib == 0
    assert main.parse_args(["--slice-rate-mib", "4.5"]).slice_rate_mib == 4.5
    with pytest.raises(SystemExit):
        main.parse_args(["--slice-rate-mib", "-1"])
