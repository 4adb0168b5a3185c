// Issue #4 Done-means 3b: GraphQL apps(first: 20, filter, orderBy) vs a hand-written Npgsql + Utf8JsonWriter endpoint
// returning the same JSON, side by side in ONE server process (same API-key authentication, same PostgreSQL).
//
//   dotnet build src/Server -c Release && (cd bench/apps && npm ci) && node bench/apps/graphql-vs-npgsql.mjs
//
// Starts embedded PostgreSQL (throwaway data dir) and the server with CROWNEST_Bench__HandWrittenApps=true, seeds
// APPS apps (default 10,000) in 4 workspaces of the bootstrap key's organization plus 2,000 apps of another
// organization (invisible to the key), checks both endpoints answer byte-identical JSON, then loads each with
// autocannon (keep-alive, same connections and duration), alternating for ROUNDS rounds, and prints req/s, latency
// p50/p99, the server's CPU time per request (utime+stime from /proc, load-insensitive) and the GraphQL/hand-written
// ratio. Env: DURATION (s per run, 8), ROUNDS (3), CONNECTIONS (16), WARMUP (s, 30), APPS (10000), DLL.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dll = process.env.DLL ?? join(root, 'src/Server/bin/Release/net10.0/CrowNest.Server.dll');
const duration = Number(process.env.DURATION ?? 8);
const rounds = Number(process.env.ROUNDS ?? 3);
const connections = Number(process.env.CONNECTIONS ?? 16);
const warmup = Number(process.env.WARMUP ?? 30);
const appCount = Number(process.env.APPS ?? 10000);
const token = 'cn_bench_apps_graphql_vs_npgsql_00000001';
const apiPort = 35000 + Math.floor(Math.random() * 5000);
const base = `http://127.0.0.1:${apiPort}`;
const ticks = () => { const [u, s] = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).map(Number); return u + s; };
const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;

const QUERY = `query($filter: AppFilter) {
  apps(first: 20, filter: $filter, orderBy: [{ createdAt: desc }]) {
    nodes { id name description handle status createdAt }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const graphql = {
  name: 'graphql',
  method: 'POST',
  path: '/graphql',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
  body: JSON.stringify({ query: QUERY, variables: { filter: { status: { eq: 'draft' } } } }),
};
const handWritten = {
  name: 'hand-written',
  method: 'GET',
  path: '/bench/apps?status=draft',
  headers: { authorization: `Bearer ${token}` },
};

const dataDir = mkdtempSync(join(tmpdir(), 'crownest-bench-apps-'));
const dotnet = (args, env = {}) => execFileSync('dotnet', [dll, ...args], { env: { ...process.env, ...env } }).toString().trim();
let server;
const cleanup = () => {
  try { server?.kill('SIGTERM'); } catch { /* already gone */ }
  try { dotnet(['postgres', 'stop', `--Postgres:DataDir=${dataDir}`]); } catch { /* best effort */ }
  rmSync(dataDir, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

const pg = dotnet(['postgres', 'start', `--Postgres:DataDir=${dataDir}`, '--Postgres:Port=0', '--Postgres:Durable=false']);
const db = dotnet(['postgres', 'createdb', 'bench_apps'], { CROWNEST_POSTGRES: pg });
server = spawn('dotnet', [dll], {
  env: {
    ...process.env,
    CROWNEST_POSTGRES: db,
    CROWNEST_BOOTSTRAP_TOKEN: token,
    CROWNEST_API_URL: base,
    CROWNEST_EDGE_URL: `http://127.0.0.1:${apiPort + 1}`,
    CROWNEST_Bench__HandWrittenApps: 'true',
    Logging__LogLevel__Default: 'Warning',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/readyz`, { headers: { authorization: `Bearer ${token}` } })).ok) break; } catch { /* not up yet */ }
  if (i > 3000 || server.exitCode !== null) throw new Error(`server did not become ready (exit ${server.exitCode})`);
  await new Promise((r) => setTimeout(r, 100));
}

// The server prints Npgsql connection strings (Key=Value;…); psql wants libpq conninfo.
const libpq = Object.entries(Object.fromEntries(db.split(';').filter(Boolean).map((kv) => kv.split('=')).map(([k, ...v]) => [k.trim().toLowerCase(), v.join('=')])))
  .map(([k, v]) => [{ host: 'host', server: 'host', port: 'port', username: 'user', 'user id': 'user', database: 'dbname', password: 'password' }[k], v])
  .filter(([k]) => k).map(([k, v]) => `${k}='${v}'`).join(' ');
const psql = (sql) => execFileSync('psql', [libpq, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql]).toString().trim();
psql(`
WITH k AS (SELECT organization_id FROM api_keys WHERE key_hash = sha256(convert_to('${token}', 'UTF8')))
INSERT INTO workspaces (id, organization_id, slug, name) SELECT 'ws_bench' || w, k.organization_id, 'bench-' || w, 'Bench ' || w FROM k, generate_series(0, 3) w;
INSERT INTO organizations (id, slug, name) VALUES ('org_benchother', 'bench-other', 'Other tenant');
INSERT INTO workspaces (id, organization_id, slug, name) SELECT 'ws_benchother' || w, 'org_benchother', 'other-' || w, 'Other ' || w FROM generate_series(0, 1) w;
-- Visible apps: 80% draft, a third without description, 5% soft-deleted; timestamps with microseconds.
INSERT INTO apps (id, workspace_id, name, description, handle, status, created_at, updated_at)
  SELECT 'app_bench' || lpad(i::text, 8, '0'), 'ws_bench' || (i % 4), 'App ' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'Description of app ' || i END,
         'bench-' || i, CASE WHEN i % 5 = 0 THEN 'live' ELSE 'draft' END,
         timestamptz '2026-01-01' + i * interval '17 seconds 123457 microseconds', now()
  FROM generate_series(1, ${appCount}) i;
UPDATE apps SET deleted_at = now() WHERE id LIKE 'app_bench%' AND (substring(id from 10)::int % 20) = 7;
INSERT INTO apps (id, workspace_id, name, handle, status, created_at, updated_at)
  SELECT 'app_other' || lpad(i::text, 8, '0'), 'ws_benchother' || (i % 2), 'Other ' || i, 'other-' || i, 'draft',
         timestamptz '2026-06-01' + i * interval '1 second', now()
  FROM generate_series(1, 2000) i;
ANALYZE;`);

async function fetchBody(target) {
  const res = await fetch(base + target.path, { method: target.method, headers: target.headers, body: target.body });
  if (!res.ok) throw new Error(`${target.name}: HTTP ${res.status} ${await res.text()}`);
  return res.text();
}
const a = await fetchBody(graphql);
const b = await fetchBody(handWritten);
const parsed = JSON.parse(a);
if (parsed.errors || parsed.data.apps.nodes.length !== 20) throw new Error(`unexpected GraphQL answer: ${a}`);
if (!isDeepStrictEqual(parsed, JSON.parse(b))) throw new Error(`responses differ:\n${a}\n${b}`);
console.log(`responses: JSON-equal, ${a === b ? 'byte-identical' : 'NOT byte-identical'} (${a.length} bytes)`);

function load(target, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({
      url: base + target.path, method: target.method, headers: target.headers, body: target.body,
      connections, duration: seconds, pipelining: 1,
    }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const totals = { graphql: { requests: 0, seconds: 0, cpu: 0, alloc: 0, p50: [], p99: [], non2xx: 0 }, 'hand-written': { requests: 0, seconds: 0, cpu: 0, alloc: 0, p50: [], p99: [], non2xx: 0 } };
// Bytes the server allocated (GC.GetTotalAllocatedBytes, all threads), read through the bench-only /bench/stats.
// NaN against servers older than that endpoint.
const allocated = async () => {
  const res = await fetch(`${base}/bench/stats`, { headers: { authorization: `Bearer ${token}` } });
  return res.ok ? (await res.json()).allocatedBytes : NaN;
};
// Per-round numbers too: on a busy machine the JIT's tier-up is still running in early rounds (see README).
const perRound = [];
for (const target of [graphql, handWritten]) await load(target, warmup);
for (let round = 0; round < rounds; round++) {
  for (const target of round % 2 === 0 ? [graphql, handWritten] : [handWritten, graphql]) {
    const allocBefore = await allocated();
    const before = ticks();
    // PERF=path: sample the server with perf during the first GraphQL run (start the script with DOTNET_PerfMapEnabled=1).
    const perf = process.env.PERF && round === 0 && target === graphql
      ? spawn('perf', ['record', '-F', '499', '-g', '-p', String(server.pid), '-o', process.env.PERF, '--', 'sleep', String(duration - 1)], { stdio: 'ignore' })
      : null;
    const r = await load(target, duration);
    if (perf) await new Promise((resolve) => (perf.exitCode !== null ? resolve() : perf.on('exit', resolve)));
    const t = totals[target.name];
    const cpu = (ticks() - before) / hz;
    const alloc = (await allocated()) - allocBefore;
    t.cpu += cpu;
    t.alloc += alloc;
    t.requests += r.requests.total;
    t.seconds += duration;
    t.p50.push(r.latency.p50);
    t.p99.push(r.latency.p99);
    t.non2xx += r.non2xx + r.errors;
    perRound.push({ round: round + 1, name: target.name, rps: r.requests.total / duration, cpuMsPerReq: (cpu * 1000) / r.requests.total, kbPerReq: alloc / 1024 / r.requests.total });
  }
}

const row = (name) => {
  const t = totals[name];
  return { name, rps: t.requests / t.seconds, p50: Math.max(...t.p50), p99: Math.max(...t.p99), cpuMsPerReq: (t.cpu * 1000) / t.requests, kbPerReq: t.alloc / 1024 / t.requests, non2xx: t.non2xx };
};
const g = row('graphql');
const h = row('hand-written');
const pad = (s, n) => String(s).padStart(n);
console.log(`\n${appCount} visible apps, ${connections} connections, ${rounds} x ${duration} s per endpoint (alternating), server RSS ${rssMb().toFixed(0)} MB`);
console.log(`${'endpoint'.padEnd(14)}${pad('req/s', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('CPU ms/req', 12)}${pad('alloc KB/req', 14)}${pad('errors', 8)}`);
for (const r of [g, h]) {
  console.log(`${r.name.padEnd(14)}${pad(r.rps.toFixed(0), 9)}${pad(r.p50, 9)}${pad(r.p99, 9)}${pad(r.cpuMsPerReq.toFixed(3), 12)}${pad(r.kbPerReq.toFixed(1), 14)}${pad(r.non2xx, 8)}`);
}
for (const p of perRound) console.log(`  round ${p.round} ${p.name.padEnd(13)}${pad(p.rps.toFixed(0), 7)} req/s ${pad(p.cpuMsPerReq.toFixed(3), 8)} CPU ms/req ${pad(p.kbPerReq.toFixed(1), 7)} KB/req`);
console.log(`ratio graphql/hand-written: req/s ${(g.rps / h.rps).toFixed(2)}x (target >= 0.80), server CPU per request ${(g.cpuMsPerReq / h.cpuMsPerReq).toFixed(2)}x`);
const last = (name) => perRound.filter((p) => p.name === name).at(-1);
console.log(`last round (JIT settled) graphql/hand-written: req/s ${(last('graphql').rps / last('hand-written').rps).toFixed(2)}x, server CPU per request ${(last('graphql').cpuMsPerReq / last('hand-written').cpuMsPerReq).toFixed(2)}x`);
process.exit(g.non2xx + h.non2xx > 0 ? 1 : 0);
