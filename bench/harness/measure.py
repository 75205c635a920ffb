"""Running a contender once: wall time, CPU time and peak RSS of its whole process tree, and a check of its output."""

import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Literal

# A figure a Sample holds once per run, of which a Series gives the median, low and high.
Figure = Literal["wall", "cpu", "max_rss", "files", "bytes"]


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and every descendant it waited for
    max_rss: int  # bytes, the largest resident set of any one process in the tree
    files: int = 0
    bytes: int = 0
    extra: dict[str, object] = field(default_factory=dict)


class RunFailed(Exception):
    pass


TIME = "/usr/bin/time"


def run(
    command: Sequence[str],
    env: Mapping[str, str] | None = None,
    stdin_path: str | None = None,
    cwd: str | None = None,
    timeout: float = 3600,
    log_path: str | None = None,
) -> tuple[Sample, str]:
    """Runs `command` and returns (Sample without output counts, stdout text). Raises RunFailed on a non-zero exit.

    The command runs under GNU time, which reports the CPU time and the peak RSS of its child (and of the child's
    waited-for descendants). Measuring from here with wait4 would not do for the RSS: a process's high-water mark
    starts at the RSS of the process it was forked from, and this harness is larger than some contenders.
    """
    fd, usage_path = tempfile.mkstemp(prefix="usage-", suffix=".txt")
    os.close(fd)
    # Both are closed in the finally block below.
    stdin: IO[bytes] | int = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL  # noqa: SIM115
    log: IO[bytes] | int = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        started = time.monotonic()
        process = subprocess.Popen(
            [TIME, "--format", "%U %S %M", "--output", usage_path, "--"] + list(command),
            env=env,
            cwd=cwd,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        assert process.stdout is not None  # stdout=PIPE
        out = process.stdout.read()
        process.wait()
        wall = time.monotonic() - started
        watchdog.cancel()
        with open(usage_path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    finally:
        os.unlink(usage_path)
        if not isinstance(stdin, int):
            stdin.close()
        if not isinstance(log, int):
            log.close()
    if wall >= timeout:
        raise RunFailed(f"{os.path.basename(command[0])} took longer than {timeout} s and was stopped")
    text = out.decode("utf-8", "replace")
    if process.returncode != 0:
        tail = ""
        if log_path and os.path.exists(log_path):
            with open(log_path, "rb") as f:
                f.seek(max(0, os.path.getsize(log_path) - 1500))
                tail = f.read().decode("utf-8", "replace")
        raise RunFailed(f"{os.path.basename(command[0])} exited with {process.returncode}\n{text[-1500:]}{tail}")
    # The last non-empty line holds the figures (a line before it may say how the command ended).
    user, system, max_rss_kib = [line for line in lines if line.strip()][-1].split()
    sample = Sample(wall=wall, cpu=float(user) + float(system), max_rss=int(max_rss_kib) * 1024)
    return sample, text


def count_files(root: str, skip_names: Collection[str] = ()) -> tuple[int, int]:
    """Files and bytes under root, skipping directories and files whose name is in skip_names."""
    files = total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip_names]
        for name in filenames:
            if name in skip_names:
                continue
            files += 1
            total += os.lstat(os.path.join(dirpath, name)).st_size
    return files, total


def fresh_dir(path: str) -> None:
    """Empties path (untimed) and flushes dirty pages, so one run's writeback does not land in the next run's time."""
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    os.sync()


@dataclass
class Series:
    """Repeated samples of one contender on one data set."""

    samples: list[Sample]
    attempted: int = 0  # runs tried, failed ones included

    def values(self, attr: Figure) -> list[float]:
        return [getattr(s, attr) for s in self.samples]

    def median(self, attr: Figure) -> float:
        return statistics.median(self.values(attr))

    def low(self, attr: Figure) -> float:
        return min(self.values(attr))

    def high(self, attr: Figure) -> float:
        return max(self.values(attr))

    @property
    def runs(self) -> int:
        return len(self.samples)

    def rates(self) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """(median, min, max) of files/s and of bytes/s across runs."""
        files_per_s = [s.files / s.wall for s in self.samples]
        bytes_per_s = [s.bytes / s.wall for s in self.samples]
        return (
            (statistics.median(files_per_s), min(files_per_s), max(files_per_s)),
            (statistics.median(bytes_per_s), min(bytes_per_s), max(bytes_per_s)),
        )
