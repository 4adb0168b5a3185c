#!/usr/bin/env bash
# Preview edge load comparison: direct upstream vs CrowNest edge vs nginx (and bare YARP), side by side in one run.
#   bash bench/edge/run.sh            (from anywhere; about 6-7 minutes with the build)
# Prints, per target: req/s and p99 at 64 keep-alive connections, CPU time per request of the measured process, and
# for the .NET processes bytes allocated and thread-pool work items per request (load-insensitive); then latency
# percentiles of each target at the same constant half-load rate (open loop, bench/edge/RateLoad), with CPU per
# request and GC counts/pauses in that window, and the added p99 of edge and nginx over direct.
# Env: DURATION (default 10s), WARMUP (8s), HALF_DURATION (seconds, default DURATION's), CONNECTIONS (64),
# THREADS (2), PORT_BASE (18480), EDGE_ENV (extra environment of the edge process only, for trying runtime knobs),
# ROUNDS (half-load rounds, default 5, interleaved: the median and spread of the added p99), PIN (0 = unpinned, the default; 1 = half load with the
# generator alone on CPU 0 and the measured processes on the other CPUs). With `perf` installed, also syscalls and context switches per
# request of the measured process (load-insensitive counts of the thread hops the CPU time hides). VARIANTS (default
# none; "il old"): edge variants with runtime switches, measured beside the product's edge (edge-il, edge-old; below).
# The upstream is one fixture for every target (direct, edge, nginx, yarp, variants): EdgeBench upstream, which runs as
# one inline event loop like a sandbox's dev server (see EdgeBench's Program.cs); it ignores EDGE_ENV/EDGEBENCH_ENV.
# Needs wrk and nginx (Debian packages; installed with apt-get when missing).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-64}"
threads="${THREADS:-2}"
base="${PORT_BASE:-18480}"
up_port=$((base + 1)) edge_port=$((base + 2)) nginx_port=$((base + 3)) yarp_port=$((base + 4)) floor_port=$((base + 6))
host="bench.preview.localhost"
key="bench-key"

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need nginx nginx
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

dotnet build -c Release "$here/EdgeBench" -o "$tmp/bin" -v q -nologo >/dev/null
dotnet build -c Release "$here/RateLoad" -o "$tmp/rateload" -v q -nologo >/dev/null
# Each .NET process keeps its allocation / thread-pool counters in $tmp/stats.<pid> (see EdgeBench's Program.cs).
# Their console logs (the edge logs like the server) go to $tmp/<name>.log, not into the table.
start_bench() {
  # shellcheck disable=SC2086 # EDGEBENCH_ENV is a list of NAME=value words
  env ${EDGEBENCH_ENV:-} EDGEBENCH_STATS="$tmp/stats.$1" dotnet "$tmp/bin/EdgeBench.dll" "${@:2}" >"$tmp/$1.log" 2>&1 & pids+=($!)
}
# The upstream fixture configures itself (one inline event loop, EdgeBench Program.cs) and never takes EDGEBENCH_ENV:
# every target proxies the same, cheap upstream.
EDGEBENCH_ENV= start_bench up upstream "$up_port"; up_pid=$!
# EDGE_ENV="NAME=value ..." runs the edge process with extra environment (runtime knobs to try, e.g.
# DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0); empty by default: the product's configuration.
EDGEBENCH_ENV="${EDGE_ENV:-}" start_bench edge edge "$edge_port" "$up_port"; edge_pid=$!
start_bench yarp yarp "$yarp_port" "$up_port"; yarp_pid=$!
# lean: Kestrel + a minimal hand-written forwarder (pooled sockets, no YARP, no HttpClient): the floor of a Kestrel-hosted proxy.
lean_port=$((base + 5)); start_bench lean lean "$lean_port" "$up_port"; lean_pid=$!
# edge-node: the standalone edge process (`./crownest edge`, src/Server/EdgeNode): the same edge with inline socket
# completions, the runtime setting EdgeNodeCommand makes before its first socket. Always measured, beside the in-process
# edge (`./crownest dev`).
# Edge variants: the same edge host with runtime switches that are NOT the product's configuration, measured side by
# side to decide whether they should become it (docs/edge.md, "Thread hops and the process model"). VARIANTS (default
# none, to keep the run within ~8 minutes; e.g. VARIANTS="il old"):
#   il   edge-il: + inline socket completions and Kestrel inline scheduling, so socket continuations and request
#        processing run on the epoll threads: no thread-pool hop per I/O completion
#   old  edge-old: the product before 2026-11-23 07:00 UTC: thread-pool spin limit 70 (the runtime's default)
declare -A variant_env=(
  [il]="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 EDGEBENCH_KESTREL_INLINE=1"
  [node]="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1"
  [old]="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70"
)
variant_targets=() variant_pids=() variant_ports=()
vport=$((base + 7))
for v in node ${VARIANTS:-}; do
  [ -n "${variant_env[$v]:-}" ] || { echo "unknown edge variant '$v' (il, old)" >&2; exit 2; }
  EDGEBENCH_ENV="${variant_env[$v]} ${EDGE_ENV:-}" start_bench "edge$v" edge "$vport" "$up_port"
  variant_targets+=("edge-$v:edge$v:$vport:$!"); variant_pids+=("$!"); variant_ports+=("$vport")
  vport=$((vport + 1))
done

mkdir -p "$tmp/nginx/logs" && chmod -R 777 "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  upstream sandbox { server 127.0.0.1:$up_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      # Same work as the edge where nginx can do it: check the key, strip it, set X-Forwarded-*, keep Host.
      if (\$http_authorization != "Bearer $key") { return 401; }
      proxy_pass http://sandbox;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header Authorization "";
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
    }
  }
  # The harness floor (half load only): nginx answering by itself, no upstream and no proxying: the latency of the
  # generator, the loopback and one tiny server; a floor near the proxies' numbers means the harness, not the proxy.
  server {
    listen 127.0.0.1:$floor_port;
    location / { default_type text/plain; return 200 "Hello, world!"; }
  }
}
CONF
"$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" & pids+=($!); nginx_pid=$!

wait_for() {
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null -H "Host: $host" -H "Authorization: Bearer $key" "http://127.0.0.1:$1/"; then return 0; fi
    sleep 0.2
  done
  echo "port $1 did not come up" >&2; exit 1
}
ports=("$up_port" "$edge_port" "$nginx_port" "$yarp_port")
ports+=("$lean_port")
ports+=("${variant_ports[@]}")
for p in "${ports[@]}"; do wait_for "$p"; done
for p in "$edge_port" "$nginx_port"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $host" -H "Authorization: Bearer $key" "http://127.0.0.1:$p/")"
  [ "$code" = 200 ] || { echo "port $p answered $code, expected 200" >&2; exit 1; }
done

# wrk's latency units (us, ms, s) to milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

# CPU time (clock ticks) used so far by a process and its children (nginx: master + workers).
cpu_ticks() {
  local total=0 pid
  for pid in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# "allocated-bytes thread-pool-work-items" of a .NET target so far ("- -" for nginx).
dotnet_stats() { if [ -f "$tmp/stats.$1" ]; then awk '{ print $1, $2 }' "$tmp/stats.$1"; else echo "- -"; fi; }

# The measured process and its children (nginx: master + workers), comma-separated for perf -p.
pid_list() { { echo "$1"; ps -o pid= --ppid "$1" 2>/dev/null; } | awk 'NF { printf "%s%s", sep, $1; sep = "," }'; }
# perf counts syscalls and context switches of a process (software events and tracepoints: work on VMs without a PMU).
have_perf=0
if command -v perf >/dev/null 2>&1 && perf stat -e 'context-switches,raw_syscalls:sys_enter' -- true >/dev/null 2>&1; then have_perf=1; fi
# perf_counts <file> <requests>: "syscalls-per-request context-switches-per-request" ("- -" without perf).
perf_counts() {
  if [ "$have_perf" != 1 ] || [ ! -s "$1" ]; then echo "- -"; return; fi
  awk -F, -v n="$2" '/raw_syscalls:sys_enter/ { s = $1 } /context-switches/ { c = $1 } END { printf "%.2f %.2f\n", s / n, c / n }' "$1"
}
# Runs "$@" while perf counts the events of the processes in $1 (a pid_list) into $tmp/perf.out.
with_perf() {
  local pids="$1"; shift
  if [ "$have_perf" = 1 ]; then
    perf stat -x, -o "$tmp/perf.out" -e 'context-switches,raw_syscalls:sys_enter' -p "$pids" -- "$@"
  else
    "$@"
  fi
}

run_wrk() { # name port proxy-pid extra-args... ; prints "rps p50 p99 cpu-us-per-request alloc-B-per-request tp-items-per-request errors"
  local name="$1" port="$2" pid="$3"; shift 3
  local before after sb sa
  before="$(cpu_ticks "$pid")"; sb="$(dotnet_stats "$name")"
  rm -f "$tmp/perf.out"
  with_perf "$(pid_list "$pid")" wrk -t "$threads" -c "$connections" -d "$duration" --latency -H "Host: $host" -H "Authorization: Bearer $key" "$@" "http://127.0.0.1:$port/" >"$tmp/wrk.out"
  after="$(cpu_ticks "$pid")"; sleep 0.3; sa="$(dotnet_stats "$name")"
  local rps p50 p99 requests cpu errors
  rps="$(awk '/^Requests\/sec/ { print $2 }' "$tmp/wrk.out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk.out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.out")")"
  requests="$(awk '/requests in/ { print $1 }' "$tmp/wrk.out")"
  cpu="$(awk -v t="$((after - before))" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
  local alloc tp
  read -r alloc tp <<<"$(awk -v b="$sb" -v a="$sa" -v n="$requests" 'BEGIN {
    split(b, x, " "); split(a, y, " ");
    if (x[1] == "-") print "-", "-"; else printf "%d %.2f\n", (y[1] - x[1]) / n, (y[2] - x[2]) / n }')"
  errors="$(awk '/Non-2xx|Socket errors/ { $1 = $1; print }' "$tmp/wrk.out" | paste -sd ';' -)"
  echo "$rps $p50 $p99 $cpu $alloc $tp $(perf_counts "$tmp/perf.out" "$requests") ${errors:-}"
}

# Warm-up: .NET's tiered JIT (with PGO) needs several seconds of traffic to reach steady state, more on a busy machine.
for p in "${ports[@]}"; do
  wrk -t "$threads" -c "$connections" -d "${WARMUP:-8s}" -H "Host: $host" -H "Authorization: Bearer $key" "http://127.0.0.1:$p/" >/dev/null
done

echo "== throughput: wrk -t $threads -c $connections -d $duration (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
# cpu = CPU time of the measured process (the proxy; for "direct" the upstream itself) per request: less sensitive
# to other load on the machine than req/s. alloc and tp (.NET only) = bytes allocated and thread-pool work items
# completed per request by that process: independent of machine load.
declare -A rps p99 cpu
targets=(direct:up:$up_port:$up_pid edge:edge:$edge_port:$edge_pid nginx:nginx:$nginx_port:$nginx_pid)
targets+=("${variant_targets[@]}")
for target in "${targets[@]}" yarp:yarp:$yarp_port:$yarp_pid lean:lean:$lean_port:$lean_pid; do
  IFS=: read -r name stats port pid <<<"$target"
  read -r r _ q c a t sc cs extra <<<"$(run_wrk "$stats" "$port" "$pid")"
  rps[$name]="$r"; p99[$name]="$q"; cpu[$name]="$c"
  printf '%-7s %10s req/s   p99 %8s ms   cpu %6s us/req   alloc %6s B/req   tp %5s items/req   syscalls %5s   ctxsw %5s /req %s\n' \
    "$name" "$r" "$q" "$c" "$a" "$t" "$sc" "$cs" "$extra"
done
variant_ratios=""
for t in "${variant_targets[@]}"; do
  v="${t%%:*}"
  variant_ratios="$variant_ratios; $v/nginx: $(awk -v a="${rps[$v]}" -v b="${rps[nginx]}" 'BEGIN { printf "%.2fx", a / b }')"
done
awk -v e="${rps[edge]}" -v n="${rps[nginx]}" -v y="${rps[yarp]}" -v ce="${cpu[edge]}" -v cn="${cpu[nginx]}" -v vr="$variant_ratios" \
  'BEGIN { printf "edge/nginx throughput: %.2fx (target >= 0.8x); edge/bare-yarp: %.2fx; nginx/edge cpu per request: %.2fx%s\n", e / n, e / y, cn / ce, vr }'
awk -v l="${rps[lean]}" -v n="${rps[nginx]}" -v cl="${cpu[lean]}" -v cn="${cpu[nginx]}" 'BEGIN { printf "lean/nginx throughput (the Kestrel-forwarder floor): %.2fx; nginx/lean cpu per request: %.2fx\n", l / n, cn / cl }'

# Half load: the same constant request rate (half the edge's maximum above) offered to each target by RateLoad
# (bench/edge/RateLoad), an open-loop generator like wrk2 -R (wrk2 is not a Debian package, and Debian's wrk has no
# constant-rate mode: a Lua delay() is whole milliseconds and per connection, so it sends in bursts and lets the
# offered rate fall when the target is slow). Request i is due at start + i/rate and goes out on any idle keep-alive
# connection; its latency runs from its due time, so a stall (GC pause, descheduled thread) counts for every request
# it delayed instead of being coordinated away. A 2 s warm-up at the same rate precedes each window and is not
# recorded. Per target: percentiles, CPU time per request of the measured process, and for .NET the GCs (gen0/1/2)
# and total GC pause inside the window.
# Half of the larger of the two product edges' maxima (in-process edge, edge-node), so each is measured at or above
# half of its own maximum.
half="$(awk -v e="${rps[edge]}" -v n="${rps[edge-node]}" 'BEGIN { m = e > n ? e : n; printf "%d", m / 2 }')"
half_seconds="${HALF_DURATION:-${duration%s}}"
rounds="${ROUNDS:-5}"
# PIN=1 (off by default: on the 2-core VM it leaves the edge and its upstream one core, which overloads them at half of
# the edge's two-core maximum — +190-220 ms p99 on the idle machine, 2026-11-23): the generator runs alone on CPU 0 and the measured processes (upstream, edge, nginx master and
# workers) are moved to the other CPUs for this part, identically for every target, so neither side's threads delay
# the other's wake-ups (unpinned, a woken RateLoad or proxy thread can wait behind the other's running thread on a
# 2-core machine). The throughput part above stays unpinned. The runtimes keep the CPU count they started with.
gen=()
placement="unpinned"
if [ "${PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  cpus="$([ "$(nproc)" -gt 2 ] && echo "1-$(($(nproc) - 1))" || echo 1)"
  gen=(taskset -c 0)
  for pid in "$up_pid" "$edge_pid" "$nginx_pid" $(ps -o pid= --ppid "$nginx_pid") "${variant_pids[@]}"; do taskset -a -p -c "$cpus" "$pid" >/dev/null; done
  placement="generator on CPU 0, targets on CPU $cpus"
fi
echo "== half load: $half req/s offered to each target (RateLoad: constant rate, latency from the due time, $connections connections, ${half_seconds}s after a 2 s warm-up; $rounds rounds; $placement)"
printf '%-9s %9s %8s %8s %8s %8s %8s %8s %8s %7s %11s %9s %6s\n' target 'req/s' 'p50 ms' 'p90 ms' 'p99 ms' 'p99.9 ms' 'max ms' 'cpu us' 'syscalls' 'ctxsw' 'gc0/1/2' 'pause ms' errors
declare -A hp99
for round in $(seq 1 "$rounds"); do
  for target in floor:floor:$floor_port:$nginx_pid "${targets[@]}"; do
    IFS=: read -r name stats port pid <<<"$target"
    "${gen[@]}" dotnet "$tmp/rateload/RateLoad.dll" "$port" "$half" "$half_seconds" "$connections" 2 \
      "Host: $host" "Authorization: Bearer $key" >"$tmp/rate.out" & load_pid=$!
    sleep 2.3 # RateLoad's start-up and warm-up
    before="$(cpu_ticks "$pid")"; t0="$(date +%s.%N)"; gb="$(cat "$tmp/stats.$stats" 2>/dev/null || echo -)"
    rm -f "$tmp/perf.out"
    with_perf "$(pid_list "$pid")" sleep "$half_seconds"
    wait "$load_pid"
    after="$(cpu_ticks "$pid")"; t1="$(date +%s.%N)"; sleep 0.2; ga="$(cat "$tmp/stats.$stats" 2>/dev/null || echo -)"
    read -r _ r p50 p90 p99 p999 max late errors <"$tmp/rate.out"
    cpu="$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v r="$half" -v s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
      'BEGIN { printf "%.1f", t * 1e6 / hz / (r * s) }')"
    read -r sc cs <<<"$(perf_counts "$tmp/perf.out" "$(awk -v r="$half" -v s="$half_seconds" 'BEGIN { print r * s }')")"
    read -r gcs pause <<<"$(awk -v b="$gb" -v a="$ga" 'BEGIN {
      if (b == "-") { print "-", "-"; exit } split(b, x, " "); split(a, y, " ");
      printf "%d/%d/%d %.1f\n", y[3] - x[3], y[4] - x[4], y[5] - x[5], y[6] - x[6] }')"
    hp99[$name]="${hp99[$name]:-} $p99"
    printf '%-9s %9s %8s %8s %8s %8s %8s %8s %8s %7s %11s %9s %6s\n' "$name#$round" "$r" "$p50" "$p90" "$p99" "$p999" "$max" "$cpu" "$sc" "$cs" "$gcs" "$pause" "$errors"
  done
done
# Added p99 per round (each round's target against the same round's direct), then the median over rounds and the
# spread (lowest and highest round): added <name> [base] prints "median|min|max|per-round list".
added() {
  awk -v x="${hp99[$1]}" -v d="${hp99[${2:-direct}]}" '
    function median(a, k,   i, j, t) { for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    BEGIN { k = split(d, dd, " "); split(x, xx, " "); for (i = 1; i <= k; i++) { a[i] = xx[i] - dd[i]; l = l sprintf(" %+.3f", a[i]) }
      m = median(a, k); printf "%+.3f|%+.3f|%+.3f|%s\n", m, a[1], a[k], l }'
}
# Median p99 of a target over the rounds (the sorted list's middle).
median_p99() { echo "${hp99[$1]}" | tr ' ' '\n' | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median p99 over $rounds rounds: floor $(median_p99 floor) ms, direct $(median_p99 direct) ms, edge $(median_p99 edge) ms, nginx $(median_p99 nginx) ms"
for t in edge nginx "${variant_targets[@]}"; do
  v="${t%%:*}"
  IFS='|' read -r m lo hi l <<<"$(added "$v")"
  note=""; case "$v" in edge | nginx) ;; edge-node) note=" (the standalone edge process)" ;; *) note=" (not the product's configuration)" ;; esac
  printf 'added p99 over direct, %s%s: per round%s ms; median %s ms, spread %s .. %s ms\n' "$v" "$note" "$l" "$m" "$lo" "$hi"
done
IFS='|' read -r edge_median edge_lo edge_hi _ <<<"$(added edge)"
IFS='|' read -r nginx_median _ _ _ <<<"$(added nginx)"
IFS='|' read -r node_median node_lo node_hi _ <<<"$(added edge-node)"
echo "added p99 at half load (median of $rounds rounds): edge $edge_median ms (spread $edge_lo .. $edge_hi), edge-node $node_median ms (spread $node_lo .. $node_hi), nginx $nginx_median ms (target: edge <= 1 ms)"
