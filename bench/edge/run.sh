#!/usr/bin/env bash
# Preview edge load comparison: direct upstream vs CrowNest edge vs nginx (and bare YARP), side by side in one run.
#   bash bench/edge/run.sh            (from anywhere; about 2 minutes)
# Env: DURATION (default 10s), WARMUP (8s), CONNECTIONS (64), THREADS (2), PORT_BASE (18480).
# Needs wrk and nginx (Debian packages; installed with apt-get when missing).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-64}"
threads="${THREADS:-2}"
base="${PORT_BASE:-18480}"
up_port=$((base + 1)) edge_port=$((base + 2)) nginx_port=$((base + 3)) yarp_port=$((base + 4))
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
dotnet "$tmp/bin/EdgeBench.dll" upstream "$up_port" & pids+=($!); up_pid=$!
dotnet "$tmp/bin/EdgeBench.dll" edge "$edge_port" "$up_port" & pids+=($!); edge_pid=$!
dotnet "$tmp/bin/EdgeBench.dll" yarp "$yarp_port" "$up_port" & pids+=($!); yarp_pid=$!

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
for p in "$up_port" "$edge_port" "$nginx_port" "$yarp_port"; do wait_for "$p"; done
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

run_wrk() { # port proxy-pid extra-args... ; prints "rps p50 p99 cpu-us-per-request errors"
  local port="$1" pid="$2"; shift 2
  local before after
  before="$(cpu_ticks "$pid")"
  wrk -t "$threads" -c "$connections" -d "$duration" --latency -H "Host: $host" -H "Authorization: Bearer $key" "$@" "http://127.0.0.1:$port/" >"$tmp/wrk.out"
  after="$(cpu_ticks "$pid")"
  local rps p50 p99 requests cpu errors
  rps="$(awk '/^Requests\/sec/ { print $2 }' "$tmp/wrk.out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk.out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.out")")"
  requests="$(awk '/requests in/ { print $1 }' "$tmp/wrk.out")"
  cpu="$(awk -v t="$((after - before))" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
  errors="$(awk '/Non-2xx|Socket errors/ { $1 = $1; print }' "$tmp/wrk.out" | paste -sd ';' -)"
  echo "$rps $p50 $p99 $cpu ${errors:-}"
}

# Warm-up: .NET's tiered JIT (with PGO) needs several seconds of traffic to reach steady state, more on a busy machine.
for p in "$up_port" "$edge_port" "$yarp_port" "$nginx_port"; do
  wrk -t "$threads" -c "$connections" -d "${WARMUP:-8s}" -H "Host: $host" -H "Authorization: Bearer $key" "http://127.0.0.1:$p/" >/dev/null
done

echo "== throughput: wrk -t $threads -c $connections -d $duration (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
# cpu = CPU time of the measured process (the proxy; for "direct" the upstream itself) per request: less sensitive
# to other load on the machine than req/s.
declare -A rps p99 cpu
for target in direct:$up_port:$up_pid edge:$edge_port:$edge_pid nginx:$nginx_port:$nginx_pid yarp:$yarp_port:$yarp_pid; do
  IFS=: read -r name port pid <<<"$target"
  read -r r _ q c extra <<<"$(run_wrk "$port" "$pid")"
  rps[$name]="$r"; p99[$name]="$q"; cpu[$name]="$c"
  printf '%-7s %10s req/s   p99 %8s ms   cpu %6s us/req %s\n' "$name" "$r" "$q" "$c" "$extra"
done
awk -v e="${rps[edge]}" -v n="${rps[nginx]}" -v y="${rps[yarp]}" -v ce="${cpu[edge]}" -v cn="${cpu[nginx]}" \
  'BEGIN { printf "edge/nginx throughput: %.2fx (target >= 0.8x); edge/bare-yarp: %.2fx; nginx/edge cpu per request: %.2fx\n", e / n, e / y, cn / ce }'

# Half load: the same offered rate (half the edge's maximum) against each target. Debian's wrk has no -R (wrk2),
# so a wrk Lua script makes every connection pause between requests: rate ~= connections / (delay + latency).
half="$(awk -v e="${rps[edge]}" 'BEGIN { printf "%d", e / 2 }')"
delay_ms="$(awk -v c="$connections" -v h="$half" 'BEGIN { d = c * 1000 / h; printf "%d", (d < 1 ? 1 : d) }')"
cat >"$tmp/pace.lua" <<LUA
function delay() return $delay_ms end
LUA
echo "== half load: ~$half req/s offered (each of $connections connections waits ${delay_ms} ms between requests)"
declare -A hp50 hp99
for target in direct:$up_port:$up_pid edge:$edge_port:$edge_pid nginx:$nginx_port:$nginx_pid; do
  IFS=: read -r name port pid <<<"$target"
  read -r r m q _ extra <<<"$(run_wrk "$port" "$pid" -s "$tmp/pace.lua")"
  hp50[$name]="$m"; hp99[$name]="$q"
  printf '%-7s %10s req/s   p50 %8s ms   p99 %8s ms %s\n' "$name" "$r" "$m" "$q" "$extra"
done
awk -v e="${hp99[edge]}" -v d="${hp99[direct]}" -v n="${hp99[nginx]}" \
  'BEGIN { printf "added p99 at half load: edge %+.3f ms, nginx %+.3f ms (target: edge <= 1 ms)\n", e - d, n - d }'
