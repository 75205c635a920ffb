"""The benchmark's data sets: generated once into a cache folder, then served by nginx and seeded into Firestore.

A data set folder holds

    objects/<bucket>/<object name>          the bytes, one file per object
    meta/<bucket>/<object name>.json        the object's Cloud Storage resource (what a metadata GET returns)
    list/<bucket>/<prefix>/<page>.json      the answer to a listing of a prefix (`GET …/o?prefix=`), one file per page
                                            of at most 1,000 objects; <prefix> is the prefix percent-encoded with
                                            nothing safe (`users%2Fuser-00001%2F`), or `_all` for the whole bucket
    buckets/<bucket>.json                   the bucket's resource
    headers.map, sizes.map                  nginx map entries: per object its x-goog-hash and stored length
    lists.map                               nginx map entries: per (bucket, page token, prefix as sent) its list page
    dataset.json                            the description, every user and every object (written last: the folder
                                            is complete when it exists)

The Firestore schema is the one `scripts/emulators/seed.py` writes: users in `email_users` with `email`, `imageIds`,
`voiceIds` (and `displayName`); metadata documents in `images` / `voices` with `storagePath`, `originalName`,
`contentType`, `size` and `createdAt`. Object names are `users/<uid>/<kind>/<id>.jpg|.m4a`.
"""

import base64
import hashlib
import json
import math
import os
import random
import re
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, NotRequired, TypedDict

import google_crc32c

KIB = 1024
MIB = 1024 * KIB

# Rewritten by nginx (sub_filter) into the address the client used, so links in metadata point back at it.
BASE_PLACEHOLDER = "http://storage.bench.invalid"
GENERATION = "1700000000000001"
# The layout of a generated folder; part of the cache key, so a change regenerates old caches.
# 2: list/ and lists.map (object listings by prefix).
FORMAT = 2
# Objects per page of a listing: Cloud Storage's largest page (and its default maxResults).
LIST_PAGE_SIZE = 1000

# An object's size: fixed, or drawn log-uniformly from (low, high).
Size = int | tuple[int, int]
Kind = Literal["images", "voices"]


class User(TypedDict):
    """A user as dataset.json stores it: its Firestore document id, email, and the ids of its metadata documents."""

    id: str
    email: str
    images: list[str]
    voices: list[str]


class StoredObject(TypedDict):
    """An object as dataset.json stores it."""

    user: str
    kind: Kind
    id: str
    name: str
    original_name: str
    content_type: str
    size: int
    created_at: str
    # Set once the bytes are written (every object of a generated data set has them).
    crc32c: NotRequired[str]
    md5: NotRequired[str]


# A write of a Firestore `documents:commit` request, in the REST API's JSON.
Write = dict[str, Any]


@dataclass(frozen=True)
class Spec:
    """What one data set holds. Sizes are fixed (an int) or drawn log-uniformly from (low, high)."""

    name: str
    users: int
    images_per_user: int
    voices_per_user: int
    image_size: Size
    voice_size: Size
    seed: int = 1

    @property
    def key(self) -> str:
        def size(value: Size) -> str:
            return str(value) if isinstance(value, int) else "{}-{}".format(*value)

        return (
            f"{self.name}-u{self.users}-i{self.images_per_user}x{size(self.image_size)}"
            f"-v{self.voices_per_user}x{size(self.voice_size)}-s{self.seed}-f{FORMAT}"
        )

    @property
    def project(self) -> str:
        return "bench-" + self.name

    @property
    def bucket(self) -> str:
        return self.project + ".firebasestorage.app"

    def describe(self) -> str:
        def size(value: Size) -> str:
            return (
                human_bytes(value) if isinstance(value, int) else "{}–{} (log-uniform)".format(*map(human_bytes, value))
            )

        parts = []
        if self.images_per_user:
            parts.append(
                "{} image{} of {}".format(self.images_per_user, "s" * (self.images_per_user > 1), size(self.image_size))
            )
        if self.voices_per_user:
            parts.append(
                "{} voice clip{} of {}".format(
                    self.voices_per_user, "s" * (self.voices_per_user > 1), size(self.voice_size)
                )
            )
        return "{:,} users × ({})".format(self.users, " + ".join(parts))


FULL = {
    "small": Spec("small", 2000, 3, 2, 64 * KIB, 64 * KIB),
    "large": Spec("large", 4, 1, 1, 256 * MIB, 256 * MIB),
    "mixed": Spec("mixed", 300, 3, 2, (50 * KIB, 4 * MIB), (20 * KIB, 2 * MIB)),
}
QUICK = {
    "small": Spec("small", 200, 3, 2, 64 * KIB, 64 * KIB),
    "large": Spec("large", 2, 1, 1, 64 * MIB, 64 * MIB),
    "mixed": Spec("mixed", 40, 3, 2, (50 * KIB, 4 * MIB), (20 * KIB, 2 * MIB)),
}


def human_bytes(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{round(value, 1) if value < 100 else round(value):g} {unit}"
    return f"{n} B"


class DataSet:
    """A generated data set on disk (see the module docstring)."""

    def __init__(self, spec: Spec, root: str) -> None:
        self.spec = spec
        self.root = root
        with open(os.path.join(root, "dataset.json"), encoding="utf-8") as f:
            self.info: dict[str, Any] = json.load(f)
        self.users: list[User] = self.info["users"]
        self.objects: list[StoredObject] = self.info["objects"]

    @property
    def files(self) -> int:
        return len(self.objects)

    @property
    def bytes(self) -> int:
        return sum(o["size"] for o in self.objects)

    def object_names(self) -> list[str]:
        return [o["name"] for o in self.objects]

    def media_url(self, base: str, name: str, download_host: bool = False) -> str:
        prefix = "/download" if download_host else ""
        return f"{base}{prefix}/storage/v1/b/{quote_all(self.spec.bucket)}/o/{quote_all(name)}?alt=media"

    def largest_object(self) -> StoredObject:
        return max(self.objects, key=lambda o: o["size"])


def quote_all(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def ensure(spec: Spec, cache_dir: str, log: Callable[[str], None]) -> DataSet:
    """Returns the data set of `spec`, generating it first unless the cache already holds it."""
    root = os.path.join(cache_dir, spec.key)
    if not os.path.exists(os.path.join(root, "dataset.json")):
        if os.path.exists(root):
            shutil.rmtree(root)
        started = time.monotonic()
        log(f"generating data set {spec.name} ({spec.describe()}) in {root}")
        _generate(spec, root + ".tmp")
        os.replace(root + ".tmp", root)
        log(f"generated {spec.name} in {time.monotonic() - started:.1f} s")
    return DataSet(spec, root)


def _plan(spec: Spec) -> tuple[list[User], list[StoredObject]]:
    """Users and objects (without contents) of a spec, deterministically."""
    rng = random.Random(spec.seed)

    def draw(size: Size) -> int:
        if isinstance(size, int):
            return size
        low, high = size
        return int(math.exp(rng.uniform(math.log(low), math.log(high))))

    users: list[User] = []
    objects: list[StoredObject] = []
    for n in range(spec.users):
        uid = f"user-{n:05d}"
        user: User = {"id": uid, "email": f"user{n}@example.com", "images": [], "voices": []}
        kinds: tuple[tuple[Kind, int, Size, str, str, str], ...] = (
            ("images", spec.images_per_user, spec.image_size, ".jpg", "image/jpeg", "img"),
            ("voices", spec.voices_per_user, spec.voice_size, ".m4a", "audio/mp4", "voice"),
        )
        for kind, count, size, ext, content_type, prefix in kinds:
            for j in range(count):
                item_id = f"{prefix}-{n:05d}-{j}"
                user[kind].append(item_id)
                objects.append(
                    {
                        "user": uid,
                        "kind": kind,
                        "id": item_id,
                        "name": f"users/{uid}/{kind}/{item_id}{ext}",
                        "original_name": (
                            "IMG_{:05d}_{}.jpg" if kind == "images" else "voice-note-{:05d}-{}.m4a"
                        ).format(n, j),
                        "content_type": content_type,
                        "size": draw(size),
                        "created_at": _timestamp(rng),
                    }
                )
        users.append(user)
    return users, objects


def _timestamp(rng: random.Random) -> str:
    seconds = 1_600_000_000 + rng.randrange(150_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{rng.randrange(1_000_000):06d}Z"


def _write_object(root: str, spec: Spec, obj: StoredObject) -> tuple[str, str]:
    """Writes one object's bytes (deterministic for the random seed and the name) and returns its hashes."""
    path = os.path.join(root, "objects", spec.bucket, obj["name"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rng = random.Random("{}:{}".format(spec.seed, obj["name"]))
    md5 = hashlib.md5()
    crc = google_crc32c.Checksum()
    remaining = obj["size"]
    with open(path, "wb") as out:
        while remaining:
            chunk = rng.randbytes(min(remaining, 8 * MIB))
            md5.update(chunk)
            crc.update(chunk)
            out.write(chunk)
            remaining -= len(chunk)
    return base64.b64encode(crc.digest()).decode(), base64.b64encode(md5.digest()).decode()


def _resource(spec: Spec, obj: StoredObject) -> dict[str, str]:
    """The object's JSON resource, as the Cloud Storage JSON API returns it (int64s as strings)."""
    encoded = quote_all(obj["name"])
    stamp = obj["created_at"][:23] + "Z"
    return {
        "kind": "storage#object",
        "id": "{}/{}/{}".format(spec.bucket, obj["name"], GENERATION),
        "selfLink": f"{BASE_PLACEHOLDER}/storage/v1/b/{spec.bucket}/o/{encoded}",
        "mediaLink": (
            f"{BASE_PLACEHOLDER}/download/storage/v1/b/{spec.bucket}/o/{encoded}?generation={GENERATION}&alt=media"
        ),
        "name": obj["name"],
        "bucket": spec.bucket,
        "generation": GENERATION,
        "metageneration": "1",
        "contentType": obj["content_type"],
        "storageClass": "STANDARD",
        "size": str(obj["size"]),
        "md5Hash": obj["md5"],
        "crc32c": obj["crc32c"],
        "etag": "CAE=",
        "timeCreated": stamp,
        "updated": stamp,
        "timeStorageClassUpdated": stamp,
    }


def _generate(spec: Spec, root: str) -> None:
    if os.path.exists(root):
        shutil.rmtree(root)
    users, objects = _plan(spec)

    def write(obj: StoredObject) -> dict[str, str]:
        obj["crc32c"], obj["md5"] = _write_object(root, spec, obj)
        resource = _resource(spec, obj)
        meta = os.path.join(root, "meta", spec.bucket, obj["name"] + ".json")
        os.makedirs(os.path.dirname(meta), exist_ok=True)
        with open(meta, "w", encoding="utf-8") as f:
            json.dump(resource, f)
        return resource

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        resources = list(pool.map(write, objects))
    _write_listings(root, spec.bucket, resources)

    os.makedirs(os.path.join(root, "buckets"), exist_ok=True)
    with open(os.path.join(root, "buckets", spec.bucket + ".json"), "w", encoding="utf-8") as f:
        json.dump(
            {
                "kind": "storage#bucket",
                "id": spec.bucket,
                "name": spec.bucket,
                "location": "US",
                "storageClass": "STANDARD",
                "metageneration": "1",
            },
            f,
        )

    # nginx map entries keyed by "<alt>:<bucket>/<object>" (see nginx.conf.template): only media answers get them.
    with open(os.path.join(root, "headers.map"), "w", encoding="utf-8") as f:
        for obj in objects:
            key = nginx_string("media:{}/{}".format(spec.bucket, obj["name"]))
            f.write("{} {};\n".format(key, nginx_string("crc32c={},md5={}".format(obj["crc32c"], obj["md5"]))))
    with open(os.path.join(root, "sizes.map"), "w", encoding="utf-8") as f:
        for obj in objects:
            f.write("{} {};\n".format(nginx_string("media:{}/{}".format(spec.bucket, obj["name"])), obj["size"]))

    info = {
        "format": FORMAT,
        "spec": spec.key,
        "description": spec.describe(),
        "project": spec.project,
        "bucket": spec.bucket,
        "generation": GENERATION,
        "users": users,
        "objects": objects,
    }
    with open(os.path.join(root, "dataset.json"), "w", encoding="utf-8") as f:
        json.dump(info, f)


def directory_prefixes(name: str) -> list[str]:
    """The prefixes of an object name that end in `/`: `a/b/c.jpg` -> `a/`, `a/b/`."""
    parts = name.split("/")[:-1]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def prefix_spellings(prefix: str) -> list[str]:
    """The ways a client may send `prefix` in a query string, as nginx's `$arg_prefix` holds it (not decoded): `/` as
    it is or as `%2F`, every other character percent-encoded as `quote` does (letters, digits and `-._~` as they are;
    the bench's object names hold no other). `%2f` needs no entry of its own: nginx's map ignores case."""
    encoded = quote_all(prefix)
    return list(dict.fromkeys([encoded.replace("%2F", "/"), encoded]))


def list_pages(resources: list[dict[str, str]], page_size: int = LIST_PAGE_SIZE) -> dict[str, list[dict[str, Any]]]:
    """The listing answers of every directory prefix and of the whole bucket (`""`): prefix -> its pages, each the
    JSON of `GET …/o?prefix=` as Cloud Storage answers it: items sorted by name, at most page_size per page, and
    `nextPageToken` (the next page's number, "2", "3", …) on every page but the last."""
    by_prefix: dict[str, list[dict[str, str]]] = {"": []}
    for resource in resources:
        by_prefix[""].append(resource)
        for prefix in directory_prefixes(resource["name"]):
            by_prefix.setdefault(prefix, []).append(resource)
    listings: dict[str, list[dict[str, Any]]] = {}
    for prefix, items in by_prefix.items():
        if not items:  # an empty bucket: the whole-bucket listing answers like any empty prefix
            listings[prefix] = [{"kind": "storage#objects"}]
            continue
        items = sorted(items, key=lambda r: r["name"])
        chunks = [items[i : i + page_size] for i in range(0, len(items), page_size)]
        pages: list[dict[str, Any]] = []
        for number, chunk in enumerate(chunks, start=1):
            page: dict[str, Any] = {"kind": "storage#objects"}
            if number < len(chunks):
                page["nextPageToken"] = str(number + 1)
            page["items"] = chunk
            pages.append(page)
        listings[prefix] = pages
    return listings


def list_folder(prefix: str) -> str:
    """The folder under list/<bucket>/ that holds the pages of a prefix."""
    return quote_all(prefix) if prefix else "_all"


def _write_listings(root: str, bucket: str, resources: list[dict[str, str]]) -> None:
    """list/<bucket>/<prefix>/<page>.json for every directory prefix and the whole bucket, and lists.map, which nginx
    reads to find the page of "<bucket> <pageToken> <prefix as sent>" (see nginx.conf.template)."""
    with open(os.path.join(root, "lists.map"), "w", encoding="utf-8") as entries:
        for prefix, pages in list_pages(resources).items():
            folder = os.path.join(root, "list", bucket, list_folder(prefix))
            os.makedirs(folder)
            for number, page in enumerate(pages, start=1):
                with open(os.path.join(folder, f"{number}.json"), "w", encoding="utf-8") as f:
                    json.dump(page, f)
                token = "" if number == 1 else str(number)
                for spelling in prefix_spellings(prefix):
                    entries.write(
                        "{} {};\n".format(
                            nginx_string(f"{bucket} {token} {spelling}"),
                            nginx_string(f"{bucket}/{list_folder(prefix)}/{number}.json"),
                        )
                    )
        # Any other prefix that ends in `/` (or is empty), without a page token, holds no object: the empty answer.
        os.makedirs(os.path.join(root, "list", bucket, "_empty"))
        with open(os.path.join(root, "list", bucket, "_empty", "1.json"), "w", encoding="utf-8") as f:
            json.dump({"kind": "storage#objects"}, f)
        entries.write(
            "{} {};\n".format(
                nginx_string(f"~^{regex_literal(bucket)}  (.*(/|%2[Ff]))?$"),
                nginx_string(f"{bucket}/_empty/1.json"),
            )
        )
        # Another bucket: a page that is not there, so nginx answers 404 as Cloud Storage does.
        entries.write("{} {};\n".format(nginx_string(f"~^(?!{regex_literal(bucket)} )"), '"_no_such_bucket"'))


def regex_literal(text: str) -> str:
    """text as a regular expression that matches only it, without backslashes (which nginx_string refuses)."""
    return re.sub(r"([^A-Za-z0-9_-])", r"[\1]", text)


def nginx_string(text: str) -> str:
    if any(c in text for c in '"\\\n\r\t') or not text.isprintable():
        raise ValueError(f"not a plain object name: {text!r}")
    return '"' + text + '"'


# --- Firestore -----------------------------------------------------------------------------------------------------


def firestore_writes(dataset: DataSet) -> list[Write]:
    """The `documents:commit` writes that create the data set's users and metadata documents (metadata first)."""
    root = f"projects/{dataset.spec.project}/databases/(default)/documents"
    writes: list[Write] = []
    for obj in dataset.objects:
        fields = {
            "storagePath": {"stringValue": obj["name"]},
            "originalName": {"stringValue": obj["original_name"]},
            "contentType": {"stringValue": obj["content_type"]},
            "size": {"integerValue": str(obj["size"])},
            "createdAt": {"timestampValue": obj["created_at"]},
        }
        writes.append({"update": {"name": "{}/{}/{}".format(root, obj["kind"], obj["id"]), "fields": fields}})
    for user in dataset.users:

        def ids(values: list[str]) -> dict[str, Any]:
            return {"arrayValue": {"values": [{"stringValue": v} for v in values]}} if values else {"arrayValue": {}}

        fields = {
            "email": {"stringValue": user["email"]},
            "displayName": {"stringValue": "User {}".format(user["id"])},
            "imageIds": ids(user["images"]),
            "voiceIds": ids(user["voices"]),
        }
        writes.append({"update": {"name": "{}/email_users/{}".format(root, user["id"]), "fields": fields}})
    return writes
