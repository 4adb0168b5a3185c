// Self-checks of the harness (no engine needed): the comparator flags every kind of difference, and the batch
// runner round-trips the whole corpus through the graphql-js reference CLI (scripts/reference-cli.mjs).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareResponses } from '../lib/compare.mjs';
import { dataPath, loadCases, loadData, oracleSchema, runOracle, schemaPath } from '../lib/corpus.mjs';
import { runBatch } from '../lib/engine.mjs';

describe('comparator', () => {
  const base = {
    errors: [{ message: 'boom', locations: [{ line: 1, column: 3 }, { line: 2, column: 1 }], path: ['a', 0, 'b'] }],
    data: { a: [{ b: null, c: 1 }] },
  };
  const clone = () => JSON.parse(JSON.stringify(base));

  test('identical responses agree; messages and location order inside an error may differ', () => {
    const other = clone();
    other.errors[0].message = 'different words';
    other.errors[0].locations.reverse();
    assert.deepEqual(compareResponses(base, other), []);
  });
  test('missing response', () => assert.equal(compareResponses(base, undefined).length, 1));
  test('non-object response', () => assert.equal(compareResponses(base, { unparsable: 'x' }).length, 1));
  test('data key presence', () => {
    const other = clone();
    delete other.data;
    assert.ok(compareResponses(base, other).some((d) => d.includes('data')));
  });
  test('data value', () => {
    const other = clone();
    other.data.a[0].c = 2;
    assert.ok(compareResponses(base, other).length > 0);
  });
  test('response key order', () => {
    const other = clone();
    other.data.a[0] = { c: 1, b: null };
    assert.ok(compareResponses(base, other).length > 0);
  });
  test('errors presence', () => {
    const other = clone();
    delete other.errors;
    assert.ok(compareResponses(base, other).length > 0);
    assert.ok(compareResponses({ data: base.data }, clone()).length > 0);
  });
  test('empty errors list', () => assert.ok(compareResponses({ data: base.data }, { data: base.data, errors: [] }).length > 0));
  test('error path', () => {
    const other = clone();
    other.errors[0].path = ['a', 1, 'b'];
    assert.ok(compareResponses(base, other).some((d) => d.includes('paths')));
  });
  test('error locations', () => {
    const other = clone();
    other.errors[0].locations[0].column = 4;
    assert.ok(compareResponses(base, other).some((d) => d.includes('locations')));
  });
  test('error count', () => {
    const other = clone();
    other.errors.push(other.errors[0]);
    assert.ok(compareResponses(base, other).length > 0);
  });
  test('empty message', () => {
    const other = clone();
    other.errors[0].message = '';
    assert.ok(compareResponses(base, other).length > 0);
  });
});

test('batch runner round-trips the corpus through the graphql-js reference CLI', () => {
  const cases = loadCases();
  const cli = { command: process.execPath, args: [new URL('../scripts/reference-cli.mjs', import.meta.url).pathname] };
  const batch = runBatch(cli, schemaPath, dataPath, cases);
  assert.equal(batch.problem, undefined, batch.stderr);
  const schema = oracleSchema();
  const data = loadData();
  const mismatched = cases.filter((c, i) => compareResponses(runOracle(schema, data, c), batch.responses[i]).length > 0);
  assert.deepEqual(mismatched.map((c) => c.id), []);
});
