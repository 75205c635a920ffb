#!/usr/bin/env python3
"""Runs gcp-storage-emulator as a threaded server for MediaBatch's end-to-end tests.

The package serves one request at a time from a plain ``http.server.HTTPServer`` (listen backlog 5, HTTP/1.0),
which stalls as soon as a client opens more than a handful of connections. This launcher builds the server itself
from the package's own request handler and storage, and changes only what is listed here (each change is also
listed, with the package's behaviour it replaces, in README.md beside this file):

  * one thread per connection (``socketserver.ThreadingMixIn``) and a listen backlog of 512 (``--backlog``);
  * HTTP/1.1 keep-alive (``--http10`` restores the package's one-request-per-connection HTTP/1.0); request bodies
    (Content-Length or chunked) are read in full before routing, so that an unread body or the CRLF after the last
    chunk (which the package's chunked reader leaves behind) can never be parsed as the next request;
  * TCP_NODELAY on accepted sockets (headers and body are separate writes: with Nagle, each keep-alive response
    waited for the client's delayed ACK, about 40 ms);
  * one lock around the storage object, whose dictionaries the package mutates without one;
  * the storage's ``.meta`` index (every object's resource, rewritten as indented JSON after every upload, which
    makes seeding quadratic) is never written: the emulator is ephemeral and starts empty;
  * in memory (the default), objects are keyed by their exact name: the package normalises names as file paths
    (``a//b`` -> ``a/b``, ``a/./b`` -> ``a/b``, a leading ``/`` dropped, ``\\`` read as ``/``, ``..`` raising an error
    that drops the connection); real Cloud Storage stores any name byte for byte;
  * media downloads also carry ``x-goog-generation``, ``x-goog-metageneration``,
    ``x-goog-stored-content-length`` and ``x-goog-stored-content-encoding``, as Cloud Storage sends them;
    ``x-goog-hash: crc32c=…,md5=…`` is sent on full (200) responses only, as the package does;
  * ``generation=G`` on a media download answers 404 when G is not the live generation (the package ignores it);
  * a zero-byte upload (``uploadType=media`` or an XML ``PUT``) stores an empty object (the package raises on it);
  * an exception in a handler answers 500 with a JSON error body (the package drops the connection);
  * a ``Range`` whose first byte is at or past the end of the object answers 416 with ``Content-Range: bytes */N``
    (the package answers 206 with an empty body and a malformed ``Content-Range``).

Usage:
    storage_emulator.py [--host 127.0.0.1] [--port 0] [--bucket NAME]... [--data-dir DIR] [--log-level LEVEL]

Prints ``READY <port>`` on stdout, once, when the socket accepts connections; everything else goes to stderr.
SIGTERM or SIGINT stops it; a temporary data directory is removed on the way out.
"""

import argparse
import functools
import io
import json
import logging
import shutil
import signal
import socketserver
import sys
import tempfile
import threading
from base64 import b64encode
from http import HTTPStatus, server as http_server

try:
    from gcp_storage_emulator import server as gse_server
    from gcp_storage_emulator.handlers import buckets as gse_buckets
    from gcp_storage_emulator.handlers import objects as gse_objects
    from gcp_storage_emulator.storage import Storage
except ImportError:  # pragma: no cover - setup tells how to install it
    sys.stderr.write(
        "storage_emulator.py: gcp-storage-emulator is not installed; run scripts/emulators/setup "
        "and start this launcher with <repo>/.venv/bin/python\n"
    )
    sys.exit(2)

log = logging.getLogger("storage_emulator")


# --- server -------------------------------------------------------------------------------------------------------


class ThreadingHTTPServer(socketserver.ThreadingMixIn, http_server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512

    def handle_error(self, request, client_address):
        # The package re-raises handler exceptions; the connection is then dropped without a response.
        log.error("request from %s failed; connection dropped", client_address, exc_info=True)


class RequestHandler(gse_server.RequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300  # an idle keep-alive connection is closed after this many seconds
    # Headers and body go out in separate writes; with Nagle's algorithm on, each keep-alive response then waits
    # for the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True

    def _buffer_body(self):
        """Reads the request body (Content-Length or chunked) in full, so that keep-alive stays in sync."""
        if self.headers.get("Content-Length") is None and self.headers.get("Transfer-Encoding") is None:
            return None
        length = self.headers.get("Content-Length")
        if length is not None and not self.headers.get("Transfer-Encoding"):
            raw = self.rfile.read(int(length))
        else:
            raw = self._read_chunked()
        del self.headers["Transfer-Encoding"]
        del self.headers["Content-Length"]
        self.headers["Content-Length"] = str(len(raw))
        original = self.rfile
        self.rfile = io.BytesIO(raw)
        return original

    def _read_chunked(self):
        # The package's reader leaves the CRLF after the last chunk unread, which breaks keep-alive.
        parts = []
        while True:
            size_line = self.rfile.readline(65537)
            if not size_line:
                break
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                break
            parts.append(self.rfile.read(size))
            self.rfile.readline(65537)
        return b"".join(parts)

    def _route(self, method):
        original = self._buffer_body()
        try:
            gse_server.Router(self).handle(method)
        except Exception:  # the package re-raises; answer 500 instead of dropping the connection
            log.error("%s %s failed", method, self.path, exc_info=True)
            body = json.dumps(
                {"error": {"code": 500, "message": "emulator error", "errors": [{"reason": "backendError"}]}}
            ).encode()
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            if original is not None:
                self.rfile = original

    def do_GET(self):
        self._route(gse_server.GET)

    def do_POST(self):
        self._route(gse_server.POST)

    def do_PUT(self):
        self._route(gse_server.PUT)

    def do_DELETE(self):
        self._route(gse_server.DELETE)

    def do_PATCH(self):
        self._route(gse_server.PATCH)


class HTTP10RequestHandler(RequestHandler):
    protocol_version = "HTTP/1.0"


# --- storage ------------------------------------------------------------------------------------------------------

_LOCKED_METHODS = (
    "get_bucket",
    "get_file_list",
    "create_bucket",
    "create_file",
    "create_resumable_upload",
    "get_resumable_byte_count",
    "add_to_resumable_upload",
    "get_file_obj",
    "get_resumable_file_obj",
    "get_file",
    "delete_resumable_file_obj",
    "delete_bucket",
    "get_bucket_iam_policy",
    "set_bucket_iam_policy",
    "delete_file",
    "get_soft_deleted_file_obj",
    "get_soft_deleted_file",
    "restore_soft_deleted_file",
    "wipe",
    "patch_object",
)


def make_storage(data_dir, in_memory):
    storage = Storage(use_memory_fs=in_memory, data_dir=data_dir)
    lock = threading.RLock()

    def locked(method):
        @functools.wraps(method)
        def call(*args, **kwargs):
            with lock:
                return method(*args, **kwargs)

        return call

    for name in _LOCKED_METHODS:
        if hasattr(storage, name):
            setattr(storage, name, locked(getattr(storage, name)))
    # Ephemeral: never rewrite the whole index after each change.
    storage._write_config_to_file = lambda: None
    if in_memory:
        # Exact names, as Cloud Storage keeps them (the package normalises them as file paths).
        storage._object_path = lambda bucket_name, file_name: "{}/{}".format(bucket_name, file_name)
        if getattr(storage._store, "_use_memory", False):
            _exact_memory_store(storage._store)
    return storage


def _exact_memory_store(store):
    """Key the in-memory store by exact path; only bucket-level folders are tracked as folders."""
    files = store._files

    def write_bytes(rel, content):
        files[rel] = content
        store._dirs.add(rel.split("/", 1)[0])

    def read_bytes(rel):
        try:
            return files[rel]
        except KeyError as err:
            raise FileNotFoundError(rel) from err

    def exists_file(rel):
        return rel in files

    def remove_file(rel):
        try:
            del files[rel]
        except KeyError as err:
            raise FileNotFoundError(rel) from err

    def makedirs(rel):
        if rel:
            store._dirs.add(rel.split("/", 1)[0])

    def remove_tree(rel):
        prefix = rel + "/" if rel else ""
        doomed = [p for p in files if p == rel or (prefix and p.startswith(prefix))]
        if not doomed and rel not in store._dirs:
            raise FileNotFoundError(rel)
        for p in doomed:
            del files[p]
        store._dirs.discard(rel)
        store._dirs.add("")

    def listdir(rel=""):
        if rel:
            prefix = rel + "/"
            return sorted({p[len(prefix):].split("/", 1)[0] for p in files if p.startswith(prefix)})
        return sorted({p.split("/", 1)[0] for p in files} | {d for d in store._dirs if d})

    store.write_bytes = write_bytes
    store.read_bytes = read_bytes
    store.exists_file = exists_file
    store.remove_file = remove_file
    store.makedirs = makedirs
    store.remove_tree = remove_tree
    store.listdir = listdir


# --- media downloads ----------------------------------------------------------------------------------------------

_original_download = gse_objects.download


def _b64_crc32c_md5(content):
    import hashlib

    import google_crc32c

    return (
        b64encode(google_crc32c.Checksum(content).digest()).decode("ascii"),
        b64encode(hashlib.md5(content).digest()).decode("ascii"),
    )


def download(request, response, storage, *args, **kwargs):
    bucket = request.params["bucket_name"]
    name = request.params["object_id"]
    try:
        obj = storage.get_file_obj(bucket, name)
    except gse_objects.NotFound:
        obj = None
    if obj is not None:
        wanted = request.query.get("generation")
        if wanted and wanted[0] != str(obj.get("generation")):
            response.status = HTTPStatus.NOT_FOUND
            return
        range_header = request.get_header("range", None)
        if range_header:
            spec = range_header.strip()
            if spec.startswith("bytes=") and "," not in spec:
                first = spec[len("bytes="):].split("-", 1)[0].strip()
                size = int(obj.get("size") or 0)
                if first.isdigit() and int(first) >= size:
                    response.status = HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE
                    response["Content-Range"] = "bytes */{}".format(size)
                    return
    _original_download(request, response, storage, *args, **kwargs)
    if obj is None or response.status not in (HTTPStatus.OK, HTTPStatus.PARTIAL_CONTENT):
        return
    response["x-goog-generation"] = str(obj.get("generation"))
    response["x-goog-metageneration"] = str(obj.get("metageneration"))
    response["x-goog-stored-content-length"] = str(obj.get("size"))
    response["x-goog-stored-content-encoding"] = obj.get("contentEncoding") or "identity"
    if response.status == HTTPStatus.OK and "X-Goog-Hash" not in response._headers:
        content = response._content if isinstance(response._content, bytes) else b""
        crc, md5 = obj.get("crc32c"), obj.get("md5Hash")
        if not crc or not md5:
            crc, md5 = _b64_crc32c_md5(content)
        response["X-Goog-Hash"] = "crc32c={},md5={}".format(crc, md5)


def _empty_body_allowed(upload):
    """The package fails on a zero-byte body (its request.data is then None): treat it as b""."""

    @functools.wraps(upload)
    def call(request, response, storage, *args, **kwargs):
        if request.data is None:
            request._data = b""
        return upload(request, response, storage, *args, **kwargs)

    return call


def install_patches():
    gse_objects._media_upload = _empty_body_allowed(gse_objects._media_upload)  # objects.insert looks it up
    xml_upload = _empty_body_allowed(gse_objects.xml_upload)
    gse_objects.download = download  # objects.get calls it for alt=media
    for _regex, handlers in gse_server.HANDLERS:
        for method, handler in list(handlers.items()):
            if handler is _original_download:
                handlers[method] = download
            elif handler is gse_objects.xml_upload:
                handlers[method] = xml_upload


# --- main ---------------------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description="Threaded gcp-storage-emulator for MediaBatch's tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--bucket", action="append", default=[], help="create this bucket at start (repeatable)")
    parser.add_argument(
        "--data-dir",
        help="keep objects on disk under this directory (default: in memory; names are then normalised as "
        "file paths, as the package does)",
    )
    parser.add_argument("--backlog", type=int, default=512, help="listen backlog (default 512)")
    parser.add_argument("--http10", action="store_true", help="HTTP/1.0, one request per connection")
    parser.add_argument("--log-level", default="WARNING", help="DEBUG logs every request (default WARNING)")
    args = parser.parse_args(argv)

    logging.basicConfig(stream=sys.stderr, level=logging.CRITICAL, format="%(name)s: %(message)s")
    log.setLevel(args.log_level.upper())
    # The package logs a warning for every JSON response; keep it at the chosen level only when debugging.
    logging.getLogger("").setLevel(args.log_level.upper() if args.log_level.upper() == "DEBUG" else "CRITICAL")

    temp_dir = None
    if args.data_dir:
        storage = make_storage(args.data_dir, in_memory=False)
    else:
        temp_dir = tempfile.mkdtemp(prefix="storage-emulator-")  # the package wants a base dir even in memory
        storage = make_storage(temp_dir, in_memory=True)
    for bucket in args.bucket:
        gse_buckets.create_bucket(bucket, storage)
    install_patches()

    ThreadingHTTPServer.request_queue_size = args.backlog
    handler_class = HTTP10RequestHandler if args.http10 else RequestHandler
    httpd = ThreadingHTTPServer((args.host, args.port), functools.partial(handler_class, storage))
    port = httpd.server_address[1]

    # Block SIGTERM/SIGINT before any thread starts (threads inherit the mask); the main thread then waits for one.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)

    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    sys.stdout.write("READY {}\n".format(port))
    sys.stdout.flush()
    try:
        signal.sigwait(stop_signals)
    finally:
        httpd.shutdown()
        httpd.server_close()
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
