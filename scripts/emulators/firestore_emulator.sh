#!/usr/bin/env bash
# Starts the official Cloud Firestore emulator on 127.0.0.1 for MediaBatch's end-to-end tests.
#
#   scripts/emulators/firestore_emulator.sh [--port P] [--project ID]
#
# --port 0 (the default) picks a free port. Prints "READY <port>" on stdout once the emulator answers HTTP; its own
# log goes to stderr. Stops the emulator's JVM on SIGTERM, SIGINT or exit, and exits with the JVM's status if the
# JVM stops first. It runs the jar from the Cloud SDK's platform/cloud-firestore-emulator/ folder with the same
# arguments as the SDK's cloud_firestore_emulator wrapper, but as a direct child, so that it can be stopped cleanly.
#
# Environment: FIRESTORE_EMULATOR_DIR (skips the 'gcloud info' lookup), JAVA (default java),
# FIRESTORE_EMULATOR_JAVA_OPTS (extra JVM options), FIRESTORE_EMULATOR_START_TIMEOUT (seconds, default 90).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port=0
project=""
while (($#)); do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    --project) project="$2"; shift 2 ;;
    --project=*) project="${1#--project=}"; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "firestore_emulator.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

if [ -z "${FIRESTORE_EMULATOR_DIR:-}" ]; then
  eval "$("$HERE/setup" --print-env)"  # fails, saying how to install, when the emulator or Java is missing
fi
JAVA="${JAVA:-java}"
jar="$FIRESTORE_EMULATOR_DIR/cloud-firestore-emulator.jar"
[ -f "$jar" ] || { echo "firestore_emulator.sh: $jar not found; run scripts/emulators/setup" >&2; exit 1; }

if [ "$port" = 0 ]; then
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
elif ! python3 -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null; then
  echo "firestore_emulator.sh: 127.0.0.1:$port is already in use" >&2
  exit 1
fi
log_dir="$(mktemp -d "${TMPDIR:-/tmp}/firestore-emulator.XXXXXX")"
log="$log_dir/emulator.log"

args=(start --host 127.0.0.1 --port "$port")
[ -n "$project" ] && args+=(--project_id "$project")

# shellcheck disable=SC2086
"$JAVA" -Duser.language=en ${FIRESTORE_EMULATOR_JAVA_OPTS:-} -cp "$jar" \
  com.google.cloud.datastore.emulator.firestore.CloudFirestore "${args[@]}" </dev/null > >(tee "$log" >&2) 2>&1 &
java_pid=$!

stop() {
  trap - TERM INT EXIT
  if kill -0 "$java_pid" 2>/dev/null; then
    kill -TERM "$java_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$java_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$java_pid" 2>/dev/null || true
  fi
  wait "$java_pid" 2>/dev/null || true
  rm -rf "$log_dir"
}
trap 'stop; exit 143' TERM
trap 'stop; exit 130' INT
trap 'stop' EXIT

deadline=$((SECONDS + ${FIRESTORE_EMULATOR_START_TIMEOUT:-90}))
# Ready when our JVM says so and the port answers (the log line alone comes before the socket is bound).
until grep -q "Dev App Server is now running" "$log" 2>/dev/null \
  && curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null \
  && kill -0 "$java_pid" 2>/dev/null; do
  if ! kill -0 "$java_pid" 2>/dev/null; then
    wait "$java_pid" && status=0 || status=$?
    echo "firestore_emulator.sh: the emulator exited ($status) before answering on 127.0.0.1:$port" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "firestore_emulator.sh: the emulator did not answer on 127.0.0.1:$port in time" >&2
    exit 1
  fi
  sleep 0.1
done
echo "READY $port"

# Wait for the JVM; a trapped signal interrupts 'wait' and runs stop().
status=0
wait "$java_pid" || status=$?
trap - EXIT
rm -rf "$log_dir"
exit "$status"
