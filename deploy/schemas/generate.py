#!/usr/bin/env python3
"""Writes the JSON Schemas deploy/check validates the Cloud Run Job, the Cloud Batch job and the Cloud Build
configuration against.

No official JSON Schema exists for these resources, but Google publishes each API's discovery document (the
machine-readable REST reference), and google-api-python-client ships them. This turns a discovery document's
resource schemas into a JSON Schema (draft 2020-12):

- every object type lists exactly the fields the API defines (``additionalProperties: false``), so a misspelled
  field fails; maps (``additionalProperties`` in the document) keep their value type;
- fields marked output-only (``readOnly``) are left out: a job definition must not set them;
- proto3 JSON types: int32/uint32 are bounded integers; int64/uint64 (strings on the wire) accept a decimal string or
  an integer, as the APIs and gcloud do; google-duration is a string such as ``"3600s"``; enums list their values;
- a few constraints the reference states in prose (``Required.``, ranges, "only one … is supported") are added by
  hand in OVERLAYS below, each with a note.

    deploy/.venv/bin/python deploy/schemas/generate.py           # rewrite the schema files
    deploy/.venv/bin/python deploy/schemas/generate.py --check [DIR]
        # exit 1 if a schema file (here, or in DIR) differs from what it would write

The discovery documents come from the google-api-python-client pinned in deploy/requirements-nodeps.txt, installed
without its dependencies (only its data files are read; the package is never imported).
"""

from __future__ import annotations

import copy
import importlib.metadata
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent

INT32 = (-(2**31), 2**31 - 1)
UINT32 = (0, 2**32 - 1)


def discovery_dir() -> Path:
    spec = importlib.util.find_spec("googleapiclient")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("generate.py: google-api-python-client is not installed (deploy/check installs it into deploy/.venv)")
    return Path(list(spec.submodule_search_locations)[0]) / "discovery_cache" / "documents"


def convert(node: dict[str, Any], refs: set[str]) -> dict[str, Any]:
    """One discovery schema node as JSON Schema; records the named schemas it refers to in ``refs``."""
    if "$ref" in node:
        refs.add(node["$ref"])
        return {"$ref": f"#/$defs/{node['$ref']}"}
    kind = node.get("type")
    fmt = node.get("format")
    if kind == "object":
        if "additionalProperties" in node:
            return {"type": "object", "additionalProperties": convert(node["additionalProperties"], refs)}
        properties = {
            name: convert(child, refs)
            for name, child in sorted(node.get("properties", {}).items())
            if not child.get("readOnly")
        }
        return {"type": "object", "properties": properties, "additionalProperties": False}
    if kind == "array":
        return {"type": "array", "items": convert(node["items"], refs)}
    if kind == "string":
        if "enum" in node:
            return {"enum": list(node["enum"])}
        if fmt == "int64":
            return {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^-?[0-9]+$"}]}
        if fmt == "uint64":
            return {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^[0-9]+$"}]}
        if fmt == "google-duration":
            return {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,9})?s$"}
        return {"type": "string"}
    if kind == "integer":
        low, high = UINT32 if fmt == "uint32" else INT32
        return {"type": "integer", "minimum": low, "maximum": high}
    if kind == "number":
        return {"type": "number"}
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "any":
        return {}
    raise ValueError(f"unknown discovery type {kind!r} in {node}")


def build(document: dict[str, Any], root: str) -> dict[str, dict[str, Any]]:
    """Every named schema reachable from ``root``, converted, by name."""
    schemas = document["schemas"]
    defs: dict[str, dict[str, Any]] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        refs: set[str] = set()
        defs[name] = convert(schemas[name], refs)
        pending.extend(sorted(refs - defs.keys()))
    return dict(sorted(defs.items()))


# --- what the reference says in prose, added by hand -------------------------------------------------------------


def require(defs: dict[str, Any], name: str, *fields: str) -> None:
    for field in fields:
        assert field in defs[name]["properties"], f"{name}.{field} is not a field of the API"
    defs[name]["required"] = sorted(set(defs[name].get("required", [])) | set(fields))


def constrain(defs: dict[str, Any], name: str, field: str, **keywords: Any) -> None:
    assert field in defs[name]["properties"], f"{name}.{field} is not a field of the API"
    defs[name]["properties"][field].update(keywords)


def cloud_run_overlay(defs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    notes = [
        "Job: apiVersion run.googleapis.com/v1 and kind Job, as `gcloud run jobs replace` takes them; metadata.name "
        "set (the job's name).",
        "Container.image: 'Required.'",
        "EnvVar.name, Volume.name, VolumeMount.name and mountPath, CSIVolumeSource.driver: 'Required.' (Knative).",
        "TaskSpec.maxRetries: 0 to 10 (Cloud Run's documented range).",
    ]
    require(defs, "Container", "image")
    require(defs, "EnvVar", "name")
    require(defs, "Volume", "name")
    require(defs, "VolumeMount", "name", "mountPath")
    require(defs, "CSIVolumeSource", "driver")
    constrain(defs, "TaskSpec", "maxRetries", minimum=0, maximum=10)
    root = {
        "allOf": [
            {"$ref": "#/$defs/Job"},
            {
                "required": ["apiVersion", "kind", "metadata", "spec"],
                "properties": {
                    "apiVersion": {"const": "run.googleapis.com/v1"},
                    "kind": {"const": "Job"},
                    "metadata": {"required": ["name"]},
                },
            },
        ]
    }
    return root, notes


def batch_overlay(defs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    notes = [
        "Job.taskGroups: 'Required.'; 'Only one TaskGroup is supported now.'",
        "TaskGroup.taskSpec, TaskSpec.runnables, Container.imageUri: 'Required.'",
        "TaskSpec.maxRetryCount: 'The valid value range is [0, 10].'",
        "TaskSpec.lifecyclePolicies: 'Currently we only support one lifecycle policy.'",
        "AllocationPolicy.instances: 'Only instances[0] is supported now.'",
        "Volume.mountPath and GCS.remotePath set (a volume is mounted somewhere, from somewhere).",
    ]
    require(defs, "Job", "taskGroups")
    constrain(defs, "Job", "taskGroups", minItems=1, maxItems=1)
    require(defs, "TaskGroup", "taskSpec")
    require(defs, "TaskSpec", "runnables")
    constrain(defs, "TaskSpec", "runnables", minItems=1)
    constrain(defs, "TaskSpec", "maxRetryCount", minimum=0, maximum=10)
    constrain(defs, "TaskSpec", "lifecyclePolicies", maxItems=1)
    constrain(defs, "AllocationPolicy", "instances", maxItems=1)
    require(defs, "Container", "imageUri")
    require(defs, "Volume", "mountPath")
    require(defs, "GCS", "remotePath")
    return {"$ref": "#/$defs/Job"}, notes


def cloud_build_overlay(defs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    notes = ["Build.steps, BuildStep.name: 'Required.'"]
    require(defs, "Build", "steps")
    constrain(defs, "Build", "steps", minItems=1)
    require(defs, "BuildStep", "name")
    return {"$ref": "#/$defs/Build"}, notes


OVERLAYS: dict[str, tuple[str, str, str, Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]]] = {
    "cloud-run-job.v1.schema.json": ("run.v1.json", "Job", "Cloud Run Admin API v1 Job", cloud_run_overlay),
    "batch-job.v1.schema.json": ("batch.v1.json", "Job", "Batch API v1 Job", batch_overlay),
    "cloud-build.v1.schema.json": ("cloudbuild.v1.json", "Build", "Cloud Build API v1 Build", cloud_build_overlay),
}


def render(file_name: str) -> str:
    document_name, root_name, title, overlay = OVERLAYS[file_name]
    document = json.loads((discovery_dir() / document_name).read_text(encoding="utf-8"))
    defs = copy.deepcopy(build(document, root_name))
    root, notes = overlay(defs)
    version = importlib.metadata.version("google-api-python-client")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "$comment": (
            f"Generated by deploy/schemas/generate.py from the discovery document {document['id']} revision "
            f"{document['revision']} (google-api-python-client {version}). Do not edit: regenerate."
        ),
        "x-added-by-hand": notes,
        **root,
        "$defs": defs,
    }
    return json.dumps(schema, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = argv[1:2] == ["--check"] and len(argv) <= 3
    if argv[1:] and not check:
        print(__doc__)
        return 2
    folder = Path(argv[2]) if len(argv) == 3 else HERE
    stale = []
    for file_name in OVERLAYS:
        path = folder / file_name
        text = render(file_name)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(file_name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"generate.py: not what the discovery documents give (rerun generate.py): {', '.join(stale)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
