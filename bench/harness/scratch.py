"""The disk the contenders write to.

Run as root, the bench makes a fresh ext4 file system (with its journal, as the disks people export to have) in a
sparse file on a loop device, and every contender writes there; it is unmounted and deleted at the end. Without root
(or without a loop device), outputs go to the work folder, on whatever file system holds it.

Why: on an ext4 without a journal (some VM images), creating files right after deleting as many costs the kernel a
search for inodes that were not recently deleted, and each run starts by deleting the previous run's tree. That
cost depends on the file system, not on the contender, and it is not what a user's first export pays.
"""

import os
import shutil
import subprocess
from collections.abc import Callable

# Sparse: only what is written takes space. Enough for the full large set (2.1 GB) and the 100,000-user demo check
# (about 19 GB: a 16 GiB image filled up during it, and the export ended "disk full", as it should).
IMAGE_BYTES = 48 * 2**30


class ScratchDisk:
    def __init__(self, work: str) -> None:
        self.image = os.path.join(work, "scratch.img")
        self.mount_point = os.path.join(work, "scratch")
        self.mounted = False
        self.description = "a folder of the work directory"

    def start(self, log: Callable[[str], None]) -> str:
        """Mounts the scratch file system if it can; returns the folder contenders write under."""
        os.makedirs(self.mount_point, exist_ok=True)
        if os.geteuid() != 0 or shutil.which("mkfs.ext4") is None:
            log("outputs go to the work folder (a fresh loop-mounted ext4 needs root and mkfs.ext4)")
            return self.mount_point
        try:
            with open(self.image, "wb") as f:
                f.truncate(IMAGE_BYTES)
            subprocess.run(["mkfs.ext4", "-q", "-F", self.image], check=True, capture_output=True)
            subprocess.run(["mount", "-o", "loop", self.image, self.mount_point], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as error:
            detail = (
                error.stderr.decode(errors="replace").strip()
                if isinstance(error, subprocess.CalledProcessError)
                else error
            )
            log(f"outputs go to the work folder: the loop-mounted ext4 could not be made ({detail})")
            if os.path.exists(self.image):
                os.remove(self.image)
            return self.mount_point
        self.mounted = True
        self.description = "a fresh ext4 file system with a journal (mkfs.ext4 defaults) on a loop device"
        log(f"outputs go to {self.description}, mounted at {self.mount_point}")
        return self.mount_point

    def stop(self) -> None:
        if self.mounted:
            subprocess.run(["umount", self.mount_point], check=False, capture_output=True)
            self.mounted = False
        if os.path.exists(self.image):
            os.remove(self.image)
