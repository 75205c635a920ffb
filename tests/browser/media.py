"""Helpers for the media browser's tests: an export to browse, and raw requests for its files."""

from __future__ import annotations

import http.client
import json
import shutil
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from conftest import HOST, Server, wait_until

FINISHED = {"completed", "completed_with_errors", "stopped", "failed"}


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def raw_get(server: Server, path: str, headers: Optional[dict[str, str]] = None, token: Optional[str] = None) -> RawResponse:
    """GET `path` exactly as written (no normalisation of `..` or escapes), with the server's token unless told."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        sent = dict(headers or {})
        bearer = token if token is not None else server.token
        if bearer:
            sent["Authorization"] = f"Bearer {bearer}"
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def run_export(server: Server, body: Optional[dict] = None, timeout: float = 300) -> str:
    """Starts a job over the API and waits until it has finished; returns its id."""
    started = server.api("/batch-process-users", method="POST", body=body or {})
    job_id = started["job_id"]

    def finished():
        status = server.api("/batch-process-status")
        return status["job_id"] == job_id and status["status"] in FINISHED

    wait_until(finished, timeout, f"job {job_id} to finish")
    return job_id


def all_export_users(server: Server, query: str = "") -> list[dict]:
    """Every user of `GET /exports/users`, following `next_cursor`."""
    users: list[dict] = []
    cursor: Optional[str] = None
    while True:
        params = {"limit": "500"}
        if query:
            params["q"] = query
        if cursor:
            params["cursor"] = cursor
        page = server.api("/exports/users?" + urllib.parse.urlencode(params))
        users += page["users"]
        cursor = page["next_cursor"]
        if not cursor:
            return users


def user_path(user_id: str) -> str:
    return "/exports/users/" + urllib.parse.quote(user_id, safe="")


def user_detail(server: Server, user_id: str) -> dict:
    return server.api(user_path(user_id))


def media_user(server: Server, images: int = 2, voices: int = 2) -> dict:
    """The first exported user with at least `images` images and `voices` voice clips on disk, with their items."""
    for user in all_export_users(server):
        if user["status"] != "succeeded":
            continue
        detail = user_detail(server, user["user_id"])
        on_disk = [item for item in detail["items"] if item["file_url"]]
        if (
            sum(item["kind"] == "images" for item in on_disk) >= images
            and sum(item["kind"] == "voices" for item in on_disk) >= voices
        ):
            return detail
    raise AssertionError(f"no exported user has {images} images and {voices} voice clips")


def manifest_path(server: Server, folder: str, item_id: str) -> Path:
    """Where the user's manifest says an item's file is, below the server's output folder."""
    manifest = json.loads((server.output / folder / "manifest.json").read_text())
    entry = next(item for item in manifest["items"] if item["id"] == item_id)
    return server.output / folder / entry["local_path"]


def replace_with_symlink(file: Path, outside: Path) -> Path:
    """Moves `file`'s bytes to a copy in `outside` and puts a symlink to that copy in its place."""
    outside.mkdir(parents=True, exist_ok=True)
    target = outside / file.name
    shutil.copyfile(file, target)
    file.unlink()
    file.symlink_to(target)
    return target
