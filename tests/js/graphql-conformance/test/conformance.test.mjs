// Differential test: every corpus case through graphql-js and through the engine CLI (`--batch`, one process).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { compareResponses, describeFailure } from '../lib/compare.mjs';
import { dataPath, loadCases, loadData, oracleSchema, runOracle, schemaPath } from '../lib/corpus.mjs';
import { findCli, runBatch } from '../lib/engine.mjs';

const cases = loadCases();
const schema = oracleSchema();
const data = loadData();
const cli = findCli();

if (cli.missing) {
  test('engine conformance CLI is available', () => {
    assert.fail(`${cli.missing}. Build it with: dotnet build tools/GraphQLConformance -c Release`);
  });
} else {
  const batch = runBatch(cli, schemaPath, dataPath, cases);

  test(`engine batch run completes (${cli.description})`, () => {
    assert.ok(!batch.problem, `${batch.problem}\nstderr:\n${batch.stderr.slice(0, 4000)}`);
  });

  const failedByGroup = new Map();
  after(() => {
    const lines = ['conformance summary (passed/total per area):'];
    for (const [group, groupCases] of byGroup) {
      const failed = failedByGroup.get(group) ?? [];
      lines.push(`  ${group}: ${groupCases.length - failed.length}/${groupCases.length}${failed.length ? ` — failing: ${failed.join(', ')}` : ''}`);
    }
    console.log(lines.join('\n'));
  });

  const byGroup = Map.groupBy ? Map.groupBy(cases, (c) => c.group) : groupBy(cases);
  for (const [group, groupCases] of byGroup) {
    describe(group, () => {
      for (const c of groupCases) {
        test(c.id, () => {
          const expected = runOracle(schema, data, c);
          const actual = batch.responses[cases.indexOf(c)];
          const diffs = compareResponses(expected, actual);
          if (diffs.length > 0) {
            if (!failedByGroup.has(group)) failedByGroup.set(group, []);
            failedByGroup.get(group).push(c.id);
            assert.fail(describeFailure(c, expected, actual, diffs));
          }
        });
      }
    });
  }
}

function groupBy(items) {
  const m = new Map();
  for (const c of items) {
    if (!m.has(c.group)) m.set(c.group, []);
    m.get(c.group).push(c);
  }
  return m;
}
