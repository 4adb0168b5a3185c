// Sandbox subscriptions (sandboxUpdated, commandOutput, previewUpdated) of the running platform, driven by the npm
// graphql-ws and graphql-sse clients. Changes are made through REST /v1 with the bootstrap key (CROWNEST_TOKEN);
// another tenant and a narrower key are created through the tenancy mutations.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

const API = (process.env.CROWNEST_API_URL ?? '').replace(/\/$/, '');
const TOKEN = process.env.CROWNEST_TOKEN;
if (!API || !TOKEN) {
  throw new Error('CROWNEST_API_URL and CROWNEST_TOKEN must be set (./crownest test sets them)');
}
const HTTP_URL = `${API}/graphql`;
const WS_URL = HTTP_URL.replace(/^http/, 'ws');

const SANDBOX = 'subscription($id: ID!) { sandboxUpdated(id: $id) { id status } }';
const OUTPUT = 'subscription($id: ID!) { commandOutput(commandId: $id) { seq stream data } }';
const PREVIEWS = 'subscription($id: ID!) { previewUpdated(sandboxId: $id) { id port revokedAt } }';

function wsClient(token = TOKEN) {
  return createWsClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    shouldRetry: () => false,
    lazy: true,
  });
}

function sseClient(token = TOKEN) {
  return createSseClient({ url: HTTP_URL, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
}

/**
 * Subscribes and records every value; `until(n)` waits for n values, `done` resolves at complete or error with
 * { values, error, completed }.
 */
function follow(client, query, id) {
  const values = [];
  const waiters = [];
  let finish;
  const done = new Promise((resolve) => {
    finish = resolve;
  });
  const wake = () => waiters.splice(0).forEach((w) => w());
  const dispose = client.subscribe(
    { query, variables: { id } },
    {
      next: (value) => {
        values.push(value);
        wake();
      },
      error: (error) => {
        finish({ values, error, completed: false });
        wake();
      },
      complete: () => {
        finish({ values, error: undefined, completed: true });
        wake();
      },
    },
  );
  let ended = false;
  done.then(() => {
    ended = true;
  });
  return {
    values,
    done,
    dispose,
    async until(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (values.length < count) {
        if (ended) throw new Error(`ended after ${values.length} values: ${JSON.stringify(await done)}`);
        if (Date.now() > deadline) throw new Error(`only ${values.length} of ${count} values in time`);
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return values.slice(0, count);
    },
  };
}

function errorCode({ values, error }) {
  const errors = Array.isArray(error) ? error : values.find((v) => v.errors)?.errors;
  return errors?.[0]?.extensions?.code;
}

async function call(method, path, body, token = TOKEN) {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function gql(query, variables, token = TOKEN) {
  const { status, body } = await call('POST', '/graphql', { query, variables }, token);
  assert.equal(status, 200);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

/** A new sandbox in a new project of the bootstrap key's first workspace; null when no workspace is visible. */
async function newSandbox() {
  const workspaces = await call('GET', '/api/workspaces');
  const workspaceId = workspaces.status === 200 ? (workspaces.body.data ?? workspaces.body)[0]?.id : undefined;
  const project = await call('POST', '/v1/projects', { name: 'subscriptions', ...(workspaceId ? { workspaceId } : {}) });
  if (project.status !== 201) return null;
  const sandbox = await call('POST', '/v1/sandboxes', { projectId: project.body.project.id });
  assert.equal(sandbox.status, 201, JSON.stringify(sandbox.body));
  return sandbox.body.sandbox.id;
}

async function run(sandboxId, command) {
  const started = await call('POST', `/v1/sandboxes/${sandboxId}/commands`, { command });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  return started.body.command.id;
}

async function eventually(check, because, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${because}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const commandStatus = async (id) => (await call('GET', `/v1/commands/${id}`)).body.command.status;
const text = (values) => values.map((v) => v.data.commandOutput.data).join('');

describe('sandbox subscriptions on the platform', () => {
  test('sandboxUpdated: current RUNNING, then DESTROYED, then complete (graphql-ws)', async (t) => {
    const sandboxId = await newSandbox();
    if (!sandboxId) return t.skip('no project can be created for the bootstrap key');
    const client = wsClient();
    try {
      const sub = follow(client, SANDBOX, sandboxId);
      const [first] = await sub.until(1);
      assert.equal(first.data.sandboxUpdated.status, 'RUNNING');
      assert.equal((await call('DELETE', `/v1/sandboxes/${sandboxId}`)).status, 200);
      const end = await sub.done;
      assert.equal(end.completed, true, JSON.stringify(end));
      assert.equal(end.values.at(-1).data.sandboxUpdated.status, 'DESTROYED');
    } finally {
      await client.dispose();
    }
  });

  test('commandOutput: a late subscriber gets `a` replayed, then `b` live, then complete (graphql-ws)', async (t) => {
    const sandboxId = await newSandbox();
    if (!sandboxId) return t.skip('no project can be created for the bootstrap key');
    const commandId = await run(sandboxId, 'echo a; sleep 2; echo b');
    await eventually(async () => {
      const output = await call('GET', `/v1/commands/${commandId}/output`);
      return output.body.data.length > 0;
    }, 'the first line is stored');
    const client = wsClient();
    try {
      const sub = follow(client, OUTPUT, commandId);
      await sub.until(1);
      assert.equal(text(sub.values), 'a\n');
      assert.equal(await commandStatus(commandId), 'running', 'replayed while the command still runs');
      const end = await sub.done;
      assert.equal(end.completed, true, JSON.stringify(end));
      assert.equal(text(end.values), 'a\nb\n');
      const seqs = end.values.map((v) => v.data.commandOutput.seq);
      assert.deepEqual(seqs, [...new Set(seqs)].sort((x, y) => x - y));
    } finally {
      await client.dispose();
    }
  });

  test('commandOutput: a subscriber joining after exit gets everything, then complete (graphql-sse)', async (t) => {
    const sandboxId = await newSandbox();
    if (!sandboxId) return t.skip('no project can be created for the bootstrap key');
    const commandId = await run(sandboxId, 'echo a; sleep 0.3; echo b >&2');
    await eventually(async () => (await commandStatus(commandId)) !== 'running', 'the command exits');
    const client = sseClient();
    try {
      const end = await follow(client, OUTPUT, commandId).done;
      assert.equal(end.completed, true, JSON.stringify(end));
      assert.equal(text(end.values), 'a\nb\n');
      assert.deepEqual(end.values.map((v) => v.data.commandOutput.stream), ['STDOUT', 'STDERR']);
    } finally {
      client.dispose();
    }
  });

  test('previewUpdated: create, then revoke (graphql-ws)', async (t) => {
    const sandboxId = await newSandbox();
    if (!sandboxId) return t.skip('no project can be created for the bootstrap key');
    const client = wsClient();
    try {
      const sub = follow(client, PREVIEWS, sandboxId);
      // Give the subscription time to be active, then expose a port.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const created = await call('POST', `/v1/sandboxes/${sandboxId}/previews`, { port: 3000 });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.preview.id;
      const [first] = await sub.until(1);
      assert.equal(first.data.previewUpdated.id, id);
      assert.equal(first.data.previewUpdated.revokedAt, null);
      assert.equal((await call('DELETE', `/v1/previews/${id}`)).status, 200);
      const [, second] = await sub.until(2);
      assert.equal(second.data.previewUpdated.id, id);
      assert.notEqual(second.data.previewUpdated.revokedAt, null);
      sub.dispose();
    } finally {
      await client.dispose();
    }
  });

  test('revoking the subscriber\'s key mid-stream ends the subscription with FORBIDDEN (graphql-ws)', async (t) => {
    const sandboxId = await newSandbox();
    if (!sandboxId) return t.skip('no project can be created for the bootstrap key');
    const key = await gql('mutation { createApiKey(input: { name: "short-lived", scopes: ["sandbox:read", "preview:read"] }) { apiKey { id } secret } }');
    const client = wsClient(key.createApiKey.secret);
    try {
      const sub = follow(client, SANDBOX, sandboxId);
      const [first] = await sub.until(1);
      assert.equal(first.data.sandboxUpdated.status, 'RUNNING');
      await gql('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: key.createApiKey.apiKey.id });
      assert.equal((await call('DELETE', `/v1/sandboxes/${sandboxId}`)).status, 200);
      const end = await sub.done;
      assert.equal(errorCode(end), 'FORBIDDEN', JSON.stringify(end));
      assert.equal(end.values.length, 1, 'nothing is delivered after the key was revoked');
    } finally {
      await client.dispose();
    }
  });

  test('NOT_FOUND for another tenant and unknown ids; FORBIDDEN without the scope', async (t) => {
    const sandboxId = await newSandbox();
    if (!sandboxId) return t.skip('no project can be created for the bootstrap key');
    const commandId = await run(sandboxId, 'echo hi');
    const other = await gql('mutation($n: String!) { createOrganization(input: { name: $n }) { secret } }', {
      n: `Other ${Date.now()}`,
    });
    const narrow = await gql('mutation { createApiKey(input: { name: "app-only", scopes: ["app:read"] }) { secret } }');
    const cases = [
      [other.createOrganization.secret, SANDBOX, sandboxId, 'NOT_FOUND'],
      [other.createOrganization.secret, OUTPUT, commandId, 'NOT_FOUND'],
      [other.createOrganization.secret, PREVIEWS, sandboxId, 'NOT_FOUND'],
      [TOKEN, SANDBOX, 'sbx_00000000000000000000000000', 'NOT_FOUND'],
      [narrow.createApiKey.secret, SANDBOX, sandboxId, 'FORBIDDEN'],
      [narrow.createApiKey.secret, OUTPUT, commandId, 'FORBIDDEN'],
      [narrow.createApiKey.secret, PREVIEWS, sandboxId, 'FORBIDDEN'],
    ];
    for (const [token, query, id, code] of cases) {
      const client = wsClient(token);
      try {
        const end = await follow(client, query, id).done;
        assert.equal(errorCode(end), code, `${query} ${id}: ${JSON.stringify(end)}`);
      } finally {
        await client.dispose();
      }
    }
  });
});
