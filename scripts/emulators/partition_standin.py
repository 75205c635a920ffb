#!/usr/bin/env python3
"""A stand-in for Firestore's ``partitionQuery`` in front of the Firestore emulator, for MediaBatch's shard tests.

The emulator answers ``documents:partitionQuery`` with 501 UNIMPLEMENTED. This proxy answers it the way Firestore
does and passes every other request to the emulator unchanged:

  * the query must be a collection-group query (``allDescendants: true``) ordered by ``__name__`` ascending and
    nothing else, else 400 INVALID_ARGUMENT, as Firestore answers;
  * ``partitionCount`` K (an int64 as a string) asks for K cursors; the answer holds up to K cursors, each
    ``{"values": [{"referenceValue": <document name>}]}``, cutting the collection group (read from the emulator in
    name order) into K + 1 parts of about equal size; fewer when there are fewer documents;
  * the cursors come in two pages (``nextPageToken``), the later half first, so a client must collect every page and
    sort the cursors itself, as Firestore's pages are unordered relative to each other.

It also counts, per collection id, the documents the emulator's ``runQuery`` answers streamed back through it (what
Firestore would bill as reads): ``GET /standin/stats`` returns ``{"partition_queries": N, "documents_read": {...}}``.

Usage: partition_standin.py --emulator HOST:PORT [--host 127.0.0.1] [--port 0]
Prints ``READY <port>`` on stdout once listening. SIGTERM or SIGINT stops it.
"""

import argparse
import json
import signal
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATS = {"partition_queries": 0, "documents_read": {}}
LOCK = threading.Lock()


def error(code, status, message):
    return code, json.dumps({"error": {"code": code, "message": message, "status": status}}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    emulator = ""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self):
        if self.path == "/standin/stats":
            with LOCK:
                body = json.dumps(STATS).encode()
            self.answer(200, body)
        else:
            self.forward(None)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        if path.endswith(":partitionQuery"):
            self.answer(*self.partition(path[: -len(":partitionQuery")], body))
        else:
            self.forward(body)

    def answer(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def call(self, path, body):
        request = urllib.request.Request(
            "http://" + self.emulator + path, data=body, method="POST" if body is not None else "GET",
            headers={"Authorization": self.headers.get("Authorization", "Bearer owner"), "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as failure:
            return failure.code, failure.read()

    def forward(self, body):
        status, answer = self.call(self.path, body)
        if self.path.split("?", 1)[0].endswith(":runQuery") and status == 200 and body:
            query = json.loads(body).get("structuredQuery", {})
            collection = (query.get("from") or [{}])[0].get("collectionId", "")
            read = sum(1 for element in json.loads(answer) if "document" in element)
            with LOCK:
                STATS["documents_read"][collection] = STATS["documents_read"].get(collection, 0) + read
        self.answer(status, answer)

    def partition(self, parent, body):
        try:
            request = json.loads(body)
            query = request["structuredQuery"]
            count = int(request.get("partitionCount", "0"))
        except (ValueError, KeyError, TypeError):
            return error(400, "INVALID_ARGUMENT", "the request is not a PartitionQueryRequest")
        sources = query.get("from") or []
        orders = query.get("orderBy") or []
        if (len(sources) != 1 or sources[0].get("allDescendants") is not True
                or set(query) - {"from", "orderBy"}
                or len(orders) != 1 or orders[0].get("field", {}).get("fieldPath") != "__name__"
                or orders[0].get("direction", "ASCENDING") != "ASCENDING"):
            return error(400, "INVALID_ARGUMENT", "partitionQuery needs a collection-group query ordered by __name__ only")
        if count <= 0:
            return error(400, "INVALID_ARGUMENT", "partitionCount must be positive")
        with LOCK:
            STATS["partition_queries"] += 1
        if request.get("pageToken") == "second":
            return 200, json.dumps(PAGES.get(parent, {"partitions": []})).encode()
        names_query = {"structuredQuery": dict(query, select={"fields": [{"fieldPath": "__name__"}]})}
        status, answer = self.call(parent + ":runQuery", json.dumps(names_query).encode())
        if status != 200:
            return status, answer
        names = [element["document"]["name"] for element in json.loads(answer) if "document" in element]
        cursors = []
        for part in range(1, count + 1):
            index = len(names) * part // (count + 1)
            if 0 < index < len(names) and names[index] not in cursors:
                cursors.append(names[index])
        partitions = [{"values": [{"referenceValue": name}]} for name in cursors]
        half = len(partitions) // 2
        PAGES[parent] = {"partitions": partitions[:half]}
        return 200, json.dumps({"partitions": partitions[half:], "nextPageToken": "second"}).encode()


PAGES = {}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--emulator", required=True, help="the Firestore emulator, host:port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    arguments = parser.parse_args()
    Handler.emulator = arguments.emulator
    server = ThreadingHTTPServer((arguments.host, arguments.port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
