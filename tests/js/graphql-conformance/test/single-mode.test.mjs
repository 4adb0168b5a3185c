// The CLI's single-operation mode (--query, --variables, --operation) agrees with graphql-js too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compareResponses, describeFailure } from '../lib/compare.mjs';
import { dataPath, loadCases, loadData, oracleSchema, runOracle, schemaPath } from '../lib/corpus.mjs';
import { findCli, runCli } from '../lib/engine.mjs';

const picks = [
  'exec/typename-everywhere',
  'operation/named-selected',
  'operation/unknown-name',
  'vars/input-multiple-errors',
  'vars/raw-int-from-3.0',
  'nulls/multiple-errors-different-parents',
  'syntax/crlf-locations',
];
const cli = findCli();
const tmp = mkdtempSync(join(tmpdir(), 'gql-single-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const schema = oracleSchema();
const data = loadData();
const cases = loadCases().filter((c) => picks.includes(c.id));

test('picked cases exist', () => assert.equal(cases.length, picks.length));

for (const c of cases) {
  test(`single mode: ${c.id}`, () => {
    assert.ok(!cli.missing, cli.missing);
    const name = c.id.replace(/\W/g, '_');
    const queryFile = join(tmp, `${name}.graphql`);
    writeFileSync(queryFile, c.query);
    const args = ['--schema', schemaPath, '--data', dataPath, '--query', queryFile];
    if (c.variables !== undefined) {
      const varsFile = join(tmp, `${name}.json`);
      writeFileSync(varsFile, typeof c.variables === 'string' ? c.variables : JSON.stringify(c.variables));
      args.push('--variables', varsFile);
    }
    if (c.operationName !== undefined) args.push('--operation', c.operationName);
    const r = runCli(cli, args);
    let actual;
    try {
      actual = JSON.parse(r.stdout);
    } catch {
      actual = { unparsable: r.stdout.slice(0, 2000) + r.stderr.slice(0, 2000) };
    }
    const expected = runOracle(schema, data, c);
    const diffs = compareResponses(expected, actual);
    if (diffs.length > 0) assert.fail(describeFailure(c, expected, actual, diffs));
  });
}
