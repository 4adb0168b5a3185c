#!/usr/bin/env bash
# Subscription benchmark (issue 6) in one command: builds the server, starts an embedded PostgreSQL 15 cluster and the
# platform (as `./crownest test` does), runs bench.mjs, stops everything and prints the table with the targets.
#   bash bench/subscriptions/run.sh            (from anywhere; about a minute on an idle machine)
# Env: FANOUT=0 to run only the idle-memory part, SUBSCRIBERS (1000), EVENTS (20 measured, after WARMUP=80 unmeasured), CLIENT_WORKERS (2 client threads; 0 = one, as before), IDLE (10000), NO_BUILD=1 to reuse the last Release build,
#      SERVER_DLL to run another build of CrowNest.Server.dll (e.g. a copy of an older commit's, for before/after),
#      PROFILE=1 to also print where the server's CPU goes during the fan-out rounds (perf, with .NET perf maps) and
#      the SQL statements the database ran during them (the profile costs CPU: its latencies are not comparable),
#      GC_PROBE=1 to print the server's GC heap / committed / fragmented bytes, threads and RSS around the idle part,
#      and after a full and an aggressive GC (a bench-only startup hook, bench/subscriptions/GcProbe).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dll="${SERVER_DLL:-$root/src/Server/bin/Release/net10.0/CrowNest.Server.dll}"
subscribers="${SUBSCRIBERS:-1000}"
events="${EVENTS:-20}"
idle="${IDLE:-10000}"

if [ -z "${NO_BUILD:-}${SERVER_DLL:-}" ]; then
  dotnet build "$root/src/Server" -c Release -nologo -v q -clp:NoSummary >/dev/null
fi
(cd "$here" && { [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null; })

tmp="$(mktemp -d "${TMPDIR:-/tmp}/crownest-bench-subs.XXXXXX")"
chmod 755 "$tmp" # the postgres OS user (when running as root) must reach the cluster below it
server_pid=""
pg_started=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    rm -f "/tmp/perf-$server_pid.map" "/tmp/perfinfo-$server_pid.map"
  fi
  if [ -n "$pg_started" ]; then
    dotnet "$dll" postgres stop "--Postgres:DataDir=$tmp/pg" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

pg="$(dotnet "$dll" postgres start "--Postgres:DataDir=$tmp/pg" --Postgres:Port=0 --Postgres:Durable=false)"
pg_started=1
db="$(CROWNEST_POSTGRES="$pg" dotnet "$dll" postgres createdb bench_subs)"

api_port="$(free_port)"
edge_port="$(free_port)"
export CROWNEST_API_URL="http://127.0.0.1:$api_port" CROWNEST_EDGE_URL="http://127.0.0.1:$edge_port"
export CROWNEST_TOKEN="cn_bench_subscriptions_token_000000001"
profile_env=()
if [ -n "${GC_PROBE:-}" ]; then
  # Bench-only startup hook reporting the server's GC and process memory around the idle part (to stderr).
  dotnet build "$here/GcProbe" -c Release -nologo -v q -clp:NoSummary >/dev/null
  mkdir -p "$tmp/probe"
  profile_env+=(DOTNET_STARTUP_HOOKS="$here/GcProbe/bin/Release/net10.0/CrowNest.Bench.GcProbe.dll" GCPROBE_DIR="$tmp/probe")
fi
if [ -n "${PROFILE:-}" ]; then
  profile_env+=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 PERF_OUT="$tmp/perf.data" LOG_STATEMENTS=1)
fi
env "${profile_env[@]}" CROWNEST_POSTGRES="$db" CROWNEST_BOOTSTRAP_TOKEN="$CROWNEST_TOKEN" CROWNEST_DEV="" \
  Logging__LogLevel__Default=Warning dotnet "$dll" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -fs -o /dev/null "$CROWNEST_API_URL/healthz" && break
  kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$tmp/server.log" >&2; exit 1; }
  sleep 0.2
done

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$here" && env "${profile_env[@]}" CROWNEST_POSTGRES="$db" SERVER_PID="$server_pid" FANOUT="${FANOUT:-1}" SUBSCRIBERS="$subscribers" EVENTS="$events" IDLE="$idle" \
  node bench.mjs) | tee "$tmp/out.jsonl"

node - "$tmp/out.jsonl" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'JS'
const fs = require('fs');
const lines = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const f = lines.find((l) => l.fanout)?.fanout;
const i = lines.find((l) => l.idle)?.idle;
const ok = (b) => (b ? 'met' : 'MISSED');
const rows = [['Measure', 'Target', 'Result', '']];
if (f) rows.push(
  [`1 event -> ${f.subscribers} WebSocket subscribers, ${f.events} events: p50 / p99 / max`, 'p99 <= 50 ms',
    `${f.p50Ms} / ${f.p99Ms} / ${f.maxMs} ms`, ok(f.p99Ms <= 50 && f.deliveries === f.expected)],
  ['  deliveries', `${f.expected}`, `${f.deliveries}`, ok(f.deliveries === f.expected)],
  ['  server CPU per event / per delivery', '', `${f.serverCpuMsPerEvent} ms / ${f.serverCpuUsPerDelivery} us`, ''],
  ['  server CPU per delivery without the background JIT thread', '', `${f.serverCpuUsPerDeliveryExclJit} us`, ''],
  ['  database transactions per event', '', `${f.dbTransactionsPerEvent}`, ''],
);
if (i) rows.push(
  [`${i.subscriptions} idle subscriptions (${i.connections} connections), server RSS before -> after`, '<= 300 MB',
    `${i.rssBeforeMb} -> ${i.rssAfterMb} MB (+${i.deltaMb} MB, ${i.live} live)`, ok(i.deltaMb <= 300 && i.live === i.subscriptions)],
);
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log(`\nload average before: ${process.argv[3]}, after: ${process.argv[4]} (2 cores; latency is only meaningful on an idle machine)`);
for (const r of rows) console.log('| ' + r.map((v, c) => v.padEnd(widths[c])).join(' | ') + ' |');
JS

if [ -n "${PROFILE:-}" ]; then
  echo
  echo "SQL statements during the fan-out rounds (all of them, bench's own included):"
  grep -oE '(statement|execute [^:]*): .*' "$tmp/pg/postgres.log" | sed -E 's/^execute [^:]*:/execute:/' | cut -c1-160 | sort | uniq -c | sort -rn | head -20 || true
  echo
  echo "Server CPU during the fan-out rounds, by DSO (perf):"
  perf report -i "$tmp/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12 || true
  echo
  echo "Top symbols (self):"
  perf report -i "$tmp/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60 || true
  if [ -n "${PROFILE_KEEP:-}" ]; then
    # The .NET perf map goes with it (perf report -i FILE resolves JIT'd frames from /tmp/perf-PID.map: copy it back there).
    cp "$tmp/perf.data" "$PROFILE_KEEP"
    cp "/tmp/perf-$server_pid.map" "$PROFILE_KEEP.perf-$server_pid.map" 2>/dev/null || true
  fi
fi
