// HTTP comparison: the CrowNest engine (conformance CLI --serve) vs three Node peers serving the same SDL and
// in-memory data. Each server runs in its own process and is loaded by autocannon (keep-alive, 50 connections,
// BENCH_DURATION seconds, default 20) with the same query; every response body is checked.
//
//   npm run bench                       # full run (4 x warm-up, then 3 rounds of 4 x 20 s)
//   BENCH_DURATION=2 BENCH_ROUNDS=1 npm run bench      # smoke run
//   BENCH_ONLY=engine,mercurius npm run bench
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { buildSchema, graphqlSync } from 'graphql';
import { findCli, freePort, startServe } from '../../tests/js/graphql-conformance/lib/engine.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const schemaPath = here('./schema.graphql');
const dataPath = here('./data.json');
const QUERY = '{ books { title author { name } } }';
const duration = Number(process.env.BENCH_DURATION ?? 20);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
// autocannon worker threads (0 = autocannon's single main thread). One Node thread costs ~40 µs per request, which caps the
// measurable rate near 25k requests/s whatever the server: the default loads from 2 worker threads (connections split
// between them), the same for every server. See README.md.
const workers = Number(process.env.BENCH_WORKERS ?? 2);
const loaderLabel = workers > 0 ? `${workers} worker threads` : 'main thread only';
const warmupSeconds = Number(process.env.BENCH_WARMUP ?? Math.min(5, Math.max(1, Math.round(duration / 4))));
// Rounds: every server is loaded once per round, in turn; the table gives medians and per-round ratios.
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);

const data = JSON.parse(readFileSync(dataPath, 'utf8'));
const expected = graphqlSync({ schema: buildSchema(readFileSync(schemaPath, 'utf8')), source: QUERY, rootValue: data });
if (expected.errors || expected.data.books.length !== 50) {
  throw new Error(`reference execution failed: ${JSON.stringify(expected)}`);
}
const expectedData = JSON.parse(JSON.stringify(expected.data));
const requestBody = JSON.stringify({ query: QUERY });
const requestHeaders = { 'content-type': 'application/json', accept: 'application/json' };

async function waitForServer(url, child, getOutput, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${getOutput()}`);
    try {
      const res = await fetch(url, { method: 'POST', headers: requestHeaders, body: requestBody, signal: AbortSignal.timeout(2000) });
      await res.text();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`server at ${url} did not come up:\n${getOutput()}`);
}

async function startNodePeer(peer) {
  const port = await freePort();
  const child = spawn(process.execPath, [here('./servers.mjs'), peer, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const url = `http://127.0.0.1:${port}/graphql`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  try {
    await waitForServer(url, child, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop, pid: child.pid };
}

const targets = [
  {
    name: 'engine',
    label: 'CrowNest engine (conformance CLI --serve)',
    start: async () => {
      const cli = findCli();
      if (cli.missing) throw new Error(cli.missing);
      process.stdout.write(`[${cli.description}] `);
      if (cli.description.includes('/Debug/') || cli.args.includes('run')) {
        process.stdout.write('(warning: not a Release build; run `dotnet build tools/GraphQLConformance -c Release`) ');
      }
      return startServe(cli, schemaPath, dataPath);
    },
  },
  { name: 'graphql-http', label: 'graphql-js + graphql-http', start: () => startNodePeer('graphql-http') },
  { name: 'graphql-jit', label: 'graphql-jit (node:http)', start: () => startNodePeer('graphql-jit') },
  { name: 'mercurius', label: 'mercurius + graphql-jit (fastify)', start: () => startNodePeer('mercurius') },
].filter((t) => !only || only.includes(t.name));

function load(url, seconds, expectBody) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, method: 'POST', headers: requestHeaders, body: requestBody, connections, duration: seconds, pipelining: 1, expectBody, ...(workers > 0 ? { workers } : {}) },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

// CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere.
function processCpuSeconds(pid) {
  const path = `/proc/${pid}/stat`;
  if (!pid || !existsSync(path)) return null;
  const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
}

// Starts a server, checks one response fully (every loaded response must then be byte-identical to it) and warms it up.
async function prepare(target) {
  const server = await target.start();
  try {
    const res = await fetch(server.url, { method: 'POST', headers: requestHeaders, body: requestBody });
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`non-JSON response (${res.status}): ${text.slice(0, 300)}`);
    }
    if (res.status !== 200 || body.errors || !isDeepStrictEqual(body.data, expectedData) || JSON.stringify(body.data) !== JSON.stringify(expectedData)) {
      throw new Error(`wrong response (${res.status}): ${text.slice(0, 500)}`);
    }
    if (warmupSeconds > 0) await load(server.url, warmupSeconds, text);
    return { server, text };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

// One measured load of a prepared server.
async function measure({ server, text }) {
  const serverCpuBefore = processCpuSeconds(server.pid);
  const loaderCpuBefore = process.cpuUsage();
  const r = await load(server.url, duration, text);
  const serverCpuAfter = processCpuSeconds(server.pid);
  const loaderCpu = process.cpuUsage(loaderCpuBefore);
  const bad = r.non2xx + r.errors + r.timeouts + (r.mismatches ?? 0);
  return {
    ok: bad === 0 && r.requests.total > 0,
    // Completed requests over the run's length (autocannon's per-second average is not merged exactly across workers).
    rps: r.requests.total / (r.duration || duration),
    total: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    mismatches: r.mismatches ?? 0,
    // CPU per request is less sensitive to other load on the machine than requests/s.
    serverCpuUs: serverCpuBefore === null || serverCpuAfter === null ? undefined : ((serverCpuAfter - serverCpuBefore) * 1e6) / r.requests.total,
    loaderCpuUs: ((loaderCpu.user + loaderCpu.system) / r.requests.total),
  };
}

const median = (xs) => {
  const v = xs.filter((x) => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

console.log(`query: ${QUERY}`);
console.log(`autocannon: ${connections} connections, keep-alive, ${duration} s per load (+${warmupSeconds} s warm-up once per server), POST application/json, ${loaderLabel}; ${rounds} interleaved round(s)`);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);

const fmt = (n) => (n === undefined ? 'n/a' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 0 }));
// name -> { failure } | { runs: [measure results, one per round] }
const results = new Map();
const prepared = new Map();
try {
  for (const t of targets) {
    process.stdout.write(`starting ${t.label} ... `);
    try {
      prepared.set(t.name, await prepare(t));
      results.set(t.name, { runs: [] });
      console.log('checked and warmed up');
    } catch (e) {
      results.set(t.name, { failure: e.message });
      console.log(`FAILED: ${e.message.split('\n')[0]}`);
      if (process.env.BENCH_VERBOSE) console.log(e.stack);
    }
  }
  // Every server stays up and is loaded once per round, in turn: on a VM whose speed drifts from minute to minute, each
  // round's ratio compares loads a few seconds apart, and the median over rounds is what the table reports.
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      const p = prepared.get(t.name);
      if (!p) continue;
      process.stdout.write(`round ${round}: ${t.label} ... `);
      const r = await measure(p);
      results.get(t.name).runs.push(r);
      console.log(`${r.rps.toFixed(0)} req/s, server ${fmt(r.serverCpuUs)} µs CPU/req, autocannon ${fmt(r.loaderCpuUs)} µs CPU/req${r.ok ? '' : ' (RESPONSE CHECK FAILED)'}`);
    }
  }
} finally {
  for (const p of prepared.values()) await p.server.stop();
}

const engineRuns = results.get('engine')?.runs;
const lines = [
  '',
  `| Server (autocannon: ${loaderLabel}, ${connections} connections; median of ${rounds} round(s)) | Requests/s | per round | p50 / p99 latency (ms) | Requests | non-2xx | errors | body mismatches | server CPU µs/req | autocannon CPU µs/req | engine ÷ server (per round) | engine ÷ server (median) |`,
  `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
];
for (const t of targets) {
  const r = results.get(t.name);
  if (r.failure) {
    lines.push(`| ${t.label} | failed | | | | | | | | | | |`);
    continue;
  }
  const runs = r.runs;
  const sum = (f) => runs.reduce((a, x) => a + f(x), 0);
  // Each round's ratio compares the engine's and this server's loads of the same round.
  const ratios = engineRuns?.length === runs.length ? runs.map((x, i) => engineRuns[i].rps / x.rps) : [];
  const ratioList = ratios.length ? ratios.map((x) => `${x.toFixed(2)}x`).join(', ') : 'n/a';
  const ratioMedian = ratios.length ? `${median(ratios).toFixed(2)}x` : 'n/a';
  lines.push(`| ${t.label} | ${fmt(median(runs.map((x) => x.rps)))} | ${runs.map((x) => fmt(x.rps)).join(', ')} | ${median(runs.map((x) => x.p50))} / ${median(runs.map((x) => x.p99))} | ${fmt(sum((x) => x.total))} | ${sum((x) => x.non2xx)} | ${sum((x) => x.errors)} | ${sum((x) => x.mismatches)} | ${fmt(median(runs.map((x) => x.serverCpuUs)))} | ${fmt(median(runs.map((x) => x.loaderCpuUs)))} | ${ratioList} | ${ratioMedian} |`);
  r.ok = runs.length > 0 && runs.every((x) => x.ok);
}
console.log(lines.join('\n'));
for (const t of targets) {
  const r = results.get(t.name);
  if (r.failure) console.log(`\n${t.label} failed:\n${r.failure}`);
}
const failed = [...results.values()].some((r) => r.failure || !r.ok);
if (failed) {
  console.log('\nFAIL: at least one server failed to start or returned a wrong/failed response.');
  process.exitCode = 1;
}
