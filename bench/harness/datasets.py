"""The benchmark's data sets: generated once into a cache folder, then served by nginx and seeded into Firestore.

A data set folder holds

    objects/<bucket>/<object name>          the bytes, one file per object
    meta/<bucket>/<object name>.json        the object's Cloud Storage resource (what a metadata GET returns)
    buckets/<bucket>.json                   the bucket's resource
    headers.map                             nginx map entries: per object its x-goog-hash and stored length
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
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import google_crc32c

KIB = 1024
MIB = 1024 * KIB

# Rewritten by nginx (sub_filter) into the address the client used, so links in metadata point back at it.
BASE_PLACEHOLDER = "http://storage.bench.invalid"
GENERATION = "1700000000000001"
FORMAT = 1


@dataclass(frozen=True)
class Spec:
    """What one data set holds. Sizes are fixed (an int) or drawn log-uniformly from (low, high)."""

    name: str
    users: int
    images_per_user: int
    voices_per_user: int
    image_size: object
    voice_size: object
    seed: int = 1

    @property
    def key(self):
        def size(value):
            return str(value) if isinstance(value, int) else "{}-{}".format(*value)

        return "{}-u{}-i{}x{}-v{}x{}-s{}-f{}".format(
            self.name, self.users, self.images_per_user, size(self.image_size), self.voices_per_user,
            size(self.voice_size), self.seed, FORMAT)

    @property
    def project(self):
        return "bench-" + self.name

    @property
    def bucket(self):
        return self.project + ".firebasestorage.app"

    def describe(self):
        def size(value):
            return human_bytes(value) if isinstance(value, int) else "{}–{} (log-uniform)".format(*map(human_bytes, value))

        parts = []
        if self.images_per_user:
            parts.append("{} image{} of {}".format(self.images_per_user, "s" * (self.images_per_user > 1), size(self.image_size)))
        if self.voices_per_user:
            parts.append("{} voice clip{} of {}".format(self.voices_per_user, "s" * (self.voices_per_user > 1), size(self.voice_size)))
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


def human_bytes(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return "{:g} {}".format(round(value, 1) if value < 100 else round(value), unit)
    return "{} B".format(n)


class DataSet:
    """A generated data set on disk (see the module docstring)."""

    def __init__(self, spec, root):
        self.spec = spec
        self.root = root
        with open(os.path.join(root, "dataset.json"), encoding="utf-8") as f:
            self.info = json.load(f)
        self.users = self.info["users"]
        self.objects = self.info["objects"]

    @property
    def files(self):
        return len(self.objects)

    @property
    def bytes(self):
        return sum(o["size"] for o in self.objects)

    def object_names(self):
        return [o["name"] for o in self.objects]

    def media_url(self, base, name, download_host=False):
        prefix = "/download" if download_host else ""
        return "{}{}/storage/v1/b/{}/o/{}?alt=media".format(base, prefix, quote_all(self.spec.bucket), quote_all(name))

    def largest_object(self):
        return max(self.objects, key=lambda o: o["size"])


def quote_all(text):
    from urllib.parse import quote

    return quote(text, safe="")


def ensure(spec, cache_dir, log):
    """Returns the data set of `spec`, generating it first unless the cache already holds it."""
    root = os.path.join(cache_dir, spec.key)
    if not os.path.exists(os.path.join(root, "dataset.json")):
        if os.path.exists(root):
            shutil.rmtree(root)
        started = time.monotonic()
        log("generating data set {} ({}) in {}".format(spec.name, spec.describe(), root))
        _generate(spec, root + ".tmp")
        os.replace(root + ".tmp", root)
        log("generated {} in {:.1f} s".format(spec.name, time.monotonic() - started))
    return DataSet(spec, root)


def _plan(spec):
    """Users and objects (without contents) of a spec, deterministically."""
    rng = random.Random(spec.seed)

    def draw(size):
        if isinstance(size, int):
            return size
        low, high = size
        return int(math.exp(rng.uniform(math.log(low), math.log(high))))

    users, objects = [], []
    for n in range(spec.users):
        uid = "user-{:05d}".format(n)
        user = {"id": uid, "email": "user{}@example.com".format(n), "images": [], "voices": []}
        for kind, count, size, ext, content_type, prefix in (
            ("images", spec.images_per_user, spec.image_size, ".jpg", "image/jpeg", "img"),
            ("voices", spec.voices_per_user, spec.voice_size, ".m4a", "audio/mp4", "voice"),
        ):
            for j in range(count):
                item_id = "{}-{:05d}-{}".format(prefix, n, j)
                user[kind].append(item_id)
                objects.append({
                    "user": uid,
                    "kind": kind,
                    "id": item_id,
                    "name": "users/{}/{}/{}{}".format(uid, kind, item_id, ext),
                    "original_name": ("IMG_{:05d}_{}.jpg" if kind == "images" else "voice-note-{:05d}-{}.m4a").format(n, j),
                    "content_type": content_type,
                    "size": draw(size),
                    "created_at": _timestamp(rng),
                })
        users.append(user)
    return users, objects


def _timestamp(rng):
    seconds = 1_600_000_000 + rng.randrange(150_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".{:06d}Z".format(rng.randrange(1_000_000))


def _write_object(root, spec, obj):
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


def _resource(spec, obj):
    """The object's JSON resource, as the Cloud Storage JSON API returns it (int64s as strings)."""
    encoded = quote_all(obj["name"])
    stamp = obj["created_at"][:23] + "Z"
    return {
        "kind": "storage#object",
        "id": "{}/{}/{}".format(spec.bucket, obj["name"], GENERATION),
        "selfLink": "{}/storage/v1/b/{}/o/{}".format(BASE_PLACEHOLDER, spec.bucket, encoded),
        "mediaLink": "{}/download/storage/v1/b/{}/o/{}?generation={}&alt=media".format(
            BASE_PLACEHOLDER, spec.bucket, encoded, GENERATION),
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


def _generate(spec, root):
    if os.path.exists(root):
        shutil.rmtree(root)
    users, objects = _plan(spec)

    def write(obj):
        obj["crc32c"], obj["md5"] = _write_object(root, spec, obj)
        meta = os.path.join(root, "meta", spec.bucket, obj["name"] + ".json")
        os.makedirs(os.path.dirname(meta), exist_ok=True)
        with open(meta, "w", encoding="utf-8") as f:
            json.dump(_resource(spec, obj), f)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(write, objects))

    os.makedirs(os.path.join(root, "buckets"), exist_ok=True)
    with open(os.path.join(root, "buckets", spec.bucket + ".json"), "w", encoding="utf-8") as f:
        json.dump({"kind": "storage#bucket", "id": spec.bucket, "name": spec.bucket, "location": "US",
                   "storageClass": "STANDARD", "metageneration": "1"}, f)

    # nginx map entries keyed by "<alt>:<bucket>/<object>" (see nginx.conf.template): only media answers get them.
    with open(os.path.join(root, "headers.map"), "w", encoding="utf-8") as f:
        for obj in objects:
            key = nginx_string("media:{}/{}".format(spec.bucket, obj["name"]))
            f.write("{} {};\n".format(key, nginx_string("crc32c={},md5={}".format(obj["crc32c"], obj["md5"]))))
    with open(os.path.join(root, "sizes.map"), "w", encoding="utf-8") as f:
        for obj in objects:
            f.write("{} {};\n".format(nginx_string("media:{}/{}".format(spec.bucket, obj["name"])), obj["size"]))

    info = {"format": FORMAT, "spec": spec.key, "description": spec.describe(), "project": spec.project,
            "bucket": spec.bucket, "generation": GENERATION, "users": users, "objects": objects}
    with open(os.path.join(root, "dataset.json"), "w", encoding="utf-8") as f:
        json.dump(info, f)


def nginx_string(text):
    if any(c in text for c in "\"\\\n\r\t") or not text.isprintable():
        raise ValueError("not a plain object name: {!r}".format(text))
    return '"' + text + '"'


# --- Firestore -----------------------------------------------------------------------------------------------------


def firestore_writes(dataset):
    """The `documents:commit` writes that create the data set's users and metadata documents (metadata first)."""
    root = "projects/{}/databases/(default)/documents".format(dataset.spec.project)
    writes = []
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
        def ids(values):
            return {"arrayValue": {"values": [{"stringValue": v} for v in values]}} if values else {"arrayValue": {}}

        fields = {
            "email": {"stringValue": user["email"]},
            "displayName": {"stringValue": "User {}".format(user["id"])},
            "imageIds": ids(user["images"]),
            "voiceIds": ids(user["voices"]),
        }
        writes.append({"update": {"name": "{}/email_users/{}".format(root, user["id"]), "fields": fields}})
    return writes
