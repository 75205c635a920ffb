#!/usr/bin/env python3
"""Seeds the Firestore and storage emulators with a MediaBatch data set, over their REST APIs.

    seed.py --project demo-mediabatch [--database ID] [--users 1200] [--objects-per-user 3] [--size mixed|BYTES] [--edge-cases]
            [--manifest out.json] [--reset] [--verify]

Firestore (FIRESTORE_EMULATOR_HOST or --firestore host:port): users in `email_users` (fields `email`, `imageIds`,
`voiceIds`), metadata documents in `images` and `voices` (`storagePath`, `originalName`, `contentType`, `size`,
`createdAt`), written with `documents:commit` in batches of at most 500 writes, `Authorization: Bearer owner`.
Cloud Storage (STORAGE_EMULATOR_HOST or --storage http://host:port): objects uploaded with
`POST /upload/storage/v1/b/{bucket}/o?uploadType=media&name=…` from a thread pool, into the default bucket
(`{project}.firebasestorage.app` unless --bucket) and, with --edge-cases, a second bucket (--other-bucket).

The manifest (--manifest) lists every user and every item with its expected outcome, so a test can check each
exported file byte for byte; see README.md beside this file for its format. Only the standard library is used.
Content is deterministic for a given --seed.
"""

import argparse
import base64
import gzip
import hashlib
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

KIB = 1024
MIB = 1024 * 1024
COMMIT_BATCH = 500  # Firestore's limit of writes per commit

# Size classes of --size mixed: (weight, low, high) in bytes, inclusive.
MIXED_SIZES = (
    (2, 0, 0),
    (20, 1, 1 * KIB),
    (40, 1 * KIB + 1, 16 * KIB),
    (31, 16 * KIB + 1, 128 * KIB),
    (6, 128 * KIB + 1, 512 * KIB),
    (1, 512 * KIB + 1, 2 * MIB),
)

HOSTILE_NAMES = (
    "with space/a photo.jpg",
    "hash#tag.jpg",
    "question?mark=1&x.jpg",
    "percent%20literal%2Fnot-a-slash%.jpg",
    "semi;colon,comma.jpg",
    "plus+sign+.jpg",
    "ünïcødé/日本語/фото 🎵.jpg",
    "deep/nested/path/with/many/levels/x.jpg",
    "double//slash.jpg",
    "dots/../parent.jpg",
    "quote'\"and<angle>.jpg",
    "tab\tand\\backslash.jpg",
    "trailing space .jpg",
    "ampersand&equals=at@colon:dollar$.jpg",
)


# --- small HTTP helpers -------------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection per thread to one emulator."""

    def __init__(self, base_url, headers=None):
        parsed = urllib.parse.urlsplit(base_url if "://" in base_url else "http://" + base_url)
        if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("seed.py: refusing to seed a non-loopback host: {}".format(base_url))
        self.host = parsed.hostname
        self.port = parsed.port or 80
        self.base = "http://{}:{}".format(self.host, self.port)
        self.headers = headers or {}
        self._local = threading.local()

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self._local.conn = conn
        return conn

    def request(self, method, path, body=None, headers=None, retries=3):
        all_headers = dict(self.headers)
        all_headers.update(headers or {})
        for attempt in range(retries + 1):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=all_headers)
                response = conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close" or response.version == 10:
                    conn.close()
                    self._local.conn = None
                return response.status, dict(response.getheaders()), data
            except (ConnectionError, http.client.HTTPException, TimeoutError):
                conn.close()
                self._local.conn = None
                if attempt == retries:
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def json(self, method, path, payload=None, ok=(200,)):
        body = None if payload is None else json.dumps(payload).encode()
        status, _headers, data = self.request(method, path, body, {"Content-Type": "application/json"})
        if status not in ok:
            raise SystemExit("seed.py: {} {} -> {} {}".format(method, path, status, data[:500].decode("utf-8", "replace")))
        return status, (json.loads(data) if data else None)


def quote_all(text):
    """Percent-encodes everything but RFC 3986 unreserved characters (so '/' becomes %2F)."""
    return urllib.parse.quote(text, safe="")


# --- Firestore values ---------------------------------------------------------------------------------------------


def fs_string(value):
    return {"stringValue": value}


def fs_int(value):
    return {"integerValue": str(value)}


def fs_ts(value):
    return {"timestampValue": value}


def fs_array(values):
    return {"arrayValue": {"values": values}} if values else {"arrayValue": {}}


def timestamp(rng):
    seconds = 1_600_000_000 + rng.randrange(150_000_000)
    micros = rng.randrange(1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".{:06d}Z".format(micros)


def every_value_type(project, database_root):
    """Metadata fields that use every Firestore value type (besides the usual ones)."""
    return {
        "createdAtNanos": fs_ts("2024-05-06T07:08:09.123456789Z"),
        "createdAtMillis": fs_ts("2024-05-06T07:08:09.123Z"),
        "createdAtWhole": fs_ts("2024-05-06T07:08:09Z"),
        "bigInteger": fs_int(9007199254740993),  # not representable as a double
        "negativeInteger": fs_int(-42),
        "sizeAsString": fs_string("12345"),
        "ratio": {"doubleValue": 0.5},
        "wholeDouble": {"doubleValue": 1.0},
        "notANumber": {"doubleValue": "NaN"},
        "infinity": {"doubleValue": "Infinity"},
        "minusInfinity": {"doubleValue": "-Infinity"},
        "nothing": {"nullValue": None},
        "flag": {"booleanValue": True},
        "falseFlag": {"booleanValue": False},
        "thumbnail": {"bytesValue": base64.b64encode(bytes(range(256))).decode()},
        "owner": {"referenceValue": "{}/email_users/edge-every-type".format(database_root)},
        "place": {"geoPointValue": {"latitude": 60.1699, "longitude": 24.9384}},
        "equator": {"geoPointValue": {"latitude": 0.0, "longitude": 0.0}},
        "exif": {
            "mapValue": {
                "fields": {
                    "camera": fs_string("Model X"),
                    "iso": fs_int(400),
                    "lens": {"mapValue": {"fields": {"focal": {"doubleValue": 35.5}, "tags": fs_array([fs_string("a")])}}},
                }
            }
        },
        "emptyMap": {"mapValue": {}},
        "tags": fs_array([]),
        "mixedArray": fs_array(
            [fs_string("x"), fs_int(1), {"doubleValue": 2.5}, {"nullValue": None}, {"booleanValue": False}]
        ),
        "unicode ключ `field`": fs_string("値"),
    }


# --- the data set -------------------------------------------------------------------------------------------------


class DataSet:
    def __init__(self, args):
        self.args = args
        self.project = args.project
        self.rng = random.Random(args.seed)
        self.root = "projects/{}/databases/{}/documents".format(self.project, args.database)
        self.documents = []  # (collection, doc_id, fields)
        self.objects = {}  # (bucket, name) -> (size, content_type)
        self.gzip_objects = set()  # (bucket, name) stored gzip-compressed with Content-Encoding: gzip
        self.users = []  # manifest entries
        self.metadata = {}  # (kind, id) -> manifest item template, for ids shared by several users

    # sizes and objects

    def pick_size(self):
        if self.args.size != "mixed":
            return int(self.args.size)
        total = sum(weight for weight, _lo, _hi in MIXED_SIZES)
        pick = self.rng.uniform(0, total)
        for weight, low, high in MIXED_SIZES:
            pick -= weight
            if pick <= 0:
                return self.rng.randint(low, high)
        return MIXED_SIZES[-1][2]

    def add_object(self, bucket, name, size, content_type):
        self.objects[(bucket, name)] = (size, content_type)

    # metadata documents

    def add_metadata(self, kind, item_id, fields, expected, bucket=None, name=None, size=None, location_field=None,
                     original_name=None, note=None, upload=True):
        content_type = "image/jpeg" if kind == "images" else "audio/mp4"
        declared = (fields or {}).get("contentType", {}).get("stringValue")
        if fields is not None:
            self.documents.append((kind, item_id, fields))
        if upload and bucket is not None and expected == "downloaded":
            self.add_object(bucket, name, size, content_type)
        item = {
            "kind": kind,
            "id": item_id,
            "bucket": bucket,
            "object": name,
            "size": size if expected == "downloaded" else None,
            "sha256": None,  # filled in after upload
            "content_type": declared,
            "original_name": original_name,
            "location_field": location_field,
            "expected": expected,
        }
        if note:
            item["note"] = note
        self.metadata[(kind, item_id)] = item
        return item

    def standard_item(self, kind, item_id, uid, bucket, location_field="storagePath", name_field="originalName",
                      object_name=None, size=None, extra=None):
        ext = ".jpg" if kind == "images" else ".m4a"
        name = object_name or "users/{}/{}/{}{}".format(uid, kind, item_id, ext)
        size = self.pick_size() if size is None else size
        original = "{} {}{}".format("IMG" if kind == "images" else "Voice", item_id, ext)
        fields = {
            location_field: fs_string(name),
            "contentType": fs_string("image/jpeg" if kind == "images" else "audio/mp4"),
            "size": fs_int(size),
            "createdAt": fs_ts(timestamp(self.rng)),
        }
        if name_field:
            fields[name_field] = fs_string(original)
        if extra:
            fields.update(extra)
        return self.add_metadata(kind, item_id, fields, "downloaded", bucket, name, size, location_field,
                                 original if name_field else None)

    # users

    def add_user(self, uid, email, images, voices, raw_fields=None, expected="ok", note=None):
        """images/voices: lists of (id, manifest item or None); raw_fields overrides the user's fields."""
        fields = raw_fields
        if fields is None:
            fields = {
                "imageIds": fs_array([fs_string(i) for i, _ in images]),
                "voiceIds": fs_array([fs_string(i) for i, _ in voices]),
                "displayName": fs_string("User {}".format(uid)),
            }
            if email is not None:
                fields["email"] = fs_string(email)
        self.documents.append(("email_users", uid, fields))
        items = {}
        for item_id, item in list(images) + list(voices):
            if item is None:
                continue
            key = (item["kind"], item["id"])
            if key in items:
                items[key]["occurrences"] += 1
            else:
                entry = dict(item)
                entry["occurrences"] = 1
                items[key] = entry
        user = {"id": uid, "email": email, "expected": expected, "items": list(items.values())}
        if note:
            user["note"] = note
        self.users.append(user)
        return user

    def build(self):
        args = self.args
        bucket = args.bucket
        n_images = args.objects_per_user - args.objects_per_user // 2
        n_voices = args.objects_per_user // 2
        for i in range(args.users):
            uid = "user-{:05d}-{}".format(i, hashlib.sha1(str(i).encode()).hexdigest()[:6])
            images = []
            for j in range(n_images):
                item_id = "img-{:05d}-{}".format(i, j)
                images.append((item_id, self.standard_item("images", item_id, uid, bucket)))
            voices = []
            for j in range(n_voices):
                item_id = "voice-{:05d}-{}".format(i, j)
                voices.append((item_id, self.standard_item("voices", item_id, uid, bucket)))
            self.add_user(uid, "user{:05d}@example.com".format(i), images, voices)
        if args.edge_cases:
            self.build_edge_cases()

    def build_edge_cases(self):
        args = self.args
        bucket, other = args.bucket, args.other_bucket
        rng = self.rng

        # Hostile object names, read through every location field and original-name field the Firebase schema reads.
        location_fields = ("storagePath", "storage_path", "path", "fullPath", "filePath")
        name_fields = ("originalName", "original_name", "fileName", "filename", "name", None)
        images = []
        for k, hostile in enumerate(HOSTILE_NAMES):
            item_id = "edge-name-{:02d}".format(k)
            item = self.standard_item(
                "images", item_id, "edge-names", bucket,
                location_field=location_fields[k % len(location_fields)],
                name_field=name_fields[k % len(name_fields)],
                object_name="edge/" + hostile, size=rng.randint(1, 40 * KIB),
            )
            images.append((item_id, item))
        zero = self.standard_item("voices", "edge-zero-bytes", "edge-names", bucket, size=0)
        self.add_user("edge-names", "edge.names@example.com", images, [("edge-zero-bytes", zero)],
                      note="hostile object names, every location and name field, a zero-byte object")

        # An object stored gzip-compressed (Content-Encoding: gzip): verified as stored, saved decompressed.
        compressed = self.standard_item("voices", "edge-gzip", "edge-gzip", bucket, size=30 * KIB)
        self.gzip_objects.add((bucket, compressed["object"]))
        self.add_user("edge-gzip", "edge.gzip@example.com", [], [("edge-gzip", compressed)],
                      note="an object stored with Content-Encoding gzip")

        # Ids repeated within a user (download once) and across users (each user gets a copy).
        shared = self.standard_item("images", "edge-shared", "shared", bucket)
        own = self.standard_item("images", "edge-own", "edge-repeats", bucket)
        shared_voice = self.standard_item("voices", "edge-shared-voice", "shared", bucket)
        self.add_user("edge-repeats", "edge.repeats@example.com",
                      [("edge-shared", shared), ("edge-own", own), ("edge-shared", shared), ("edge-own", own)],
                      [("edge-shared-voice", shared_voice), ("edge-shared-voice", shared_voice)],
                      note="ids repeated within the user")
        self.add_user("edge-repeats-2", "edge.repeats.2@example.com", [("edge-shared", shared)],
                      [("edge-shared-voice", shared_voice)], note="ids shared with edge-repeats")
        # the same id also appears in an ordinary user's list
        if self.users and self.users[0]["id"].startswith("user-"):
            first = self.users[0]
            entry = dict(shared)
            entry["occurrences"] = 1
            first["items"].append(entry)
            fields = next(f for c, d, f in self.documents if c == "email_users" and d == first["id"])
            fields["imageIds"]["arrayValue"].setdefault("values", []).append(fs_string("edge-shared"))

        # A missing metadata document, and an object that is missing from the bucket.
        missing_meta = self.add_metadata("images", "edge-no-such-metadata", None, "metadata_missing")
        ok = self.standard_item("images", "edge-present", "edge-missing", bucket)
        absent = self.add_metadata(
            "voices", "edge-object-missing",
            {"storagePath": fs_string("users/edge-missing/voices/never-uploaded.m4a"),
             "originalName": fs_string("never uploaded.m4a"), "contentType": fs_string("audio/mp4"),
             "size": fs_int(1234), "createdAt": fs_ts(timestamp(rng))},
            "not_found", bucket, "users/edge-missing/voices/never-uploaded.m4a", None, "storagePath",
            "never uploaded.m4a", upload=False)
        self.add_user("edge-missing", "edge.missing@example.com",
                      [("edge-no-such-metadata", missing_meta), ("edge-present", ok)],
                      [("edge-object-missing", absent)])

        # Wrong shapes: imageIds is a string (a per-user error); an id that is not a string (a per-item error).
        self.add_user("edge-string-ids", "edge.string@example.com", [], [],
                      raw_fields={"email": fs_string("edge.string@example.com"),
                                  "imageIds": fs_string("img-00000-0")},
                      expected="invalid_ids", note="imageIds is a string, not an array")
        good = self.standard_item("images", "edge-good-beside-bad", "edge-bad-id", bucket)
        user = self.add_user("edge-bad-id", "edge.bad.id@example.com", [("edge-good-beside-bad", good)], [])
        fields = next(f for c, d, f in self.documents if c == "email_users" and d == "edge-bad-id")
        fields["imageIds"]["arrayValue"]["values"].append(fs_int(42))
        fields["imageIds"]["arrayValue"]["values"].append({"nullValue": None})
        user["items"].append({"kind": "images", "id": 42, "expected": "invalid_id", "occurrences": 1})
        user["items"].append({"kind": "images", "id": None, "expected": "invalid_id", "occurrences": 1})

        # Locations given as a Firebase download URL (default bucket) and as gs:// in a second bucket.
        url_name = "uploads/edge url/photo #1 ünï.jpg"
        url = "https://firebasestorage.googleapis.com/v0/b/{}/o/{}?alt=media&token=x".format(bucket, quote_all(url_name))
        size = rng.randint(1, 64 * KIB)
        by_url = self.add_metadata(
            "images", "edge-download-url",
            {"downloadURL": fs_string(url), "contentType": fs_string("image/jpeg"), "size": fs_int(size),
             "originalName": fs_string("photo from url.jpg")},
            "downloaded", bucket, url_name, size, "downloadURL", "photo from url.jpg")
        gs_name = "archive/2023/voice memo+1.m4a"
        size = rng.randint(1, 64 * KIB)
        by_gs = self.add_metadata(
            "voices", "edge-gs-uri",
            {"storagePath": fs_string("gs://{}/{}".format(other, gs_name)), "contentType": fs_string("audio/mp4"),
             "size": fs_int(size)},
            "downloaded", other, gs_name, size, "storagePath", None)
        url_other_name = "other/url in other bucket.jpg"
        size = rng.randint(1, 64 * KIB)
        by_url_other = self.add_metadata(
            "images", "edge-download-url-other-bucket",
            {"url": fs_string("https://firebasestorage.googleapis.com/v0/b/{}/o/{}?alt=media&token=y".format(
                other, quote_all(url_other_name))), "contentType": fs_string("image/jpeg"), "size": fs_int(size)},
            "downloaded", other, url_other_name, size, "url", None)
        self.add_user("edge-locations", "edge.locations@example.com",
                      [("edge-download-url", by_url), ("edge-download-url-other-bucket", by_url_other)],
                      [("edge-gs-uri", by_gs)])

        # Locations that cannot be used: none at all, a gs:// URI without an object, a non-URL, a non-string.
        bad = []
        for item_id, fields, note in (
            ("edge-no-location", {"originalName": fs_string("nowhere.jpg")}, "no location field"),
            ("edge-gs-no-object", {"storagePath": fs_string("gs://{}".format(bucket))}, "gs:// without an object"),
            ("edge-not-a-url", {"downloadURL": fs_string("not a url at all")}, "a URL field that is no URL"),
            ("edge-location-not-string", {"storagePath": fs_int(7)}, "storagePath is an integer"),
        ):
            bad.append((item_id, self.add_metadata("images", item_id, fields, "invalid_metadata", note=note)))
        self.add_user("edge-bad-locations", "edge.bad.locations@example.com", bad, [])

        # Metadata with every Firestore value type; a user without email; a user id with spaces and unicode.
        typed = self.standard_item("images", "edge-every-type", "edge-every-type", bucket,
                                   extra=every_value_type(self.project, self.root))
        typed["firestore_fields"] = next(f for c, d, f in self.documents if c == "images" and d == "edge-every-type")
        self.add_user("edge-every-type", None, [("edge-every-type", typed)], [],
                      note="no email field: the document id names the user")
        odd_meta = self.standard_item("voices", "voice with space ü", "odd user", bucket)
        self.add_user("user with spaces ünï", "odd.id@example.com", [], [("voice with space ü", odd_meta)],
                      note="document ids with spaces and unicode")
        # A user with empty arrays and one with no id fields at all.
        self.add_user("edge-empty", "edge.empty@example.com", [], [], note="empty arrays")
        self.add_user("edge-no-fields", "edge.no.fields@example.com", [], [],
                      raw_fields={"email": fs_string("edge.no.fields@example.com")}, note="no imageIds/voiceIds")


# --- seeding ------------------------------------------------------------------------------------------------------


def content_for(seed, bucket, name, size):
    return random.Random("{}:{}/{}".format(seed, bucket, name)).randbytes(size)


def seed_firestore(args, data, firestore):
    if args.reset:
        firestore.json("DELETE", "/emulator/v1/projects/{}/databases/{}/documents".format(args.project, args.database))
    path = "/v1/projects/{}/databases/{}/documents:commit".format(args.project, args.database)
    # Metadata documents first, users last, so a reader that starts early sees complete users.
    ordered = sorted(data.documents, key=lambda doc: doc[0] == "email_users")
    writes = [{"update": {"name": "{}/{}/{}".format(data.root, c, d), "fields": f}} for c, d, f in ordered]
    batches = [writes[i:i + COMMIT_BATCH] for i in range(0, len(writes), COMMIT_BATCH)]
    with ThreadPoolExecutor(max_workers=args.firestore_workers) as pool:
        list(pool.map(lambda batch: firestore.json("POST", path, {"writes": batch}), batches))
    return len(writes), len(batches)


def seed_storage(args, data, storage):
    if args.reset:
        status, _h, _d = storage.request("GET", "/wipe")
        if status != 200:
            raise SystemExit("seed.py: GET /wipe -> {}".format(status))
    buckets = sorted({b for b, _n in data.objects} | {args.bucket} | ({args.other_bucket} if args.edge_cases else set()))
    for bucket in buckets:
        storage.json("POST", "/storage/v1/b?project={}".format(quote_all(args.project)), {"name": bucket}, ok=(200, 409))
    digests = {}

    def upload(key):
        bucket, name = key
        size, content_type = data.objects[key]
        content = content_for(args.seed, bucket, name, size)
        if key in data.gzip_objects:
            # Stored compressed, with Content-Encoding: gzip; the export must hold the decompressed bytes.
            digests[key] = hashlib.sha256(content).hexdigest()
            compressed = gzip.compress(content, mtime=0)
            boundary = "mediabatch-seed-boundary"
            meta = json.dumps({"name": name, "contentType": content_type, "contentEncoding": "gzip"}).encode()
            payload = (b"--" + boundary.encode() + b"\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" + meta
                       + b"\r\n--" + boundary.encode() + b"\r\nContent-Type: " + content_type.encode() + b"\r\n\r\n"
                       + compressed + b"\r\n--" + boundary.encode() + b"--\r\n")
            path = "/upload/storage/v1/b/{}/o?uploadType=multipart".format(quote_all(bucket))
            status, _h, body = storage.request(
                "POST", path, payload, {"Content-Type": "multipart/related; boundary=" + boundary})
            stored = json.loads(body) if status == 200 else {}
            if status != 200 or stored.get("contentEncoding") != "gzip" or int(stored.get("size", -1)) != len(compressed):
                raise SystemExit("seed.py: gzip upload {}/{} -> {} {}".format(bucket, name, status, body[:300]))
            return size
        path = "/upload/storage/v1/b/{}/o?uploadType=media&name={}".format(quote_all(bucket), quote_all(name))
        status, _h, body = storage.request("POST", path, content, {"Content-Type": content_type})
        if status != 200:
            raise SystemExit("seed.py: upload {}/{} -> {} {}".format(bucket, name, status, body[:300]))
        stored = json.loads(body)
        if stored.get("name") != name or int(stored.get("size", -1)) != size:
            raise SystemExit("seed.py: upload {}/{} stored as {!r}, size {}".format(
                bucket, name, stored.get("name"), stored.get("size")))
        digests[key] = hashlib.sha256(content).hexdigest()
        return size

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        total = sum(pool.map(upload, sorted(data.objects)))
    return digests, total


def verify_storage(args, data, storage, digests):
    def check(key):
        bucket, name = key
        path = "/storage/v1/b/{}/o/{}?alt=media".format(quote_all(bucket), quote_all(name))
        status, _h, body = storage.request("GET", path)
        if status == 200 and key in data.gzip_objects:
            body = gzip.decompress(body)
        if status != 200 or hashlib.sha256(body).hexdigest() != digests[key]:
            return "{}/{}: status {}, {} bytes".format(bucket, name, status, len(body))
        return None

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        failures = [f for f in pool.map(check, sorted(data.objects)) if f]
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", required=True, help="Firestore project id (e.g. demo-mediabatch)")
    parser.add_argument("--database", default="(default)", help="Firestore database id (default: (default))")
    parser.add_argument("--firestore", default=os.environ.get("FIRESTORE_EMULATOR_HOST"),
                        help="host:port (default: FIRESTORE_EMULATOR_HOST)")
    parser.add_argument("--storage", default=os.environ.get("STORAGE_EMULATOR_HOST"),
                        help="http://host:port (default: STORAGE_EMULATOR_HOST)")
    parser.add_argument("--bucket", help="default bucket (default: FIREBASE_STORAGE_BUCKET or <project>.firebasestorage.app)")
    parser.add_argument("--other-bucket", default="other-bucket", help="second bucket for gs:// and URL locations")
    parser.add_argument("--users", type=int, default=1200)
    parser.add_argument("--objects-per-user", type=int, default=3, help="split into images (the larger half) and voices")
    parser.add_argument("--size", default="mixed", help="bytes per object, or 'mixed' (0 B to 2 MiB, mostly small; the default)")
    parser.add_argument("--edge-cases", action="store_true")
    parser.add_argument("--manifest", help="write the JSON manifest here")
    parser.add_argument("--seed", type=int, default=1, help="random seed of sizes and contents")
    parser.add_argument("--workers", type=int, default=16, help="parallel uploads")
    parser.add_argument("--firestore-workers", type=int, default=2, help="parallel commits")
    parser.add_argument("--reset", action="store_true",
                        help="first delete the project's Firestore documents and wipe the storage emulator")
    parser.add_argument("--verify", action="store_true", help="download every object again and compare its SHA-256")
    args = parser.parse_args(argv)
    if not args.firestore or not args.storage:
        parser.error("set FIRESTORE_EMULATOR_HOST and STORAGE_EMULATOR_HOST, or pass --firestore and --storage")
    if args.size != "mixed" and not args.size.isdigit():
        parser.error("--size takes a number of bytes or 'mixed'")
    args.bucket = args.bucket or os.environ.get("FIREBASE_STORAGE_BUCKET") or "{}.firebasestorage.app".format(args.project)

    firestore = Client(args.firestore, {"Authorization": "Bearer owner"})
    storage = Client(args.storage)

    started = time.monotonic()
    data = DataSet(args)
    data.build()
    built = time.monotonic()

    results = {}

    def run(name, fn, *fn_args):
        t0 = time.monotonic()
        results[name] = fn(*fn_args)
        results[name + "_seconds"] = time.monotonic() - t0

    threads = [
        threading.Thread(target=run, args=("firestore", seed_firestore, args, data, firestore)),
        threading.Thread(target=run, args=("storage", seed_storage, args, data, storage)),
    ]
    errors = []
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if "firestore" not in results or "storage" not in results:
        raise SystemExit("seed.py: seeding failed (see above)")
    finished = time.monotonic()
    documents, commits = results["firestore"]
    digests, total_bytes = results["storage"]

    for item in data.metadata.values():
        key = (item["bucket"], item["object"])
        if item["expected"] == "downloaded":
            item["sha256"] = digests[key]
    for user in data.users:
        for item in user["items"]:
            if item.get("expected") == "downloaded":
                item["sha256"] = digests[(item["bucket"], item["object"])]

    timings = {
        "build_seconds": round(built - started, 3),
        "firestore_seconds": round(results["firestore_seconds"], 3),
        "storage_seconds": round(results["storage_seconds"], 3),
        "total_seconds": round(finished - started, 3),
    }
    if args.verify:
        t0 = time.monotonic()
        failures = verify_storage(args, data, storage, digests)
        timings["verify_seconds"] = round(time.monotonic() - t0, 3)
        if failures:
            errors.extend(failures)

    summary = {
        "users": len(data.users),
        "documents": documents,
        "commits": commits,
        "objects": len(data.objects),
        "bytes": total_bytes,
        **timings,
    }
    if args.manifest:
        manifest = {
            "format": 1,
            "project": args.project,
            "database": args.database,
            "firestore_emulator_host": "{}:{}".format(firestore.host, firestore.port),
            "storage_emulator_host": storage.base,
            "default_bucket": args.bucket,
            "other_bucket": args.other_bucket if args.edge_cases else None,
            "users_collection": "email_users",
            "kinds": [
                {"name": "images", "ids_field": "imageIds", "collection": "images"},
                {"name": "voices", "ids_field": "voiceIds", "collection": "voices"},
            ],
            "seed": args.seed,
            "summary": summary,
            "users": data.users,
        }
        tmp = args.manifest + ".tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(manifest, out, ensure_ascii=False, indent=1)
        os.replace(tmp, args.manifest)

    print(json.dumps(summary))
    if errors:
        for failure in errors[:20]:
            print("verify: " + failure, file=sys.stderr)
        print("seed.py: {} objects failed verification".format(len(errors)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
