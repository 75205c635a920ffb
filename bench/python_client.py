#!/usr/bin/env python3
"""The Python Cloud Storage client as a contender: the way scripts usually export users' media.

    python_client.py --endpoint URL --bucket B --objects LIST --output DIR [--workers 8] MODE

LIST has one line per object, `<user>\t<kind>\t<object name>`, grouped by user. Files go to
DIR/<user>/<kind>/<last segment of the name>. MODE:

  sequential        one user after another, one `blob.download_to_filename` after another
  transfer-manager  `transfer_manager.download_many` over all objects with --workers workers

The client is anonymous (AnonymousCredentials) and talks to --endpoint (`client_options.api_endpoint`); it checks
each download against the store's x-goog-hash as it does by default.
"""

import argparse
import os
import sys
from itertools import groupby

from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from google.cloud.storage import transfer_manager


def read_list(path: str) -> list[tuple[str, ...]]:
    with open(path, encoding="utf-8") as f:
        return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]


def target(output: str, user: str, kind: str, name: str) -> str:
    return os.path.join(output, user, kind, name.rsplit("/", 1)[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--objects", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("mode", choices=("sequential", "transfer-manager"))
    args = parser.parse_args()

    client = storage.Client(
        project="bench", credentials=AnonymousCredentials(), client_options={"api_endpoint": args.endpoint}
    )
    bucket = client.bucket(args.bucket)
    entries = read_list(args.objects)
    for user, kind in {(user, kind) for user, kind, _name in entries}:
        os.makedirs(os.path.join(args.output, user, kind), exist_ok=True)

    if args.mode == "sequential":
        for _user, items in groupby(entries, key=lambda e: e[0]):
            for user, kind, name in items:
                bucket.blob(name).download_to_filename(target(args.output, user, kind, name))
        return 0

    pairs = [(bucket.blob(name), target(args.output, user, kind, name)) for user, kind, name in entries]
    results = transfer_manager.download_many(pairs, max_workers=args.workers, raise_exception=True)
    failures = [r for r in results if isinstance(r, Exception)]
    for failure in failures[:10]:
        print(f"python_client.py: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
