"""Tests of the listing answers harness/datasets.py generates for nginx (GET …/o?prefix=).

A tiny data set (a few objects of a few bytes) is generated into pytest's temporary folder; no server runs.
"""

import json
from pathlib import Path

from harness import datasets


def resource(name: str) -> dict[str, str]:
    return {"kind": "storage#object", "name": name}


def test_directory_prefixes_are_every_prefix_ending_in_a_slash() -> None:
    assert datasets.directory_prefixes("users/u1/images/a.jpg") == ["users/", "users/u1/", "users/u1/images/"]
    assert datasets.directory_prefixes("top.jpg") == []


def test_prefix_spellings_are_the_slash_as_it_is_and_percent_encoded() -> None:
    assert datasets.prefix_spellings("users/user-00001/") == ["users/user-00001/", "users%2Fuser-00001%2F"]
    assert datasets.prefix_spellings("") == [""]


def test_list_pages_sort_by_name_and_page_with_next_page_tokens() -> None:
    names = ["users/b/images/2.jpg", "users/a/voices/1.m4a", "users/b/images/1.jpg", "users/a/images/1.jpg"]
    listings = datasets.list_pages([resource(n) for n in names], page_size=2)
    assert sorted(listings) == [
        "",
        "users/",
        "users/a/",
        "users/a/images/",
        "users/a/voices/",
        "users/b/",
        "users/b/images/",
    ]
    first, second = listings["users/"]
    assert first == {
        "kind": "storage#objects",
        "nextPageToken": "2",
        "items": [resource("users/a/images/1.jpg"), resource("users/a/voices/1.m4a")],
    }
    assert second == {
        "kind": "storage#objects",
        "items": [resource("users/b/images/1.jpg"), resource("users/b/images/2.jpg")],
    }
    assert listings[""] == listings["users/"]
    assert listings["users/a/voices/"] == [{"kind": "storage#objects", "items": [resource("users/a/voices/1.m4a")]}]


def test_list_pages_of_an_empty_bucket_answer_without_items() -> None:
    assert datasets.list_pages([]) == {"": [{"kind": "storage#objects"}]}


def test_generated_listings_match_the_metadata_answers(tmp_path: Path) -> None:
    spec = datasets.Spec("tiny", 2, 1, 1, 16, 16)
    dataset = datasets.ensure(spec, str(tmp_path), lambda _message: None)
    root, bucket = Path(dataset.root), spec.bucket
    page = json.loads((root / "list" / bucket / "users%2Fuser-00001%2F" / "1.json").read_text(encoding="utf-8"))
    assert page["kind"] == "storage#objects" and "nextPageToken" not in page
    assert [item["name"] for item in page["items"]] == [
        "users/user-00001/images/img-00001-0.jpg",
        "users/user-00001/voices/voice-00001-0.m4a",
    ]
    # The same JSON as the per-object metadata answer.
    meta = root / "meta" / bucket / "users/user-00001/images/img-00001-0.jpg.json"
    assert page["items"][0] == json.loads(meta.read_text(encoding="utf-8"))
    whole = json.loads((root / "list" / bucket / "_all" / "1.json").read_text(encoding="utf-8"))
    assert len(whole["items"]) == dataset.files == 4
    empty = json.loads((root / "list" / bucket / "_empty" / "1.json").read_text(encoding="utf-8"))
    assert empty == {"kind": "storage#objects"}

    entries = (root / "lists.map").read_text(encoding="utf-8").splitlines()
    assert f'"{bucket}  users/user-00001/" "{bucket}/users%2Fuser-00001%2F/1.json";' in entries
    assert f'"{bucket}  users%2Fuser-00001%2F" "{bucket}/users%2Fuser-00001%2F/1.json";' in entries
    assert f'"{bucket}  " "{bucket}/_all/1.json";' in entries
    # Last: any other prefix ending in a slash lists nothing; another bucket is not there.
    assert entries[-2:] == [
        '"~^bench-tiny[.]firebasestorage[.]app  (.*(/|%2[Ff]))?$" "bench-tiny.firebasestorage.app/_empty/1.json";',
        '"~^(?!bench-tiny[.]firebasestorage[.]app )" "_no_such_bucket";',
    ]
    # 2 users × 2 kinds + 2 users + users/ + the whole bucket = 8 listings, each under two spellings but "".
    assert len(entries) == 8 * 2 - 1 + 2


def test_the_cache_key_names_the_layout_format() -> None:
    assert datasets.QUICK["small"].key.endswith(f"-f{datasets.FORMAT}")
    assert datasets.FORMAT >= 2  # list/ and lists.map
