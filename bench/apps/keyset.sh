#!/usr/bin/env bash
# Keyset vs OFFSET paging over 1,000,000 apps (issue #4, Done-means 3a).
# Uses $CROWNEST_POSTGRES (a libpq URL/conninfo) when set; otherwise starts a throwaway PostgreSQL 15 cluster
# (run as the `postgres` OS user, since postgres refuses to run as root) on port ${PGPORT_BENCH:-55432}.
# The queries are the shape KeysetPager generates for the default order (created_at desc, id desc) with a
# workspace filter: page 1, the page after a cursor at depth >= 500,000, and OFFSET at the same depth.
# Timing: server-side "Execution Time" of EXPLAIN (ANALYZE), median of RUNS runs each.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-21}
DEPTH=${DEPTH:-500000}
PGBIN=/usr/lib/postgresql/15/bin

if [[ -z "${CROWNEST_POSTGRES:-}" ]]; then
  DATA=$(mktemp -d /tmp/crownest-bench-pg.XXXXXX)
  chown postgres "$DATA"
  PORT=${PGPORT_BENCH:-55432}
  runuser -u postgres -- "$PGBIN/initdb" -D "$DATA/db" -U postgres -A trust >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA/db" -l "$DATA/log" -w \
    -o "-p $PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB" start >/dev/null
  trap 'runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA/db" -m fast stop >/dev/null; rm -rf "$DATA"' EXIT
  CONN="host=/tmp port=$PORT user=postgres dbname=postgres"
else
  CONN="$CROWNEST_POSTGRES"
fi
psql_() { psql "$CONN" -v ON_ERROR_STOP=1 -qAt "$@"; }

psql_ -c "DROP SCHEMA IF EXISTS bench_apps CASCADE; CREATE SCHEMA bench_apps;"
for f in src/Platform/Migrations/0*.sql; do
  { echo "SET search_path = bench_apps;"; cat "$f"; } | psql_ >/dev/null
done

start=$(date +%s.%N)
psql_ <<SQL
SET search_path = bench_apps;
INSERT INTO organizations (id, slug, name) VALUES ('org_BENCH', 'bench', 'Bench');
INSERT INTO users (id, email, name) VALUES ('usr_BENCH', 'bench@example.com', 'Bench');
INSERT INTO workspaces (id, organization_id, slug, name)
  SELECT 'ws_' || w, 'org_BENCH', 'ws' || w, 'ws' || w FROM generate_series(0, 3) w;
-- 80% of the rows in ws_1 (the filtered listing), the rest in ws_2/ws_3; rows come in triples sharing created_at
-- (ties resolved by id).
INSERT INTO apps (id, workspace_id, name, handle, status, created_by, created_at, updated_at)
  SELECT 'app_' || lpad(i::text, 26, '0'), CASE WHEN i % 10 < 8 THEN 'ws_1' ELSE 'ws_' || (i % 10 - 6) END, 'app ' || i, 'h-' || i,
         CASE WHEN i % 10 = 0 THEN 'live' ELSE 'draft' END, 'usr_BENCH',
         timestamptz '2026-01-01' + ((i / 3) * interval '1 second'), now()
  FROM generate_series(1, $ROWS) i;
ANALYZE apps;
SQL
end=$(date +%s.%N)
echo "loaded $ROWS apps in $(python3 -c "print(f'{$end-$start:.1f}')") s"

# Cursor row: the row at depth DEPTH within workspace ws_1 in the default order.
CURSOR=$(psql_ -F' ' -c "SET search_path = bench_apps; SELECT created_at, id FROM apps WHERE workspace_id = 'ws_1' AND deleted_at IS NULL ORDER BY created_at DESC, id DESC OFFSET $DEPTH LIMIT 1" | tail -1)
CAT=${CURSOR% *}
CID=${CURSOR##* }
WHERE="workspace_id = 'ws_1' AND deleted_at IS NULL"
ORDER="ORDER BY created_at DESC, id DESC"
declare -A Q=(
  [page1]="SELECT * FROM apps WHERE $WHERE $ORDER LIMIT 21"
  [keyset]="SELECT * FROM apps WHERE $WHERE AND created_at <= '$CAT' AND (created_at < '$CAT' OR (created_at = '$CAT' AND id < '$CID')) $ORDER LIMIT 21"
  [offset]="SELECT * FROM apps WHERE $WHERE $ORDER OFFSET $DEPTH LIMIT 21"
)
median() { python3 -c "import sys,statistics; print(f'{statistics.median(float(x) for x in sys.stdin.read().split()):.3f}')"; }
declare -A M
for name in page1 keyset offset; do
  times=""
  for _ in $(seq "$RUNS"); do
    t=$(psql_ -c "SET search_path = bench_apps; EXPLAIN (ANALYZE, FORMAT JSON) ${Q[$name]}" | python3 -c "import sys,json; print(json.loads(sys.stdin.read())[0]['Execution Time'])")
    times="$times $t"
  done
  M[$name]=$(echo "$times" | median)
done
echo "depth: $DEPTH rows into the filtered listing (workspace ws_1, $((ROWS * 8 / 10)) rows)"
printf "%-8s %10s\n" query "median ms"
for name in page1 keyset offset; do printf "%-8s %10s\n" "$name" "${M[$name]}"; done
python3 -c "print(f'keyset/page1 = {${M[keyset]}/${M[page1]}:.2f}x (target <= 1.2x); offset/page1 = {${M[offset]}/${M[page1]}:.0f}x')"
psql_ -c "SET search_path = bench_apps; EXPLAIN ${Q[keyset]}" | head -5
psql_ -c "DROP SCHEMA bench_apps CASCADE;"
