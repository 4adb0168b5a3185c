// Subscriptions of the running platform (`./crownest test` starts it: CROWNEST_API_URL, CROWNEST_TOKEN = bootstrap key
// with every scope), driven by the reference npm clients graphql-ws and graphql-sse, plus raw `ws` sockets for the
// graphql-transport-ws close codes. The API key travels in connection_init ({"authorization":"Bearer ..."}) on the
// WebSocket and in the Authorization header over SSE.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { collect } from '../../shared/collect.mjs';
import { rawSocket as openRawSocket } from '../../shared/raw-socket.mjs';

const API = process.env.CROWNEST_API_URL;
const TOKEN = process.env.CROWNEST_TOKEN;
if (!API || !TOKEN) {
  throw new Error('CROWNEST_API_URL and CROWNEST_TOKEN must be set (./crownest test sets them)');
}
const HTTP_URL = `${API.replace(/\/$/, '')}/graphql`;
const WS_URL = HTTP_URL.replace(/^http/, 'ws');

function wsClient(options = {}) {
  return createWsClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${TOKEN}` },
    retryAttempts: 0,
    shouldRetry: () => false,
    lazy: true,
    ...options,
  });
}

function sseClient(headers = { authorization: `Bearer ${TOKEN}` }) {
  return createSseClient({ url: HTTP_URL, headers, retryAttempts: 0 });
}

async function gql(query, variables) {
  const response = await fetch(HTTP_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  assert.equal(response.status, 200);
  return response.json();
}

/** Root fields of the served Subscription type (empty until the domain areas add theirs). */
async function subscriptionFields() {
  const body = await gql('{ __schema { subscriptionType { fields { name } } } }');
  return new Set((body.data.__schema.subscriptionType?.fields ?? []).map((f) => f.name));
}

function rawSocket(protocol = 'graphql-transport-ws') {
  return openRawSocket(WebSocket, WS_URL, protocol);
}

async function initialised() {
  const raw = rawSocket();
  await raw.opened;
  raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${TOKEN}` } });
  assert.equal((await raw.next()).type, 'connection_ack');
  return raw;
}

describe('graphql-ws client on the platform', () => {
  test('the API key in connectionParams authenticates the socket; operations run as that key', async () => {
    const client = wsClient();
    try {
      const { values, error } = await collect(client, { query: '{ viewer { apiKeyId scopes } version }' });
      assert.equal(error, undefined);
      assert.equal(values.length, 1);
      assert.match(values[0].data.viewer.apiKeyId, /^key_/);
      assert.ok(values[0].data.viewer.scopes.includes('admin'));
    } finally {
      await client.dispose();
    }
  });

  test('a wrong key is rejected with 4403', async () => {
    const client = wsClient({ connectionParams: { authorization: 'Bearer cn_wrong' } });
    try {
      const { error } = await collect(client, { query: '{ version }' });
      assert.equal(error?.code, 4403);
    } finally {
      await client.dispose();
    }
  });

  test('no connectionParams is rejected with 4403', async () => {
    const client = wsClient({ connectionParams: undefined });
    try {
      const { error } = await collect(client, { query: '{ version }' });
      assert.equal(error?.code, 4403);
    } finally {
      await client.dispose();
    }
  });
});

describe('graphql-sse client on the platform', () => {
  test('the Authorization header authenticates the stream', async () => {
    const client = sseClient();
    try {
      const { values, error } = await collect(client, { query: '{ viewer { apiKeyId } }' });
      assert.equal(error, undefined);
      assert.match(values[0].data.viewer.apiKeyId, /^key_/);
    } finally {
      client.dispose();
    }
  });

  test('without the header the request is refused with 401 (SSE is not anonymous)', async () => {
    const client = sseClient({});
    try {
      const { error } = await collect(client, { query: '{ version }' });
      assert.ok(error, 'expected an error');
      assert.match(String(error?.message ?? error), /401/);
    } finally {
      client.dispose();
    }
  });
});

describe('graphql-transport-ws close codes on the platform', () => {
  test('4400 on an invalid message', async () => {
    const raw = await initialised();
    raw.send('{not json');
    assert.equal((await raw.closed).code, 4400);
  });

  test('4401 on subscribe before connection_ack', async () => {
    const raw = rawSocket();
    await raw.opened;
    raw.send({ id: '1', type: 'subscribe', payload: { query: '{ version }' } });
    assert.equal((await raw.closed).code, 4401);
  });

  test('4403 on a connection_init without credentials', async () => {
    const raw = rawSocket();
    await raw.opened;
    raw.send({ type: 'connection_init' });
    assert.equal((await raw.closed).code, 4403);
  });

  test('4406 without the graphql-transport-ws subprotocol', async () => {
    const raw = rawSocket(null);
    assert.equal((await raw.closed).code, 4406);
  });

  test('4408 when connection_init does not arrive in time', async () => {
    const raw = rawSocket();
    await raw.opened;
    const started = Date.now();
    assert.equal((await raw.closed).code, 4408);
    assert.ok(Date.now() - started >= 2500, 'closed before the init timeout');
  });

  test('4429 on a second connection_init', async () => {
    const raw = await initialised();
    raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${TOKEN}` } });
    assert.equal((await raw.closed).code, 4429);
  });

  test('4409 when a subscriber id is already running', async (t) => {
    const session = await startSession();
    if (!session) {
      t.skip('no workspace visible to the bootstrap key, so no preview session to subscribe to');
      return;
    }
    const raw = await initialised();
    const subscribe = {
      id: 'dup',
      type: 'subscribe',
      payload: { query: 'subscription($id: ID!) { appPreviewSessionUpdated(id: $id) { status } }', variables: { id: session } },
    };
    raw.send(subscribe);
    assert.equal((await raw.next()).type, 'next');
    raw.send(subscribe);
    assert.equal((await raw.closed).code, 4409);
  });
});

const ORDER = ['hydrating', 'installing', 'starting', 'ready'];
const DEV_SERVER = `const http = require('http');
const i = process.argv.indexOf('--port');
const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT);
http.createServer((req, res) => res.end('live')).listen(port, '127.0.0.1');`;

async function call(method, path, body) {
  const response = await fetch(`${API.replace(/\/$/, '')}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: body === undefined ? undefined : JSON.stringify(body),
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

/** Starts a preview session of a zero-dependency app; its id, or null when no workspace is visible. */
async function startSession() {
  const workspaceId = await findWorkspace();
  if (!workspaceId) return null;
  const app = await call('POST', '/api/apps', { workspaceId, name: 'Live subscriptions' });
  assert.equal(app.status, 201, JSON.stringify(app.body));
  const version = app.body.defaultVersionId;
  for (const [path, content] of Object.entries({ 'package.json': '{"scripts":{"dev":"node server.js"}}', 'server.js': DEV_SERVER })) {
    const file = await call('POST', `/api/app-versions/${version}/files`, { path, content });
    assert.ok(file.status === 200 || file.status === 201, JSON.stringify(file.body));
  }
  const started = await call('POST', '/api/app-preview-sessions', { appVersionId: version });
  assert.ok(started.status === 200 || started.status === 201, JSON.stringify(started.body));
  return started.body.id;
}

/** Distinct consecutive statuses until ready/failed, pushed by the server (no polling). */
function statusesUntilReady(client, id) {
  return new Promise((resolve, reject) => {
    const statuses = [];
    const timer = setTimeout(() => reject(new Error(`timed out after ${statuses.join(' → ')}`)), 120_000);
    const dispose = client.subscribe(
      { query: 'subscription($id: ID!) { appPreviewSessionUpdated(id: $id) { status } }', variables: { id } },
      {
        next: ({ data, errors }) => {
          if (errors) return reject(new Error(JSON.stringify(errors)));
          const status = data.appPreviewSessionUpdated.status;
          if (statuses.at(-1) !== status) statuses.push(status);
          if (status === 'ready' || status === 'failed') {
            clearTimeout(timer);
            dispose();
            resolve(statuses);
          }
        },
        error: (e) => reject(e),
        complete: () => {},
      },
    );
  });
}

function assertInOrder(statuses) {
  assert.equal(statuses.at(-1), 'ready', statuses.join(' → '));
  const positions = statuses.map((s) => ORDER.indexOf(s));
  assert.ok(!positions.includes(-1), statuses.join(' → '));
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
}

describe('preview session statuses pushed to subscribers', () => {
  test('graphql-ws: hydrating → installing → starting → ready (applicable subset, in order)', async (t) => {
    const id = await startSession();
    if (!id) return t.skip('no workspace visible to the bootstrap key');
    const client = wsClient();
    try {
      assertInOrder(await statusesUntilReady(client, id));
    } finally {
      await client.dispose();
    }
  });

  test('graphql-sse: the same statuses in order', async (t) => {
    const id = await startSession();
    if (!id) return t.skip('no workspace visible to the bootstrap key');
    const client = sseClient();
    try {
      assertInOrder(await statusesUntilReady(client, id));
    } finally {
      client.dispose();
    }
  });

  test('an unknown session is NOT_FOUND at subscribe time', async () => {
    const client = wsClient();
    try {
      const { values, error } = await collect(client, {
        query: 'subscription { appPreviewSessionUpdated(id: "aps_00000000000000000000000000") { status } }',
      });
      const errors = Array.isArray(error) ? error : values[0]?.errors;
      assert.equal(errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify({ values, error }));
    } finally {
      await client.dispose();
    }
  });
});
