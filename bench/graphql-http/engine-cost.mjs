// The engine's load-insensitive costs per request under the HTTP benchmark's load (same query, headers and autocannon
// settings as run.mjs): server CPU µs/req (user + system, /proc), bytes allocated per request (GC.GetTotalAllocatedBytes
// deltas, printed by the --serve host on SIGHUP), GCs and, with COST_SYSCALLS=1 and `perf` installed, syscalls/request.
//
//   node engine-cost.mjs                  # 5 s warm-up, then COST_RUNS (default 3) loads of COST_DURATION (default 10) s
//   COST_RUNS=1 COST_DURATION=5 node engine-cost.mjs
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { findCli, startServe } from '../../tests/js/graphql-conformance/lib/engine.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const QUERY = '{ books { title author { name } } }';
const duration = Number(process.env.COST_DURATION ?? 10);
const runs = Number(process.env.COST_RUNS ?? 3);
const warmup = Number(process.env.COST_WARMUP ?? 5);
const workers = Number(process.env.BENCH_WORKERS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const syscalls = process.env.COST_SYSCALLS === '1';
const requestBody = JSON.stringify({ query: QUERY });
const requestHeaders = { 'content-type': 'application/json', accept: 'application/json' };

const cli = findCli();
if (cli.missing) throw new Error(cli.missing);
const server = await startServe(cli, here('./schema.graphql'), here('./data.json'));

function load(seconds, expectBody) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: server.url, method: 'POST', headers: requestHeaders, body: requestBody, connections, duration: seconds, pipelining: 1, expectBody, ...(workers > 0 ? { workers } : {}) },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

function cpuSeconds() {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// Sends SIGHUP and waits for the next `stats ...` line the server prints.
async function stats() {
  const seen = server.output().length;
  process.kill(server.pid, 'SIGHUP');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const line = server.output().slice(seen).split('\n').find((l) => l.startsWith('stats '));
    if (line) return Object.fromEntries(line.slice(6).trim().split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
  }
  throw new Error('no stats line from the server (SIGHUP)');
}

try {
  const body = await (await fetch(server.url, { method: 'POST', headers: requestHeaders, body: requestBody })).text();
  if (!body.startsWith('{"data":{"books":[{"title":"Book 1"')) throw new Error(`unexpected response: ${body.slice(0, 200)}`);
  await load(warmup, body);
  console.log(`[${cli.description}] ${connections} connections, ${workers} autocannon workers, ${duration} s per run`);
  console.log('| run | requests/s | server CPU µs/req | allocated B/req | gen0 GCs | syscalls/req |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (let run = 1; run <= runs; run++) {
    const perf = syscalls
      ? spawn('perf', ['stat', '-e', 'raw_syscalls:sys_enter', '-x', ',', '-p', String(server.pid), '--', 'sleep', String(duration)], { stdio: ['ignore', 'ignore', 'pipe'] })
      : null;
    let perfOut = '';
    perf?.stderr.on('data', (d) => { perfOut += d; });
    const perfDone = perf ? new Promise((res) => perf.on('exit', res)) : null;
    const before = await stats();
    const cpuBefore = cpuSeconds();
    const r = await load(duration, body);
    const cpuAfter = cpuSeconds();
    const after = await stats();
    if (perfDone) await perfDone;
    const n = r.requests.total;
    if (process.env.COST_DEBUG) console.log(JSON.stringify({ before, after, n }));
    const bad = r.non2xx + r.errors + r.timeouts + (r.mismatches ?? 0);
    if (bad > 0) throw new Error(`bad responses: ${JSON.stringify({ non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, mismatches: r.mismatches })}`);
    const sys = perf ? Number(perfOut.split('\n').find((l) => l.includes('raw_syscalls'))?.split(',')[0]) / n : NaN;
    console.log(`| ${run} | ${Math.round(n / duration)} | ${(((cpuAfter - cpuBefore) * 1e6) / n).toFixed(1)} | ${((after.allocated - before.allocated) / n).toFixed(0)} | ${after.gen0 - before.gen0} | ${Number.isFinite(sys) ? sys.toFixed(2) : '-'} |`);
  }
} finally {
  await server.stop();
}
