// GraphQL subscriptions of the CrowNest engine, driven by the reference npm clients:
//  - graphql-ws (graphql-transport-ws subprotocol) over the `ws` WebSocket implementation, plus raw `ws` sockets for
//    the protocol's close codes;
//  - graphql-sse (distinct connections mode).
// The server is the conformance CLI's `--serve --subscriptions --ws-token` mode, started by this suite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { collect } from '../../shared/collect.mjs';
import { rawSocket as openRawSocket } from '../../shared/raw-socket.mjs';
import { startSubscriptionServer } from '../lib/server.mjs';

const TOKEN = 'engine-test-token';
let server;

before(async () => {
  server = await startSubscriptionServer({ token: TOKEN });
});

after(async () => {
  await server?.stop();
});

function wsClient(options = {}) {
  return createWsClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${TOKEN}` },
    retryAttempts: 0,
    shouldRetry: () => false,
    lazy: true,
    ...options,
  });
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

describe('graphql-ws client (graphql-transport-ws)', () => {
  test('a subscription streams every event and completes', async () => {
    const client = wsClient();
    try {
      const { values, error } = await collect(client, { query: 'subscription ($n: Int!) { countdown(from: $n, delayMs: 5) }', variables: { n: 3 } });
      assert.equal(error, undefined);
      assert.deepEqual(values, [3, 2, 1, 0].map((n) => ({ data: { countdown: n } })));
    } finally {
      await client.dispose();
    }
  });

  test('queries and mutations run over the socket', async () => {
    const client = wsClient();
    try {
      const query = await collect(client, { query: '{ hello }' });
      const mutation = await collect(client, { query: 'mutation { touch }' });
      assert.deepEqual(query, { values: [{ data: { hello: 'world' } }], error: undefined });
      assert.deepEqual(mutation, { values: [{ data: { touch: true } }], error: undefined });
    } finally {
      await client.dispose();
    }
  });

  test('concurrent operations are multiplexed on one socket', async () => {
    let connections = 0;
    const client = wsClient({ on: { connected: () => { connections++; } } });
    try {
      const [a, b, c] = await Promise.all([
        collect(client, { query: 'subscription { countdown(from: 4, delayMs: 3) }' }),
        collect(client, { query: 'subscription { countdown(from: 2, delayMs: 5) }' }),
        collect(client, { query: '{ hello }' }),
      ]);
      assert.deepEqual(a.values.map((v) => v.data.countdown), [4, 3, 2, 1, 0]);
      assert.deepEqual(b.values.map((v) => v.data.countdown), [2, 1, 0]);
      assert.deepEqual(c.values, [{ data: { hello: 'world' } }]);
      assert.equal(connections, 1);
    } finally {
      await client.dispose();
    }
  });

  test('unsubscribing (client complete) stops the stream and the socket stays usable', async () => {
    const client = wsClient();
    try {
      const received = [];
      const { values } = await collect(client, { query: 'subscription { ticks(intervalMs: 10) }' }, { limit: 3, onValue: (v) => received.push(v) });
      assert.equal(values.length, 3);
      await delay(200);
      assert.equal(received.length, 3, 'values arrived after unsubscribing');
      const query = await collect(client, { query: '{ hello }' });
      assert.deepEqual(query.values, [{ data: { hello: 'world' } }]);
    } finally {
      await client.dispose();
    }
  });

  test('validation errors reach the sink as an array of GraphQL errors', async () => {
    const client = wsClient();
    try {
      const { values, error } = await collect(client, { query: 'subscription { nope }' });
      assert.deepEqual(values, []);
      assert.ok(Array.isArray(error), `expected an error array, got ${error}`);
      assert.equal(error[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
      assert.match(error[0].message, /nope/);
    } finally {
      await client.dispose();
    }
  });

  test('a failing source stream delivers its events, then an error', async () => {
    const client = wsClient();
    try {
      const { values, error } = await collect(client, { query: 'subscription { failing(after: 2) }' });
      assert.deepEqual(values, [{ data: { failing: 1 } }, { data: { failing: 2 } }]);
      assert.equal(error[0].extensions.code, 'STREAM_FAILED');
    } finally {
      await client.dispose();
    }
  });

  test('the connection runs as the user authenticated from connectionParams', async () => {
    const client = wsClient();
    try {
      const { values } = await collect(client, { query: 'subscription { whoami }' });
      assert.deepEqual(values, [{ data: { whoami: 'conformance' } }]);
    } finally {
      await client.dispose();
    }
  });

  test('a wrong token is rejected with 4403 Forbidden', async () => {
    const client = wsClient({ connectionParams: { authorization: 'Bearer wrong' } });
    try {
      const { error } = await collect(client, { query: '{ hello }' });
      assert.equal(error?.code, 4403);
      assert.equal(error?.reason, 'Forbidden');
    } finally {
      await client.dispose();
    }
  });
});

function rawSocket(protocol = 'graphql-transport-ws') {
  return openRawSocket(WebSocket, server.wsUrl, protocol);
}

async function initialised() {
  const raw = rawSocket();
  await raw.opened;
  raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${TOKEN}` } });
  assert.deepEqual(await raw.next(), { type: 'connection_ack' });
  return raw;
}

describe('graphql-transport-ws protocol (raw ws)', () => {
  test('ping is answered with pong carrying the same payload', async () => {
    const raw = await initialised();
    raw.send({ type: 'ping', payload: { n: 1 } });
    assert.deepEqual(await raw.next(), { type: 'pong', payload: { n: 1 } });
    raw.socket.close(1000);
  });

  test('4406 without the graphql-transport-ws subprotocol', async () => {
    const raw = rawSocket(null);
    assert.deepEqual(await raw.closed, { code: 4406, reason: 'Subprotocol not acceptable' });
  });

  test('only graphql-transport-ws is selected: a client offering just the legacy graphql-ws fails the handshake', async () => {
    const raw = rawSocket('graphql-ws');
    await assert.rejects(raw.opened, /Server sent no subprotocol/);
  });

  test('4400 on an invalid message', async () => {
    const raw = await initialised();
    raw.send('{"type":"subscribe","payload":{"query":"{ hello }"}}');
    assert.equal((await raw.closed).code, 4400);
  });

  test('4401 on subscribe before connection_ack', async () => {
    const raw = rawSocket();
    await raw.opened;
    raw.send({ id: '1', type: 'subscribe', payload: { query: '{ hello }' } });
    assert.deepEqual(await raw.closed, { code: 4401, reason: 'Unauthorized' });
  });

  test('4403 on a connection_init without credentials', async () => {
    const raw = rawSocket();
    await raw.opened;
    raw.send({ type: 'connection_init' });
    assert.deepEqual(await raw.closed, { code: 4403, reason: 'Forbidden' });
  });

  test('4408 when connection_init does not arrive within 3 s', async () => {
    const raw = rawSocket();
    await raw.opened;
    const started = Date.now();
    assert.deepEqual(await raw.closed, { code: 4408, reason: 'Connection initialisation timeout' });
    assert.ok(Date.now() - started >= 2500, 'closed before the init timeout');
  });

  test('4409 when a subscriber id is already running', async () => {
    const raw = await initialised();
    const subscribe = { id: 'dup', type: 'subscribe', payload: { query: 'subscription { ticks(intervalMs: 100) }' } };
    raw.send(subscribe);
    raw.send(subscribe);
    assert.deepEqual(await raw.closed, { code: 4409, reason: 'Subscriber for dup already exists' });
  });

  test('4429 on a second connection_init', async () => {
    const raw = await initialised();
    raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${TOKEN}` } });
    assert.deepEqual(await raw.closed, { code: 4429, reason: 'Too many initialisation requests' });
  });
});

describe('graphql-sse client (distinct connections)', () => {
  function sseClient() {
    return createSseClient({ url: server.url, retryAttempts: 0 });
  }

  test('a subscription streams every event and completes', async () => {
    const client = sseClient();
    try {
      const { values, error } = await collect(client, { query: 'subscription ($n: Int!) { countdown(from: $n, delayMs: 5) }', variables: { n: 3 } });
      assert.equal(error, undefined);
      assert.deepEqual(values, [3, 2, 1, 0].map((n) => ({ data: { countdown: n } })));
    } finally {
      client.dispose();
    }
  });

  test('queries and mutations are one next event', async () => {
    const client = sseClient();
    try {
      assert.deepEqual(await collect(client, { query: '{ hello }' }), { values: [{ data: { hello: 'world' } }], error: undefined });
      assert.deepEqual(await collect(client, { query: 'mutation { touch }' }), { values: [{ data: { touch: true } }], error: undefined });
    } finally {
      client.dispose();
    }
  });

  test('validation errors arrive as a next event with errors', async () => {
    const client = sseClient();
    try {
      const { values, error } = await collect(client, { query: 'subscription { nope }' });
      assert.equal(error, undefined);
      assert.equal(values.length, 1);
      assert.equal(values[0].data, undefined);
      assert.equal(values[0].errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    } finally {
      client.dispose();
    }
  });

  test('unsubscribing closes the stream', async () => {
    const client = sseClient();
    try {
      const received = [];
      const { values } = await collect(client, { query: 'subscription { ticks(intervalMs: 10) }' }, { limit: 3, onValue: (v) => received.push(v) });
      assert.deepEqual(values.map((v) => v.data.ticks), [0, 1, 2]);
      await delay(200);
      assert.equal(received.length, 3, 'values arrived after unsubscribing');
    } finally {
      client.dispose();
    }
  });

  test('a failing source stream ends with a next event carrying the error', async () => {
    const client = sseClient();
    try {
      const { values, error } = await collect(client, { query: 'subscription { failing(after: 1) }' });
      assert.equal(error, undefined);
      assert.deepEqual(values[0], { data: { failing: 1 } });
      assert.equal(values[1].errors[0].extensions.code, 'STREAM_FAILED');
    } finally {
      client.dispose();
    }
  });

  test('a raw fetch sees event-stream framing (next events, then complete)', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { countdown(from: 1, delayMs: 1) }' }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const text = await res.text();
    assert.equal(text, 'event: next\ndata: {"data":{"countdown":1}}\n\nevent: next\ndata: {"data":{"countdown":0}}\n\nevent: complete\ndata: \n\n');
  });
});
