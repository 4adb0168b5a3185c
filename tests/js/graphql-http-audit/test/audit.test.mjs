// GraphQL-over-HTTP conformance: graphql-http's auditServer against
//  1. the platform endpoint ${CROWNEST_API_URL}/graphql (Bearer ${CROWNEST_TOKEN}), when configured;
//  2. the conformance CLI's `--serve` mode (always);
// plus self-checks proving the harness passes a compliant server and fails a broken one.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { buildSchema } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import { findCli, startServe } from '../../graphql-conformance/lib/engine.mjs';
import { blockingFailures, report, runAudit } from '../lib/audit.mjs';

const schemaPath = fileURLToPath(new URL('../schema.graphql', import.meta.url));
const dataPath = fileURLToPath(new URL('../data.json', import.meta.url));

async function assertCompliant(label, url, headers) {
  const audit = await runAudit(url, { headers });
  const text = await report(label, audit);
  console.log(text);
  const blocking = blockingFailures(audit);
  assert.ok(audit.results.length > 0, 'audit produced no results');
  assert.equal(blocking.length, 0, `${blocking.length} MUST/SHOULD audit(s) failed\n${text}`);
}

function listen(handler) {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

test('harness: graphql-http reference handler passes every MUST and SHOULD', async () => {
  const schema = buildSchema('type Query { hello: String }');
  const server = await listen(createHandler({ schema, rootValue: { hello: 'world' } }));
  try {
    await assertCompliant('graphql-http reference', `http://127.0.0.1:${server.address().port}/graphql`, {});
  } finally {
    server.close();
  }
});

test('harness: a non-compliant server is reported as failing', async () => {
  const server = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('not graphql');
    });
  });
  try {
    const audit = await runAudit(`http://127.0.0.1:${server.address().port}/graphql`);
    console.log(await report('broken server (expected to fail)', audit));
    assert.ok(blockingFailures(audit).length > 0, 'the broken server passed the audit: the harness cannot fail');
  } finally {
    server.close();
  }
});

const apiUrl = process.env.CROWNEST_API_URL;
const token = process.env.CROWNEST_TOKEN;
test('CrowNest platform /graphql passes every MUST and SHOULD', { skip: apiUrl ? false : 'CROWNEST_API_URL is not set (the repo test harness sets it when it starts the platform)' }, async () => {
  const url = `${apiUrl.replace(/\/+$/, '')}/graphql`;
  await assertCompliant(`platform ${url}`, url, token ? { authorization: `Bearer ${token}` } : {});
});

test('conformance CLI --serve passes every MUST and SHOULD', async () => {
  const cli = findCli();
  assert.ok(!cli.missing, `${cli.missing}. Build it with: dotnet build tools/GraphQLConformance -c Release`);
  const served = await startServe(cli, schemaPath, dataPath);
  after(() => served.stop());
  try {
    await assertCompliant(`conformance CLI --serve ${served.url}`, served.url, {});
  } finally {
    await served.stop();
  }
});
