// App preview sessions in a real browser (Debian chromium driven by playwright-core), against the platform started by
// ./crownest test (CROWNEST_API_URL, CROWNEST_EDGE_URL, CROWNEST_TOKEN). Pages are opened through the preview edge
// with an access link, so every request (and Vite's HMR WebSocket) is proxied and authenticated by the edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const api = process.env.CROWNEST_API_URL;
const token = process.env.CROWNEST_TOKEN;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function call(method, path, body) {
  const response = await fetch(api + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** A workspace of the bootstrap key's organization, from whichever listing this build serves. */
async function findWorkspace() {
  for (const [path, pick] of [
    ['/api/workspaces', (b) => (b.data ?? b)[0]?.id],
    ['/v1/projects', (b) => (b.data ?? [])[0]?.workspaceId],
  ]) {
    const { status, body } = await call('GET', path);
    if (status === 200 && body) {
      const id = pick(body);
      if (id) return id;
    }
  }
  return null;
}

async function createApp(files) {
  const workspaceId = await findWorkspace();
  if (!workspaceId) return null;
  const app = await call('POST', '/api/apps', { workspaceId, name: 'Preview e2e' });
  assert.equal(app.status, 201, JSON.stringify(app.body));
  const version = app.body.defaultVersionId;
  for (const [path, content] of Object.entries(files)) {
    const file = await call('POST', `/api/app-versions/${version}/files`, { path, content });
    assert.ok(file.status === 200 || file.status === 201, `${path}: ${JSON.stringify(file.body)}`);
  }
  return version;
}

async function startSession(version, timeoutMs) {
  const started = await call('POST', '/api/app-preview-sessions', { appVersionId: version });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call('GET', `/api/apps/preview/${started.body.id}`);
    if (body.status === 'ready') return body;
    assert.notEqual(body.status, 'failed', `${body.error}\n${body.metadata?.outputTail ?? ''}`);
    assert.ok(Date.now() < deadline, `session still ${body.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Zero-dependency dev server with its own live update over Server-Sent Events (no bundler, works offline). */
const liveServer = `
const http = require('http');
const fs = require('fs');
const i = process.argv.indexOf('--port');
const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT);
const clients = new Set();
fs.watch('.', (_, name) => { if (name === 'message.txt') for (const c of clients) c.write('data: changed\\n\\n'); });
http.createServer((req, res) => {
  if (req.url === '/__events') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': open\\n\\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
    return;
  }
  if (req.url === '/message') { res.end(fs.readFileSync('message.txt', 'utf8')); return; }
  res.setHeader('content-type', 'text/html');
  res.end(fs.readFileSync('index.html', 'utf8'));
}).listen(port, '127.0.0.1');
`;

const liveIndex = `<!doctype html><html><body><h1 id="message">loading</h1><script>
window.__loadId = Math.random();
async function refresh() { document.getElementById('message').textContent = await (await fetch('/message')).text(); }
new EventSource('/__events').onmessage = refresh;
refresh();
</script></body></html>`;

/**
 * Opens the session's preview the way a browser must: through the edge, via a short-lived access link that the edge
 * exchanges for its preview cookie (then redirects to the page). The session's metadata names its preview.
 */
async function openPreview(session) {
  const previewId = session.metadata?.previewId;
  assert.ok(previewId, `the session has no previewId in its metadata: ${JSON.stringify(session.metadata)}`);
  assert.match(session.previewUrl, /^https?:\/\/p-[a-z0-9]{6}\./, 'previewUrl is not an edge preview URL');
  const link = await call('POST', `/v1/previews/${previewId}/access-links`, { expiresInSeconds: 120 });
  assert.equal(link.status, 201, JSON.stringify(link.body));
  const url = link.body.accessLink.url;
  assert.ok(url.startsWith(session.previewUrl), `${url} is not on ${session.previewUrl}`);
  // *.localhost must reach the edge on 127.0.0.1 (the edge does not listen on ::1).
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--host-resolver-rules=MAP *.localhost 127.0.0.1'] });
  const page = await browser.newPage();
  const sockets = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  const response = await page.goto(url);
  assert.equal(new URL(page.url()).searchParams.get('crownest_access'), null, `the edge did not redirect away from the access token: ${response?.status()} ${await page.content()}`);
  // Without the cookie (a fresh context) the edge refuses the page.
  const anonymous = await browser.newContext();
  const refused = await (await anonymous.newPage()).goto(session.previewUrl);
  assert.equal(refused?.status(), 401);
  await anonymous.close();
  return { browser, page, sockets, status: response?.status() };
}

const skipReason = !api || !token ? 'CROWNEST_API_URL/CROWNEST_TOKEN not set (run through ./crownest test)'
  : !existsSync(chromiumPath) ? `chromium not found at ${chromiumPath}` : null;

test('zero-dependency app: the page changes live after a REST file edit, without a reload', { skip: skipReason ?? false, timeout: 120_000 }, async (t) => {
  const version = await createApp({
    'package.json': JSON.stringify({ name: 'live', private: true, scripts: { dev: 'node server.js' } }),
    'server.js': liveServer,
    'index.html': liveIndex,
    'message.txt': 'first',
  });
  if (!version) { t.skip('no workspace listing is served for the bootstrap key (tenancy API not merged)'); return; }
  const session = await startSession(version, 60_000);
  const { browser, page, status } = await openPreview(session);
  try {
    assert.equal(status, 200);
    await page.waitForFunction(() => document.getElementById('message').textContent === 'first');
    const loadId = await page.evaluate(() => window.__loadId);
    const patched = await call('PATCH', `/api/app-versions/${version}/files`, { path: 'message.txt', content: 'second' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await page.waitForFunction(() => document.getElementById('message').textContent === 'second', null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.__loadId), loadId, 'the page reloaded instead of updating live');
  } finally {
    await browser.close();
    await call('DELETE', `/api/apps/preview/${session.id}`);
  }
});

async function registryReachable() {
  try {
    const response = await fetch('https://registry.npmjs.org/vite', { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return response.ok;
  } catch {
    return false;
  }
}

test('Vite app: HMR updates the page after a REST file edit, without a reload', { skip: skipReason ?? false, timeout: 300_000 }, async (t) => {
  if (!(await registryReachable())) { t.skip('the npm registry is unreachable: Vite cannot be installed'); return; }
  const version = await createApp({
    'package.json': JSON.stringify({ name: 'vite-app', private: true, type: 'module', scripts: { dev: 'vite --host 127.0.0.1 --strictPort' }, devDependencies: { vite: '5.4.11' } }),
    'index.html': '<!doctype html><html><body><h1 id="message"></h1><script type="module" src="/main.js"></script></body></html>',
    'main.js': "import { message } from './message.js';\nwindow.__loadId ??= Math.random();\ndocument.getElementById('message').textContent = message;\nif (import.meta.hot) import.meta.hot.accept();\n",
    'message.js': "export const message = 'vite first';\n",
  });
  if (!version) { t.skip('no workspace listing is served for the bootstrap key (tenancy API not merged)'); return; }
  const session = await startSession(version, 240_000);
  const { browser, page, sockets, status } = await openPreview(session);
  try {
    assert.equal(status, 200);
    await page.waitForFunction(() => document.getElementById('message').textContent === 'vite first', null, { timeout: 30_000 });
    const loadId = await page.evaluate(() => window.__loadId);
    let navigations = 0;
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations++; });
    const patched = await call('PATCH', `/api/app-versions/${version}/files`, { path: 'main.js', content: "import { message } from './message.js';\nwindow.__loadId ??= Math.random();\ndocument.getElementById('message').textContent = message + ' (hmr)';\nif (import.meta.hot) import.meta.hot.accept();\n" });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await page.waitForFunction(() => document.getElementById('message').textContent === 'vite first (hmr)', null, { timeout: 30_000 });
    assert.equal(navigations, 0, 'the page reloaded instead of hot-updating');
    const previewHost = new URL(session.previewUrl).host;
    assert.ok(sockets.some((u) => new URL(u).host === previewHost), `Vite's HMR socket did not go through the edge: ${sockets.join(', ')}`);
    assert.equal(await page.evaluate(() => window.__loadId), loadId);
  } finally {
    await browser.close();
    await call('DELETE', `/api/apps/preview/${session.id}`);
  }
});
