// Checks the corpus itself against graphql-js (no engine needed): size, rule coverage, expected/ is current.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, specifiedRules, validate } from 'graphql';
import { loadCases, loadData, oracleSchema, runOracle, suiteDir } from '../lib/corpus.mjs';

const cases = loadCases();
const schema = oracleSchema();
const data = loadData();

test('corpus has at least 400 operations, valid and invalid', () => {
  const results = cases.map((c) => runOracle(schema, data, c));
  assert.ok(cases.length >= 400, `only ${cases.length} cases`);
  assert.ok(results.filter((r) => !r.errors).length >= 150, 'too few fully valid operations');
  assert.ok(results.filter((r) => r.errors && !('data' in r)).length >= 150, 'too few request errors');
  assert.ok(results.filter((r) => r.errors && 'data' in r).length >= 40, 'too few field errors');
});

test('every graphql-js validation rule is violated by at least one case', () => {
  const documents = cases.flatMap((c) => {
    try {
      return [parse(c.query)];
    } catch {
      return [];
    }
  });
  const uncovered = specifiedRules.filter((rule) => !documents.some((doc) => validate(schema, doc, [rule]).length > 0));
  assert.deepEqual(uncovered.map((r) => r.name), []);
});

test('expected/*.json matches graphql-js output (run `npm run oracle` after changing the corpus)', () => {
  const dir = join(suiteDir, 'expected');
  const stored = new Map();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    for (const entry of JSON.parse(readFileSync(join(dir, f), 'utf8'))) stored.set(entry.id, entry.result);
  }
  const stale = cases.filter((c) => JSON.stringify(stored.get(c.id)) !== JSON.stringify(runOracle(schema, data, c))).map((c) => c.id);
  assert.deepEqual(stale, []);
  assert.equal(stored.size, cases.length);
});
