// Subscription benchmark against a running platform (see README.md for the command):
//  1. fan-out: SUBSCRIBERS WebSocket connections, each subscribed to appPreviewSessionUpdated of one session; an event
//     (the session row's heartbeat changes + NOTIFY on its topic, exactly what the server's supervisor does) is timed from
//     just before the NOTIFY to each subscriber's `next`; EVENTS rounds; p50/p99/max over all deliveries.
//  2. idle memory: IDLE subscriptions (100 per connection, the per-connection operation limit) held open; server RSS
//     (VmRSS of /proc/SERVER_PID/status) settled before (same connections, no subscriptions) and after.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';

const API = process.env.CROWNEST_API_URL;
const TOKEN = process.env.CROWNEST_TOKEN;
const DB = process.env.CROWNEST_POSTGRES; // the platform's database, as an Npgsql connection string or a postgres:// URL
const PID = Number(process.env.SERVER_PID);
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.EVENTS ?? 10);
const WARMUP = Number(process.env.WARMUP ?? 80);
const CLIENT_WORKERS = Number(process.env.CLIENT_WORKERS ?? 2);
const IDLE = Number(process.env.IDLE ?? 10000);
const FANOUT = process.env.FANOUT !== '0'; // FANOUT=0: only the idle-memory part
const PER_SOCKET = 100;
if (!API || !TOKEN || !DB || !PID) {
  throw new Error('set CROWNEST_API_URL, CROWNEST_TOKEN, CROWNEST_POSTGRES and SERVER_PID');
}
const WS_URL = `${API.replace(/^http/, 'ws').replace(/\/$/, '')}/graphql`;

function pgConfig(cs) {
  if (cs.startsWith('postgres')) return { connectionString: cs };
  const kv = Object.fromEntries(cs.split(';').filter(Boolean).map((p) => p.split('=')).map(([k, v]) => [k.toLowerCase(), v]));
  return { host: kv.host, port: Number(kv.port ?? 5432), user: kv.username, password: kv.password, database: kv.database };
}

async function call(method, path, body) {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function session() {
  let workspaceId;
  for (const [path, pick] of [['/api/workspaces', (b) => (b.data ?? b)[0]?.id], ['/v1/projects', (b) => (b.data ?? [])[0]?.workspaceId]]) {
    const { status, body } = await call('GET', path);
    if (status === 200 && body && (workspaceId = pick(body))) break;
  }
  if (!workspaceId) throw new Error('no workspace visible to the key');
  const app = await call('POST', '/api/apps', { workspaceId, name: 'Subscription bench' });
  // No package.json: the session fails at once, which is all the bench needs (a visible row to watch).
  const started = await call('POST', '/api/app-preview-sessions', { appVersionId: app.body.defaultVersionId });
  if (started.status >= 300) throw new Error(JSON.stringify(started.body));
  return started.body.id;
}

/** CPU time (user + system) the server process has used so far, in ms (/proc/PID/stat, clock ticks of 10 ms). */
function cpuMs() {
  return statCpuMs(readFileSync(`/proc/${PID}/stat`, 'utf8'));
}

function statCpuMs(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14, 15); CLK_TCK is 100 on Linux
}

/**
 * CPU time of the runtime's background JIT thread (".NET Tiered Compilation": tier-up recompiles of hot methods),
 * in ms. Reported apart: it is a one-off cost that still runs during the first rounds on a loaded machine.
 */
function jitCpuMs() {
  let total = 0;
  for (const task of readdirSync(`/proc/${PID}/task`)) {
    try {
      const stat = readFileSync(`/proc/${PID}/task/${task}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('.NET Tiered')) total += statCpuMs(stat);
    } catch {
      // The thread exited meanwhile.
    }
  }
  return total;
}

const STATS_SETTLE_MS = 11_000;

/** Committed + rolled-back transactions of the platform's database so far (each server query is one). */
async function transactions(db) {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0].n);
}

/**
 * GC_PROBE=1 (run.sh): the server runs with the bench's startup hook (GcProbe), which answers a request file in
 * GCPROBE_DIR with one JSON line of GC and process memory ("report"; "collect" / "aggressive" run a full GC first).
 */
async function gcProbe(what) {
  const dir = process.env.GCPROBE_DIR;
  if (!dir) return null;
  const out = `${dir}/out.jsonl`;
  const count = () => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').length : 0);
  const before = count();
  writeFileSync(`${dir}/req`, what);
  for (let i = 0; i < 600 && count() === before; i++) await new Promise((r) => setTimeout(r, 100));
  return JSON.parse(readFileSync(out, 'utf8').trim().split('\n').at(-1));
}

function rss() {
  const line = readFileSync(`/proc/${PID}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024; // MB
}

/** One graphql-transport-ws connection; `onNext(id, payload)` per `next`. Rejects if closed before the ack. */
function connectOnce(onNext) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(WS_URL, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TOKEN}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') resolve(socket);
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.type === 'next') onNext(message.id, message.payload);
      else if (message.type === 'error') reject(new Error(JSON.stringify(message.payload)));
    });
    socket.on('close', (code, reason) => reject(new Error(`closed before the ack: ${code} ${reason}`)));
    socket.on('error', reject);
  });
}

/** connectOnce, retried: on a loaded machine the server may close a socket whose init it saw too late (4408). */
async function connect(onNext) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(onNext);
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

function subscribe(socket, opId, sessionId) {
  socket.send(JSON.stringify({
    id: opId,
    type: 'subscribe',
    payload: { query: 'subscription($id: ID!) { appPreviewSessionUpdated(id: $id) { id lastHeartbeatAt } }', variables: { id: sessionId } },
  }));
}

async function inBatches(count, size, fn) {
  const out = [];
  for (let i = 0; i < count; i += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => fn(i + j)))));
  }
  return out;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const id = await session();
const topic = `appPreviewSession:${id}`;
const channel = 'crownest_' + createHash('sha256').update(topic).digest('hex').slice(0, 40);
const db = new pg.Client(pgConfig(DB));
await db.connect();
await new Promise((r) => setTimeout(r, 2000)); // let the failed session settle (its last transition)

const rssBefore = rss();
// 1. Fan-out latency (skipped with FANOUT=0; the block is not re-indented so the fan-out code diffs stay readable).
fanoutPart: {
if (!FANOUT) break fanoutPart;
let firstSeen = 0;
let expected = null;
let received = [];
let roundResolve;
const onNext = () => {
  if (expected === null) {
    firstSeen++;
    return;
  }
  received.push(Number(process.hrtime.bigint() - expected) / 1e6);
  if (received.length === SUBSCRIBERS) roundResolve();
};
// CLIENT_WORKERS (2) threads receive the frames, SUBSCRIBERS / CLIENT_WORKERS connections each: one Node.js thread
// spends ~26 ms of CPU per event on 1,000 frames, so with one thread (CLIENT_WORKERS=0: the main thread, as before)
// the last subscribers' latency is mostly the client's own queue.
const workers = [];
let sockets = [];
if (CLIENT_WORKERS > 0) {
  for (let w = 0; w < CLIENT_WORKERS; w++) {
    const count = Math.floor(SUBSCRIBERS / CLIENT_WORKERS) + (w < SUBSCRIBERS % CLIENT_WORKERS ? 1 : 0);
    const worker = new Worker(new URL('./fanout-worker.mjs', import.meta.url), { workerData: { url: WS_URL, token: TOKEN, sessionId: id, count } });
    worker.next = (type) => new Promise((resolve, reject) => {
      const onMessage = (m) => { if (m.type === type) { worker.off('message', onMessage); worker.off('error', reject); resolve(m); } };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    worker.connected = worker.next('connected');
    worker.ready = worker.next('ready');
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => w.connected));
  console.error(`fan-out: ${SUBSCRIBERS} connections acknowledged (${CLIENT_WORKERS} client threads)`);
  await Promise.race([Promise.all(workers.map((w) => w.ready)), new Promise((_, reject) => setTimeout(() => reject(new Error('initial states missing')), 120_000))]);
  firstSeen = SUBSCRIBERS;
} else {
  sockets = await inBatches(SUBSCRIBERS, 100, () => connect(onNext));
  console.error(`fan-out: ${sockets.length} connections acknowledged`);
  sockets.forEach((s) => subscribe(s, '1', id));
  const deadline = Date.now() + 120_000;
  while (firstSeen < SUBSCRIBERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (firstSeen < SUBSCRIBERS) throw new Error(`only ${firstSeen} subscribers got the initial state`);
}
console.error(`fan-out: ${firstSeen} initial states received; ${WARMUP} warm-up + ${EVENTS} measured rounds`);
const latencies = [];
let cpuInRounds = 0;
let jitInRounds = 0;
let clientInRounds = 0;

/** One event: the session row changes, then the NOTIFY; resolves when every subscriber got its `next` (or after 30 s). */
async function round(n) {
  received = [];
  let done = new Promise((r) => (roundResolve = r));
  await db.query('UPDATE app_preview_sessions SET last_heartbeat_at = clock_timestamp() WHERE id = $1', [id]);
  let collected = null;
  if (workers.length) {
    await Promise.all(workers.map((w) => { const armed = w.next('armed'); w.postMessage({ type: 'arm' }); return armed; }));
    collected = workers.map((w) => w.next('times'));
    done = Promise.all(collected);
  }
  const cpuStart = cpuMs();
  const jitStart = jitCpuMs();
  const clientStart = process.cpuUsage(); // the whole process: every client thread
  expected = process.hrtime.bigint();
  await db.query("SELECT pg_notify($1, json_build_object('t', $2::text, 'm', json_build_object('bench', $3::int))::text)", [channel, topic, n]);
  await Promise.race([done, new Promise((r) => setTimeout(r, 30_000))]);
  const cpu = cpuMs() - cpuStart;
  const jit = jitCpuMs() - jitStart;
  const clientUsage = process.cpuUsage(clientStart);
  const client = (clientUsage.user + clientUsage.system) / 1000;
  if (workers.length) {
    workers.forEach((w) => w.postMessage({ type: 'flush' })); // a no-op for the workers that finished
    const start = Number(expected);
    received = (await Promise.all(collected)).flatMap((m) => m.times.map((t) => (t - start) / 1e6));
  }
  const times = received;
  expected = null;
  firstSeen = SUBSCRIBERS;
  await new Promise((r) => setTimeout(r, 200));
  return { cpu, jit, client, times };
}

// Unmeasured warm-up rounds: the runtime's tiered JIT recompiles the hot fan-out path after its first ~30 calls
// (a profile of un-warmed rounds shows ~40% of the server's CPU in the JIT); the rounds below measure steady state.
for (let n = 0; n < WARMUP; n++) await round(-1 - n);
await new Promise((r) => setTimeout(r, 1500)); // PostgreSQL flushes backends' statistics about once a second
// PERF_OUT=file: `perf record` of the server during the rounds only (run.sh PROFILE=1 prints the breakdown).
const perf = process.env.PERF_OUT
  ? spawn('perf', ['record', '-F', '4999', '-g', '-p', String(PID), '-o', process.env.PERF_OUT], { stdio: 'ignore' })
  : null;
if (perf) await new Promise((r) => setTimeout(r, 1000));
// LOG_STATEMENTS=1: the database logs every statement during the rounds (run.sh PROFILE=1 counts them).
if (process.env.LOG_STATEMENTS) {
  await db.query("ALTER SYSTEM SET log_statement = 'all'");
  await db.query('SELECT pg_reload_conf()');
  await new Promise((r) => setTimeout(r, 200));
}
// PostgreSQL 15 backends publish their transaction counts lazily (at the latest 10 s after going idle), so the
// counter is sampled after 11 quiet seconds on both sides: otherwise the warm-up's reads land inside the window.
await new Promise((r) => setTimeout(r, STATS_SETTLE_MS));
const xactBefore = await transactions(db);
// With perf maps on (PROFILE=1), every method the JIT compiles during the measured rounds is listed (by tier) on stderr:
// tier-ups there mean the warm-up was too short for code that runs once per event (DB read, pub/sub, EF Core).
const perfMap = `/tmp/perf-${PID}.map`;
const mapLength = () => { try { return readFileSync(perfMap, 'utf8').length; } catch { return -1; } };
const mapBefore = process.env.PERF_OUT ? mapLength() : -1;
for (let n = 0; n < EVENTS; n++) {
  const { cpu, jit, client, times } = await round(n);
  cpuInRounds += cpu;
  clientInRounds += client;
  jitInRounds += jit;
  latencies.push(...times);
}
if (mapBefore >= 0) {
  const compiled = readFileSync(perfMap, 'utf8').slice(mapBefore).split('\n').filter(Boolean).map((l) => l.split(' ').slice(2).join(' '));
  const tiers = {};
  for (const m of compiled) { const t = (m.match(/\[([A-Za-z0-9]+)\]$/) ?? [, 'other'])[1]; tiers[t] = (tiers[t] ?? 0) + 1; }
  console.error(`JIT during the measured rounds: ${compiled.length} methods ${JSON.stringify(tiers)}`);
  for (const m of compiled.slice(0, Number(process.env.JIT_LIST ?? 40))) console.error(`  jit: ${m.slice(0, 200)}`);
}
await new Promise((r) => setTimeout(r, STATS_SETTLE_MS));
if (perf) {
  perf.kill('SIGINT');
  await new Promise((r) => perf.on('exit', r));
}
// Minus the bench's own statements: UPDATE + NOTIFY per round, and the two statistics reads.
const xactPerEvent = (await transactions(db) - xactBefore - 2 * EVENTS - 2) / EVENTS;
if (process.env.LOG_STATEMENTS) {
  await db.query('ALTER SYSTEM RESET log_statement');
  await db.query('SELECT pg_reload_conf()');
}
const sorted = latencies.sort((a, b) => a - b);
const fanout = {
  subscribers: SUBSCRIBERS,
  events: EVENTS,
  warmupEvents: WARMUP,
  clientThreads: Math.max(1, CLIENT_WORKERS),
  deliveries: sorted.length,
  expected: SUBSCRIBERS * EVENTS,
  p50Ms: +percentile(sorted, 50).toFixed(1),
  p99Ms: +percentile(sorted, 99).toFixed(1),
  maxMs: +sorted.at(-1).toFixed(1),
  // Load-insensitive measures: server CPU time from NOTIFY to the last delivery, and database transactions per event.
  serverCpuMsPerEvent: +(cpuInRounds / EVENTS).toFixed(1),
  serverCpuUsPerDelivery: +((cpuInRounds * 1000) / Math.max(1, sorted.length)).toFixed(1),
  // The same without the background JIT thread's share (tier-up recompilation, not per-event work).
  serverCpuUsPerDeliveryExclJit: +(((cpuInRounds - jitInRounds) * 1000) / Math.max(1, sorted.length)).toFixed(1),
  dbTransactionsPerEvent: +xactPerEvent.toFixed(1),
  // The bench client's own CPU time per event (one Node.js thread receives, parses and times all SUBSCRIBERS frames):
  // a later subscriber's latency includes the client's work on the earlier ones.
  clientCpuMsPerEvent: +(clientInRounds / EVENTS).toFixed(1),
};
console.log(JSON.stringify({ fanout }));
sockets.forEach((s) => s.close());
workers.forEach((w) => w.postMessage({ type: 'close' }));
await new Promise((r) => setTimeout(r, 3000));
}

// 2. Idle memory. The baseline is the same IDLE / 100 connections, acknowledged, with no subscriptions, after one
// connection's worth of subscriptions was opened and completed (JIT, caches and pools of the subscribe path warmed),
// and each side is the median of SAMPLES RSS readings taken once a second after waiting for them to stop moving.
const SAMPLES = Number(process.env.IDLE_SAMPLES ?? 5);
async function settledRss() {
  const samples = [];
  for (let last = rss(), i = 0; i < 15; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = rss();
    samples.push(now);
    if (samples.length >= SAMPLES && Math.abs(now - last) < 1) break;
    last = now;
  }
  const tail = samples.slice(-SAMPLES).sort((a, b) => a - b);
  return { mb: tail[Math.floor(tail.length / 2)], samples: samples.map((v) => +v.toFixed(1)) };
}
let initial = 0;
const idleSockets = await inBatches(Math.ceil(IDLE / PER_SOCKET), 20, () => connect(() => initial++));
const subscribeAll = (prefix) => {
  idleSockets.forEach((s, i) => {
    for (let j = 0; j < PER_SOCKET && i * PER_SOCKET + j < IDLE; j++) subscribe(s, prefix + j, id);
  });
};
async function waitInitial(count) {
  const until = Date.now() + 180_000;
  while (initial < count && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
}
for (let j = 0; j < PER_SOCKET && j < IDLE; j++) subscribe(idleSockets[0], 'w' + j, id);
await waitInitial(Math.min(PER_SOCKET, IDLE));
for (let j = 0; j < PER_SOCKET && j < IDLE; j++) idleSockets[0].send(JSON.stringify({ id: 'w' + j, type: 'complete' }));
const warm = initial;
initial = 0;
const idleBefore = await settledRss();
const probeBefore = await gcProbe('report');
subscribeAll('s');
await waitInitial(IDLE);
const idleAfter = await settledRss();
if (process.env.GCPROBE_DIR) {
  const probes = { before: probeBefore, after: await gcProbe('report') };
  probes.afterFullGc = await gcProbe('collect');
  await new Promise((r) => setTimeout(r, 2000));
  probes.afterFullGcSettled = await gcProbe('report');
  probes.afterAggressiveGc = await gcProbe('aggressive');
  await new Promise((r) => setTimeout(r, 2000));
  probes.afterAggressiveGcSettled = await gcProbe('report');
  for (const [name, p] of Object.entries(probes)) console.error(JSON.stringify({ gcProbe: name, ...p }));
}
console.log(JSON.stringify({
  idle: {
    subscriptions: IDLE,
    connections: idleSockets.length,
    live: initial,
    warmUp: warm,
    rssBeforeMb: +idleBefore.mb.toFixed(0),
    rssAfterMb: +idleAfter.mb.toFixed(0),
    deltaMb: +(idleAfter.mb - idleBefore.mb).toFixed(0),
    bytesPerSubscription: Math.round(((idleAfter.mb - idleBefore.mb) * 1048576) / IDLE),
    rssSamplesBefore: idleBefore.samples,
    rssSamplesAfter: idleAfter.samples,
  },
  serverRssAtStartMb: +rssBefore.toFixed(0),
}));
// IDLE_HOLD_SECONDS keeps the idle subscriptions open after measuring (e.g. to inspect the server's heap).
if (process.env.IDLE_HOLD_SECONDS) {
  console.error(`holding ${IDLE} idle subscriptions, server pid ${PID}`);
  await new Promise((r) => setTimeout(r, Number(process.env.IDLE_HOLD_SECONDS) * 1000));
}
idleSockets.forEach((s) => s.close());
await db.end();
process.exit(0);
