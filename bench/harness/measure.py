"""Running a contender once: wall time, CPU time and peak RSS of its whole process tree, and a check of its output."""

import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and every descendant it waited for
    max_rss: int  # bytes, the largest resident set of any one process in the tree
    files: int = 0
    bytes: int = 0
    extra: dict = field(default_factory=dict)


class RunFailed(Exception):
    pass


TIME = "/usr/bin/time"


def run(command, env=None, stdin_path=None, cwd=None, timeout=3600, log_path=None):
    """Runs `command` and returns (Sample without output counts, stdout text). Raises RunFailed on a non-zero exit.

    The command runs under GNU time, which reports the CPU time and the peak RSS of its child (and of the child's
    waited-for descendants). Measuring from here with wait4 would not do for the RSS: a process's high-water mark
    starts at the RSS of the process it was forked from, and this harness is larger than some contenders.
    """
    fd, usage_path = tempfile.mkstemp(prefix="usage-", suffix=".txt")
    os.close(fd)
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    try:
        started = time.monotonic()
        process = subprocess.Popen([TIME, "--format", "%U %S %M", "--output", usage_path, "--"] + list(command),
                                   env=env, cwd=cwd, stdin=stdin, stdout=subprocess.PIPE, stderr=log)
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        out = process.stdout.read()
        process.wait()
        wall = time.monotonic() - started
        watchdog.cancel()
        with open(usage_path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    finally:
        os.unlink(usage_path)
        if stdin_path:
            stdin.close()
        if log_path:
            log.close()
    if wall >= timeout:
        raise RunFailed("{} took longer than {} s and was stopped".format(os.path.basename(command[0]), timeout))
    text = out.decode("utf-8", "replace")
    if process.returncode != 0:
        tail = ""
        if log_path and os.path.exists(log_path):
            with open(log_path, "rb") as f:
                f.seek(max(0, os.path.getsize(log_path) - 1500))
                tail = f.read().decode("utf-8", "replace")
        raise RunFailed("{} exited with {}\n{}{}".format(os.path.basename(command[0]), process.returncode, text[-1500:], tail))
    # The last non-empty line holds the figures (a line before it may say how the command ended).
    user, system, max_rss_kib = [line for line in lines if line.strip()][-1].split()
    sample = Sample(wall=wall, cpu=float(user) + float(system), max_rss=int(max_rss_kib) * 1024)
    return sample, text


def count_files(root, skip_names=()):
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


def fresh_dir(path):
    """Empties path (untimed) and flushes dirty pages, so one run's writeback does not land in the next run's time."""
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    os.sync()


@dataclass
class Series:
    """Repeated samples of one contender on one data set."""

    samples: list
    attempted: int = 0  # runs tried, failed ones included

    def median(self, attr):
        return statistics.median(getattr(s, attr) for s in self.samples)

    def low(self, attr):
        return min(getattr(s, attr) for s in self.samples)

    def high(self, attr):
        return max(getattr(s, attr) for s in self.samples)

    @property
    def runs(self):
        return len(self.samples)

    def rates(self):
        """(median, min, max) of files/s and of bytes/s across runs."""
        files_per_s = [s.files / s.wall for s in self.samples]
        bytes_per_s = [s.bytes / s.wall for s in self.samples]
        return ((statistics.median(files_per_s), min(files_per_s), max(files_per_s)),
                (statistics.median(bytes_per_s), min(bytes_per_s), max(bytes_per_s)))
