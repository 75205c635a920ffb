#!/usr/bin/env python3
"""The checks deploy/check runs on the kit's manifests, besides kubernetes-validate, shellcheck and hadolint.

    validate.py schema FILE SCHEMA         FILE (YAML or JSON) against a JSON Schema (draft 2020-12)
    validate.py kit cloud-run FILE         the kit's own rules for a Cloud Run Job (below)
    validate.py kit kubernetes FILE        … for the Kubernetes Indexed Job
    validate.py kit batch FILE             … for the Cloud Batch job
    validate.py kit docker DOCKERFILE      … for the Dockerfile and the .dockerignore beside it (DOCKERFILE.dockerignore)
    validate.py kit upload IGNORE_FILE     what `gcloud builds submit --ignore-file IGNORE_FILE` would upload from
                                           the repository (git's own matching of the gitignore-style file)
    validate.py mutate IN OUT KIND PATH OP [VALUE]
                                           a deliberately broken copy, for the negative self-tests: in the
                                           document of kind KIND (or "-" for the only one), at PATH (dot-separated;
                                           a number indexes a list; name=X picks the list element whose name is X),
                                           OP is "rename" (the last key becomes VALUE) or "set" (to the JSON VALUE)

The kit's rules are what the schemas cannot say: the shard count the pods are told equals the number of shards;
the state folder is on the task's own volume and the export root on the shared one; the export volume is mounted for
the image's user; metrics are served where they are scraped; the stop grace period fits the platform's kill deadline.
Each prints one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

HERE = Path(__file__).resolve().parent


def load_documents(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [json.loads(text)]
    return [document for document in yaml.safe_load_all(text) if document is not None]


def load_one(path: Path) -> Any:
    documents = load_documents(path)
    if len(documents) != 1:
        raise SystemExit(f"{path}: expected one document, found {len(documents)}")
    return documents[0]


# --- schema ---------------------------------------------------------------------------------------------------------


def check_schema(instance_path: Path, schema_path: Path) -> list[str]:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(load_one(instance_path)), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        problems.append(f"{where}: {error.message}")
    return problems


# --- the kit's own rules ------------------------------------------------------------------------------------------


def image_uid() -> int:
    """The numeric user the image runs as (the Dockerfile's USER uid:gid)."""
    match = re.search(r"^USER\s+(\d+)(?::\d+)?\s*$", (HERE / "Dockerfile").read_text(encoding="utf-8"), re.M)
    if not match:
        raise SystemExit("deploy/Dockerfile: no numeric USER line")
    return int(match.group(1))


def env_map(entries: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {entry["name"]: entry.get("value") for entry in entries or []}


def flag_value(args: list[str], flag: str) -> str | None:
    for index, arg in enumerate(args):
        if arg == flag and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def mount_for(path: str | None, mounts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The volume mount that holds ``path`` (the longest mount path that is it or a parent of it)."""
    if not path:
        return None
    found = None
    for mount in mounts:
        root = mount["mountPath"].rstrip("/") or "/"
        if path == root or path.startswith(root.rstrip("/") + "/"):
            if found is None or len(root) > len(found["mountPath"]):
                found = mount
    return found


def uid_option(options: str | list[str] | None) -> str | None:
    text = ",".join(options) if isinstance(options, list) else options or ""
    match = re.search(r"(?:^|[,\s])-*uid=(\d+)", text)
    return match.group(1) if match else None


def common_env_rules(env: dict[str, Any], problems: list[str]) -> None:
    for name in ("FIREBASE_PROJECT_ID", "FIREBASE_STORAGE_BUCKET", "MEDIABATCH_OUTPUT_DIR", "MEDIABATCH_STATE_DIR"):
        if not env.get(name):
            problems.append(f"environment: {name} is not set")
    if env.get("MEDIABATCH_LOG_FORMAT") != "json":
        problems.append("environment: MEDIABATCH_LOG_FORMAT is not json (Cloud Logging's structured entries)")


def kit_cloud_run(path: Path) -> list[str]:
    problems: list[str] = []
    job = load_one(path)
    execution = job["spec"]["template"]["spec"]
    task = execution["template"]["spec"]
    count, parallelism = execution.get("taskCount", 1), execution.get("parallelism", 0)
    if parallelism > count:
        problems.append(f"parallelism {parallelism} is more than taskCount {count}")
    (container,) = task["containers"]
    if (container.get("args") or [None])[0] != "run":
        problems.append("the container's args do not start with the run command")
    env = env_map(container.get("env"))
    common_env_rules(env, problems)
    volumes = {volume["name"]: volume for volume in task.get("volumes", [])}
    mounts = container.get("volumeMounts", [])
    for mount in mounts:
        if mount["name"] not in volumes:
            problems.append(f"volume mount {mount['mountPath']} names no volume ({mount['name']})")
    state = mount_for(env.get("MEDIABATCH_STATE_DIR"), mounts)
    if state is None or "emptyDir" not in volumes.get(state["name"], {}):
        problems.append("MEDIABATCH_STATE_DIR is not on an emptyDir (in-memory) volume of the task")
    output = mount_for(env.get("MEDIABATCH_OUTPUT_DIR"), mounts)
    export = volumes.get(output["name"], {}) if output else {}
    if not ("csi" in export or "nfs" in export):
        problems.append("MEDIABATCH_OUTPUT_DIR is not on a shared volume (Cloud Storage FUSE or NFS)")
    if "csi" in export:
        if export["csi"].get("driver") != "gcsfuse.run.googleapis.com":
            problems.append("the export volume's CSI driver is not gcsfuse.run.googleapis.com")
        if uid_option(export["csi"].get("volumeAttributes", {}).get("mountOptions")) != str(image_uid()):
            problems.append(f"the export volume is not mounted for the image's uid {image_uid()} (mountOptions uid=)")
    grace = int(env.get("MEDIABATCH_STOP_GRACE_SECONDS") or 5)
    if grace >= 10:
        problems.append(f"MEDIABATCH_STOP_GRACE_SECONDS {grace} is not below Cloud Run's 10 s kill deadline")
    return problems


def kit_kubernetes(path: Path) -> list[str]:
    problems: list[str] = []
    documents = load_documents(path)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for document in documents:
        by_kind.setdefault(document["kind"], []).append(document)
    jobs = by_kind.get("Job", [])
    if len(jobs) != 1:
        return [f"expected one Job, found {len(jobs)}"]
    job = jobs[0]
    spec = job["spec"]
    pod = spec["template"]["spec"]
    if spec.get("completionMode") != "Indexed":
        problems.append("completionMode is not Indexed (pods would get no JOB_COMPLETION_INDEX)")
    completions, parallelism = spec.get("completions"), spec.get("parallelism", 1)
    if completions is not None and parallelism > completions:
        problems.append(f"parallelism {parallelism} is more than completions {completions}")
    if ("backoffLimitPerIndex" in spec or "podFailurePolicy" in spec) and pod.get("restartPolicy") != "Never":
        problems.append("backoffLimitPerIndex and podFailurePolicy need restartPolicy: Never")
    containers = {container["name"]: container for container in pod["containers"]}
    if "mediabatch" not in containers:
        return problems + ["no container named mediabatch"]
    container = containers["mediabatch"]
    for rule in spec.get("podFailurePolicy", {}).get("rules", []):
        name = rule.get("onExitCodes", {}).get("containerName")
        if name is not None and name not in containers:
            problems.append(f"podFailurePolicy names container {name}, which the pod does not have")
    env = env_map(container.get("env"))
    common_env_rules(env, problems)
    if str(env.get("MEDIABATCH_SHARD_COUNT")) != str(completions):
        problems.append(f"MEDIABATCH_SHARD_COUNT {env.get('MEDIABATCH_SHARD_COUNT')} is not completions {completions}")
    args = container.get("args") or []
    if (args or [None])[0] != "run":
        problems.append("the container's args do not start with the run command")
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    mounts = container.get("volumeMounts", [])
    for candidate in [container, *pod.get("initContainers", [])]:
        for mount in candidate.get("volumeMounts", []):
            if mount["name"] not in volumes:
                problems.append(f"{candidate['name']}: volume mount {mount['mountPath']} names no volume")
    state = mount_for(env.get("MEDIABATCH_STATE_DIR"), mounts)
    if state is None or "emptyDir" not in volumes.get(state["name"], {}):
        problems.append("MEDIABATCH_STATE_DIR is not on an emptyDir volume of the pod")
    output = mount_for(env.get("MEDIABATCH_OUTPUT_DIR"), mounts)
    export = volumes.get(output["name"], {}) if output else {}
    if not ({"persistentVolumeClaim", "csi", "nfs"} & export.keys()):
        problems.append("MEDIABATCH_OUTPUT_DIR is not on a shared volume (a claim, CSI or NFS)")
    claim = export.get("persistentVolumeClaim", {}).get("claimName")
    claims = {c["metadata"]["name"]: c for c in by_kind.get("PersistentVolumeClaim", [])}
    if claim and claim in claims and "ReadWriteMany" not in claims[claim]["spec"].get("accessModes", []):
        problems.append(f"the export claim {claim} is not ReadWriteMany (every pod mounts it at once)")
    security = pod.get("securityContext", {})
    if security.get("runAsUser") != image_uid():
        problems.append(f"the pod's runAsUser {security.get('runAsUser')} is not the image's uid {image_uid()}")
    account = pod.get("serviceAccountName")
    accounts = {a["metadata"]["name"]: a for a in by_kind.get("ServiceAccount", [])}
    if account in accounts and "iam.gke.io/gcp-service-account" not in accounts[account]["metadata"].get(
        "annotations", {}
    ):
        problems.append(f"the service account {account} has no Workload Identity annotation")
    annotations = spec["template"].get("metadata", {}).get("annotations", {})
    port = flag_value(args, "--metrics-port")
    if annotations.get("prometheus.io/scrape") == "true":
        ports = {str(p["containerPort"]) for p in container.get("ports", [])}
        if port is None:
            problems.append("pods are marked for scraping but the run serves no --metrics-port")
        elif annotations.get("prometheus.io/port") != port or port not in ports:
            problems.append(f"--metrics-port {port}, the prometheus.io/port annotation and the container port differ")
        if flag_value(args, "--metrics-host") not in ("0.0.0.0", "::"):
            problems.append("--metrics-host is not 0.0.0.0: the scraper could not reach /metrics")
    grace = int(env.get("MEDIABATCH_STOP_GRACE_SECONDS") or 5)
    if grace >= pod.get("terminationGracePeriodSeconds", 30):
        problems.append("MEDIABATCH_STOP_GRACE_SECONDS is not below terminationGracePeriodSeconds")
    return problems


def kit_batch(path: Path) -> list[str]:
    problems: list[str] = []
    job = load_one(path)
    (group,) = job["taskGroups"]
    task = group["taskSpec"]
    count, parallelism = int(group.get("taskCount", 1)), int(group.get("parallelism", 0) or 0)
    if parallelism > count:
        problems.append(f"parallelism {parallelism} is more than taskCount {count}")
    containers = [runnable["container"] for runnable in task["runnables"] if "container" in runnable]
    if len(containers) != 1:
        return problems + [f"expected one container runnable, found {len(containers)}"]
    (container,) = containers
    if (container.get("commands") or [None])[0] != "run":
        problems.append("the container's commands do not start with the run command")
    env = task.get("environment", {}).get("variables", {})
    common_env_rules(env, problems)
    volumes = task.get("volumes", [])
    for volume in volumes:
        if not volume["mountPath"].startswith("/mnt/disks/"):
            problems.append(f"volume {volume['mountPath']} is not under /mnt/disks/ (Batch's VMs mount nothing else)")
    binds = []
    for spec in container.get("volumes", []):
        host, _, rest = spec.partition(":")
        binds.append({"host": host, "mountPath": rest.split(":")[0]})
    if not container.get("volumes"):
        binds = [{"host": v["mountPath"], "mountPath": v["mountPath"]} for v in volumes]
    output = mount_for(env.get("MEDIABATCH_OUTPUT_DIR"), binds)
    shared = {volume["mountPath"]: volume for volume in volumes}
    export = shared.get(output["host"]) if output else None
    if export is None or not ({"gcs", "nfs"} & export.keys()):
        problems.append("MEDIABATCH_OUTPUT_DIR is not on a shared volume (a Cloud Storage bucket or NFS)")
    if mount_for(env.get("MEDIABATCH_STATE_DIR"), binds) is not None:
        problems.append("MEDIABATCH_STATE_DIR is on a mounted volume: keep it on the container's own disk")
    if export is not None and "gcs" in export and uid_option(export.get("mountOptions")) != str(image_uid()):
        problems.append(f"the bucket is not mounted for the image's uid {image_uid()} (--uid= in mountOptions)")
    if export is not None and "gcs" in export and "-o allow_other" not in export.get("mountOptions", []):
        problems.append("the bucket is not mounted with -o allow_other: the container's user could not reach it")
    if job.get("logsPolicy", {}).get("destination") != "CLOUD_LOGGING":
        problems.append("logsPolicy.destination is not CLOUD_LOGGING")
    return problems


def kit_docker(path: Path) -> list[str]:
    """What the image needs from the repository is there, and the build context lets it through."""
    problems: list[str] = []
    repo = HERE.parent
    text = path.read_text(encoding="utf-8")
    ignore_path = path.with_name(path.name + ".dockerignore")
    rules = [
        line.strip()
        for line in ignore_path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not rules or rules[0] != "*":
        problems.append(f"{ignore_path.name}: does not start by leaving everything out (*)")
    kept = [rule[1:].rstrip("/") for rule in rules if rule.startswith("!")]
    for match in re.finditer(r"^COPY\s+(?!--from)(.+?)\s+\S+\s*$", text, re.M):
        for source in match.group(1).split():
            plain = re.sub(r"\[(.)\]", r"\1", source).rstrip("/")
            if not any(plain == keep or plain.startswith(keep + "/") for keep in kept):
                problems.append(f"{ignore_path.name}: leaves out {source}, which the Dockerfile copies")
    manifest = (repo / "Package.swift").read_text(encoding="utf-8")
    if '.executable(name: "mediabatch"' not in manifest:
        problems.append("Package.swift: no executable product mediabatch")
    for resource in ("Public", "OpenAPI"):
        if f'.copy("{resource}")' not in manifest:
            problems.append(f"Package.swift: MediaBatchServer no longer copies {resource} as a resource")
    for needed in ("Sources/MediaBatchServer/Public/index.html", "Sources/MediaBatchServer/OpenAPI/openapi.yaml"):
        if not (repo / needed).is_file():
            problems.append(f"{needed} is missing: the image's server would have no dashboard or OpenAPI description")
    if not re.search(r"swift build -c release --static-swift-stdlib --product mediabatch", text):
        problems.append("the build stage does not build the mediabatch product with --static-swift-stdlib")
    if "*.resources" not in text:
        problems.append("the resource bundles are not copied next to the binary (Bundle.module looks there)")
    if 'ENTRYPOINT ["/usr/local/bin/mediabatch"]' not in text:
        problems.append("the entrypoint is not /usr/local/bin/mediabatch")
    tools = re.search(r"swift-tools-version:\s*(\d+)\.(\d+)", manifest)
    image = re.search(r"^ARG SWIFT_IMAGE=swift:(\d+)\.(\d+)", text, re.M)
    if not tools or not image:
        problems.append("cannot tell the Swift image's version or the package's tools version")
    elif tuple(map(int, image.groups())) < tuple(map(int, tools.groups())):
        problems.append(f"the Swift image {image.group(1)}.{image.group(2)} is older than swift-tools-version")
    return problems


def kit_upload(path: Path) -> list[str]:
    """The files a Cloud Build upload with this ignore file holds: what the image needs, and nothing big besides."""
    import subprocess

    repo = HERE.parent

    def files(*args: str) -> set[str]:
        out = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", *args], check=True, capture_output=True)
        return {name for name in out.stdout.decode().split("\0") if name}

    exclude = f"--exclude-from={path.resolve()}"
    uploaded = (files("--cached") - files("--cached", "--ignored", exclude)) | files("--others", exclude)
    uploaded = {name for name in uploaded if (repo / name).exists()}
    problems = []
    for needed in ("Package.swift", "deploy/Dockerfile", "deploy/Dockerfile.dockerignore"):
        if needed not in uploaded:
            problems.append(f"{path.name}: leaves out {needed}")
    for folder in ("Sources", "Tests"):
        tracked = {name for name in files("--cached") if name.startswith(folder + "/")}
        if not tracked or not tracked <= uploaded:
            problems.append(f"{path.name}: leaves out files of {folder}/")
    strays = sorted({name.split("/")[0] for name in uploaded} - {"Package.swift", "Package.resolved", "Sources", "Tests", "deploy"})
    strays += sorted(
        name for name in uploaded if name.startswith("deploy/") and name not in ("deploy/Dockerfile", "deploy/Dockerfile.dockerignore")
    )
    if strays:
        problems.append(f"{path.name}: uploads what the build does not need: {', '.join(strays[:8])}")
    return problems


# --- broken copies ------------------------------------------------------------------------------------------------


def step(node: Any, token: str) -> Any:
    if isinstance(node, list):
        if "=" in token:
            key, _, value = token.partition("=")
            return next(item for item in node if str(item.get(key)) == value)
        return node[int(token)]
    return node[token]


def mutate(source: Path, target: Path, kind: str, path: str, op: str, value: str | None) -> None:
    documents = load_documents(source)
    chosen = documents[0] if kind == "-" else next(d for d in documents if d.get("kind") == kind)
    *parents, last = path.split(".")
    node = chosen
    for token in parents:
        node = step(node, token)
    if op == "rename":
        assert value is not None and last in node, f"{path} is not in {source}"
        node[value] = node.pop(last)
    elif op == "set":
        assert value is not None
        if isinstance(node, list):
            node[int(last)] = json.loads(value)
        else:
            node[last] = json.loads(value)
    else:
        raise SystemExit(f"unknown op {op}")
    if target.suffix == ".json":
        target.write_text(json.dumps(documents[0], indent=2) + "\n", encoding="utf-8")
    else:
        target.write_text(yaml.safe_dump_all(documents, sort_keys=False), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "schema":
        label, problems = argv[2], check_schema(Path(argv[2]), Path(argv[3]))
    elif len(argv) == 4 and argv[1] == "kit":
        rules = {"cloud-run": kit_cloud_run, "kubernetes": kit_kubernetes, "batch": kit_batch, "docker": kit_docker,
                 "upload": kit_upload}
        label, problems = argv[3], rules[argv[2]](Path(argv[3]))
    elif len(argv) in (7, 8) and argv[1] == "mutate":
        mutate(Path(argv[2]), Path(argv[3]), argv[4], argv[5], argv[6], argv[7] if len(argv) == 8 else None)
        return 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems:
        print(f"{label}: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
