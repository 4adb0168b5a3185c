#!/usr/bin/env bash
# Edge CPU cost per request at fixed request rates: A/B of runtime configurations of the SAME edge host
# (bench/edge/EdgeBench edge, the product's hosting and runtimeconfig) behind the same upstream fixture.
#   bash bench/edge/cost.sh                    (about 2 minutes with the build)
# For each rate (RateLoad, open loop) and round, each configuration in turn: CPU us, syscalls and context switches per
# request of the edge process (perf software events), bytes allocated, thread-pool work items per request and gen0 GCs
# in the window, and the p99 seen by the generator. The counts per request hardly depend on the machine's other load,
# so this A/B works on a busy machine where latency and req/s do not.
# Env: RATES ("5000 11000"), WINDOW (seconds, 8 per window, after a 2 s warm-up), ROUNDS (2, interleaved), CONFIGS
# ("product old"), PORT_BASE (18580). Configurations (environment of that edge process only):
#   product  nothing added: src/Server/Runtime.props (thread-pool spin limit 0) as it is: the in-process edge
#   node     product + inline socket completions: the standalone edge process (./crownest edge, src/Server/EdgeNode)
#   old      the runtime's default spin limit (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70): the product before
#            2026-11-23 07:00 UTC
#   kin      product + Kestrel UnsafePreferInlineScheduling (a per-server transport option; tried, not the product)
#   kinold   old + Kestrel inline scheduling
#   il       product + inline socket completions + Kestrel inline scheduling (inline completions are process-wide and
#            environment-only: an edge-only process would pay)
#   il1      il with one socket engine thread
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
base="${PORT_BASE:-18580}"
seconds="${WINDOW:-8}"
rounds="${ROUNDS:-2}"
host="bench.preview.localhost"
key="bench-key"
declare -A config_env=(
  [product]=""
  [node]="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1"
  [old]="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70"
  [kin]="EDGEBENCH_KESTREL_INLINE=1"
  [kinold]="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70 EDGEBENCH_KESTREL_INLINE=1"
  [il]="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 EDGEBENCH_KESTREL_INLINE=1"
  [il1]="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 EDGEBENCH_KESTREL_INLINE=1 DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1"
)
tmp="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
dotnet build -c Release "$here/EdgeBench" -o "$tmp/bin" -v q -nologo >/dev/null
dotnet build -c Release "$here/RateLoad" -o "$tmp/rateload" -v q -nologo >/dev/null

start_bench() { # stats-name env args...
  # shellcheck disable=SC2086 # $2 is a list of NAME=value words
  env $2 EDGEBENCH_STATS="$tmp/stats.$1" dotnet "$tmp/bin/EdgeBench.dll" "${@:3}" >"$tmp/$1.log" 2>&1 & pids+=($!)
}
up_port=$((base + 1))
start_bench up "" upstream "$up_port"
declare -A cpid cport
port=$((base + 2))
for c in ${CONFIGS:-product old}; do
  [ -n "${config_env[$c]+x}" ] || { echo "unknown configuration '$c' (${!config_env[*]})" >&2; exit 2; }
  start_bench "$c" "${config_env[$c]}" edge "$port" "$up_port"
  cpid[$c]=$!; cport[$c]=$port; port=$((port + 1))
done
for p in "$up_port" "${cport[@]}"; do
  for _ in $(seq 1 100); do
    curl -s -o /dev/null -H "Host: $host" -H "Authorization: Bearer $key" "http://127.0.0.1:$p/" && break
    sleep 0.2
  done
done
# JIT warm-up of every edge (tiered compilation + PGO).
for c in ${CONFIGS:-product old}; do
  dotnet "$tmp/rateload/RateLoad.dll" "${cport[$c]}" 5000 4 64 2 "Host: $host" "Authorization: Bearer $key" >/dev/null
done
hz="$(getconf CLK_TCK)"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
printf '%-8s %6s %3s %8s %9s %7s %9s %8s %5s %8s %8s %8s %s\n' config rate '#' 'cpu us' syscalls ctxsw 'alloc B' 'tp items' gc0 'p50 ms' 'p90 ms' 'p99 ms' "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
for rate in ${RATES:-5000 11000}; do
  for round in $(seq 1 "$rounds"); do
    for c in ${CONFIGS:-product old}; do
      pid="${cpid[$c]}"
      dotnet "$tmp/rateload/RateLoad.dll" "${cport[$c]}" "$rate" "$seconds" 64 2 "Host: $host" "Authorization: Bearer $key" >"$tmp/rate.out" & load=$!
      sleep 2.3
      b="$(ticks "$pid")"; sb="$(cat "$tmp/stats.$c")"; t0="$(date +%s.%N)"
      perf stat -x, -o "$tmp/perf.out" -e 'context-switches,raw_syscalls:sys_enter' -p "$pid" -- sleep "$seconds" 2>/dev/null
      a="$(ticks "$pid")"; t1="$(date +%s.%N)"; sleep 0.15; sa="$(cat "$tmp/stats.$c")"
      wait "$load"
      read -r _ _ p50 p90 p99 _ <"$tmp/rate.out"
      n="$(awk -v r="$rate" -v a="$t0" -v b="$t1" 'BEGIN { print r * (b - a) }')"
      awk -F, -v n="$n" -v t="$((a - b))" -v hz="$hz" -v sb="$sb" -v sa="$sa" -v c="$c" -v rate="$rate" -v round="$round" -v p50="$p50" -v p90="$p90" -v p99="$p99" '
        /raw_syscalls:sys_enter/ { s = $1 } /context-switches/ { x = $1 }
        END { split(sb, u, " "); split(sa, v, " ");
          printf "%-8s %6d %3d %8.1f %9.2f %7.2f %9d %8.2f %5d %8s %8s %8s\n", c, rate, round, t * 1e6 / hz / n, s / n, x / n, (v[1] - u[1]) / n, (v[2] - u[2]) / n, v[3] - u[3], p50, p90, p99 }' "$tmp/perf.out"
    done
  done
done
