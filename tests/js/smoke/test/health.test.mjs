// Runs against the platform that ./crownest test starts (CROWNEST_API_URL, CROWNEST_EDGE_URL, CROWNEST_TOKEN).
import { test } from 'node:test';
import assert from 'node:assert/strict';

const api = process.env.CROWNEST_API_URL;
const edge = process.env.CROWNEST_EDGE_URL;
const token = process.env.CROWNEST_TOKEN;

test('environment names the platform under test', () => {
  assert.ok(api, 'CROWNEST_API_URL is set');
  assert.ok(edge, 'CROWNEST_EDGE_URL is set');
  assert.ok(token, 'CROWNEST_TOKEN is set');
});

test('GET /healthz answers 200 without credentials', async () => {
  const res = await fetch(`${api}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('GET /readyz rejects a missing token with 401 and the REST error shape', async () => {
  const res = await fetch(`${api}/readyz`);
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  const body = await res.json();
  assert.equal(body.error.code, 'unauthorized');
});

test('GET /readyz with the bootstrap token reports the database ok', async () => {
  const res = await fetch(`${api}/readyz`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok', checks: { database: 'ok' } });
});

test('the edge answers preview hosts with not_found', async () => {
  const res = await fetch(`${edge}/`);
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error.code, 'not_found');
});
