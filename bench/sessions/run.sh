#!/usr/bin/env bash
# App preview session benchmark (issue 5): POST → ready (cold), warm reuse, live edit → served; once per runtime
# (process, then docker when dockerd and the sandbox image are available). See README.md. Prints one table.
# Env: COLD (20) WARM (50) EDITS (30) fresh sessions / reuses / edits per runtime; RUNTIMES ("process docker").
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

dotnet build src/Server -c Release -nologo -v q -clp:NoSummary >/dev/null
dll="$root/src/Server/bin/Release/net10.0/CrowNest.Server.dll"
work=$(mktemp -d "${TMPDIR:-/tmp}/crownest-bench-sessions.XXXXXX")
chmod 755 "$work" # the postgres OS user reaches its cluster below this directory
results="$work/results.jsonl"
: >"$results"
server_pid=""
pg=""

# SIGTERM: a background job of a non-interactive shell starts with SIGINT ignored.
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

cleanup() {
  stop_server
  if [ -n "$pg" ]; then
    dotnet "$dll" postgres stop "--Postgres:DataDir=$work/pg" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

pg=$(dotnet "$dll" postgres start "--Postgres:DataDir=$work/pg" --Postgres:Port=0 --Postgres:Durable=false)
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
token=cn_bench_sessions_token_0000000000001

for runtime in ${RUNTIMES:-process docker}; do
  if [ "$runtime" = docker ]; then
    if ! { bash scripts/start-dockerd.sh && bash scripts/sandbox-image/build.sh; } >"$work/docker.log" 2>&1; then
      echo "{\"runtime\":\"docker\",\"measure\":\"skipped: dockerd or the sandbox image is unavailable ($(tail -n 1 "$work/docker.log" | tr -d '"'))\"}" >>"$results"
      continue
    fi
  fi
  db=$(CROWNEST_POSTGRES="$pg" dotnet "$dll" postgres createdb "bench_sessions_$runtime")
  api="http://127.0.0.1:$(free_port)"
  edge="http://127.0.0.1:$(free_port)"
  CROWNEST_POSTGRES="$db" CROWNEST_BOOTSTRAP_TOKEN=$token CROWNEST_API_URL=$api CROWNEST_EDGE_URL=$edge \
    CROWNEST_Sandboxes__Runtime=$runtime CROWNEST_Sandboxes__Process__RootDirectory="$work/sandboxes-$runtime" \
    CROWNEST_Logging__LogLevel__Default=Warning \
    dotnet "$dll" >"$work/server-$runtime.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    curl -fs "$api/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$work/server-$runtime.log" >&2; exit 1; }
    sleep 0.1
  done
  if ! CROWNEST_API_URL=$api CROWNEST_TOKEN=$token RUNTIME=$runtime SERVER_PID=$server_pid node bench/sessions/bench.mjs >>"$results" 2>"$work/bench-$runtime.err"; then
    echo "{\"runtime\":\"$runtime\",\"measure\":\"failed: $(tail -n 1 "$work/bench-$runtime.err" | tr -d '"\\')\"}" >>"$results"
    tail -n 20 "$work/bench-$runtime.err" >&2
  fi
  stop_server
done

node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
const cols = [["runtime", 8], ["measure", 42], ["n", 4], ["medianMs", 9], ["p90Ms", 8], ["maxMs", 8], ["targetMs", 9], ["serverCpuMsPerOp", 17]];
const cell = (v) => v === undefined || v === null || Number.isNaN(v) ? "-" : String(v);
console.log(cols.map(([c, w]) => c.padEnd(w)).join(" "));
for (const r of rows) {
  const verdict = r.targetMs === undefined ? "" : r.medianMs <= r.targetMs ? "  ok" : "  MISSED";
  console.log(cols.map(([c, w]) => cell(r[c]).padEnd(w)).join(" ") + verdict);
}' "$results"
