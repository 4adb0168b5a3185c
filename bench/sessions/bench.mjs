// App preview session latency against a running platform (bench/sessions/run.sh starts it once per runtime).
//   cold: POST /api/app-preview-sessions for a fresh version of a zero-dependency app → `ready`, observed by polling
//         GET /api/apps/preview/{id} every POLL_MS (10) ms; also the server's own readyAt − createdAt.
//   warm: POST for a version whose session is ready (reuse) → response.
//   edit: PATCH a file through REST → the dev server in the sandbox serves the new content (polled every 5 ms on the
//         session's 127.0.0.1 host port).
// Prints one JSON line per measure (run.sh renders the table). Node 20, no dependencies.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const API = (process.env.CROWNEST_API_URL ?? '').replace(/\/$/, '');
const TOKEN = process.env.CROWNEST_TOKEN;
const RUNTIME = process.env.RUNTIME ?? 'process';
const PID = Number(process.env.SERVER_PID ?? 0);
const COLD = Number(process.env.COLD ?? 20);
const WARM = Number(process.env.WARM ?? 50);
const EDITS = Number(process.env.EDITS ?? 30);
const POLL_MS = Number(process.env.POLL_MS ?? 10);
const EDIT_POLL_MS = 5;
if (!API || !TOKEN) throw new Error('set CROWNEST_API_URL and CROWNEST_TOKEN');

const SERVER_JS = `const fs = require('fs');
const i = process.argv.indexOf('--port');
const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT);
require('http').createServer((req, res) => {
  let body = 'missing';
  try { body = fs.readFileSync('message.txt', 'utf8'); } catch {}
  res.end(body);
}).listen(port);`;
const FILES = {
  'package.json': '{"name":"zero","private":true,"scripts":{"dev":"node server.js"}}',
  'server.js': SERVER_JS,
  'message.txt': 'v0',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, path, body) {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

function must(result, what) {
  if (result.status >= 300) throw new Error(`${what}: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

/** Server process CPU time (user + system) in ms, from /proc (load-insensitive cost per operation). */
function cpuMs() {
  if (!PID) return NaN;
  const fields = readFileSync(`/proc/${PID}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1] };
}

function report(measure, values, target, cpu, extra = {}) {
  const s = stats(values);
  const round = (x) => Math.round(x * 10) / 10;
  console.log(JSON.stringify({ runtime: RUNTIME, measure, n: s.n, medianMs: round(s.median), p90Ms: round(s.p90), maxMs: round(s.max), targetMs: target, serverCpuMsPerOp: round(cpu / s.n), ...extra }));
}

async function workspace() {
  for (const [path, pick] of [['/api/workspaces', (b) => (b.data ?? b)[0]?.id], ['/v1/projects', (b) => (b.data ?? [])[0]?.workspaceId]]) {
    const { status, body } = await call('GET', path);
    const id = status === 200 && body ? pick(body) : undefined;
    if (id) return id;
  }
  return must(await call('POST', '/api/workspaces', { name: 'Session bench' }), 'create workspace').id;
}

async function newVersion(workspaceId, i) {
  const app = must(await call('POST', '/api/apps', { workspaceId, name: `Session bench ${RUNTIME} ${i} ${Date.now()}` }), 'create app');
  const version = app.defaultVersionId;
  for (const [path, content] of Object.entries(FILES)) {
    must(await call('POST', `/api/app-versions/${version}/files`, { path, content }), `write ${path}`);
  }
  return version;
}

async function waitReady(id, deadlineMs = 60_000) {
  const start = performance.now();
  for (;;) {
    const session = must(await call('GET', `/api/apps/preview/${id}`), 'get session');
    if (session.status === 'ready') return session;
    if (session.status === 'failed' || session.status === 'stopped') throw new Error(`session ${session.status}: ${session.error} ${JSON.stringify(session.metadata)}`);
    if (performance.now() - start > deadlineMs) throw new Error(`session still ${session.status} after ${deadlineMs} ms`);
    await sleep(POLL_MS);
  }
}

async function main() {
  const workspaceId = await workspace();
  const versions = [];
  for (let i = 0; i < COLD; i++) versions.push(await newVersion(workspaceId, i));

  // One untimed boot first: the first sandbox of a server pays one-time costs (JIT, image layers in the page cache).
  const warmup = must(await call('POST', '/api/app-preview-sessions', { appVersionId: await newVersion(workspaceId, 'warmup') }), 'start warmup');
  await waitReady(warmup.id);
  must(await call('DELETE', `/api/apps/preview/${warmup.id}`), 'stop warmup');

  // Cold: fresh versions, one at a time; each session is stopped (untimed) before the next starts.
  const observed = [];
  const serverSide = [];
  let cpu = 0;
  for (const version of versions) {
    const before = cpuMs();
    const t0 = performance.now();
    const started = must(await call('POST', '/api/app-preview-sessions', { appVersionId: version }), 'start session');
    const ready = await waitReady(started.id);
    observed.push(performance.now() - t0);
    cpu += cpuMs() - before;
    serverSide.push(Date.parse(ready.readyAt) - Date.parse(ready.createdAt));
    must(await call('DELETE', `/api/apps/preview/${started.id}`), 'stop session');
  }
  report('cold: POST → ready (poll GET 10 ms)', observed, RUNTIME === 'docker' ? 1500 : 1000, cpu);
  report('cold: server readyAt − createdAt', serverSide, RUNTIME === 'docker' ? 1500 : 1000, NaN);

  // Warm reuse and live edits on one ready session.
  const version = await newVersion(workspaceId, 'warm');
  const session = must(await call('POST', '/api/app-preview-sessions', { appVersionId: version }), 'start warm session');
  const ready = await waitReady(session.id);
  const warm = [];
  let warmCpu = 0;
  for (let i = 0; i < WARM; i++) {
    const before = cpuMs();
    const t0 = performance.now();
    const reused = await call('POST', '/api/app-preview-sessions', { appVersionId: version });
    warm.push(performance.now() - t0);
    warmCpu += cpuMs() - before;
    if (reused.status !== 200 || reused.body.id !== session.id) throw new Error(`not reused: ${reused.status} ${JSON.stringify(reused.body)}`);
  }
  report('warm: POST reusing a ready session', warm, 50, warmCpu);

  const port = ready.metadata?.port;
  if (!port) throw new Error(`no host port in the session's metadata: ${JSON.stringify(ready.metadata)}`);
  const direct = `http://127.0.0.1:${port}/`;
  const edits = [];
  let editCpu = 0;
  for (let i = 0; i < EDITS; i++) {
    const content = `edit ${i} ${Date.now()}`;
    const before = cpuMs();
    const t0 = performance.now();
    must(await call('PATCH', `/api/app-versions/${version}/files`, { path: 'message.txt', content }), 'patch file');
    for (;;) {
      const body = await (await fetch(direct)).text();
      if (body === content) break;
      if (performance.now() - t0 > 10_000) throw new Error(`edit ${i} not served after 10 s (serving '${body}')`);
      await sleep(EDIT_POLL_MS);
    }
    edits.push(performance.now() - t0);
    editCpu += cpuMs() - before;
  }
  report('edit: PATCH → served by the dev server', edits, 200, editCpu);
  must(await call('DELETE', `/api/apps/preview/${session.id}`), 'stop warm session');
}

await main();
