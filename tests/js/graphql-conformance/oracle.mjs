// Runs the whole corpus through graphql-js and writes expected/<group>.json, for inspecting the corpus
// without the engine. The test suite checks these files are current.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCases, loadData, oracleSchema, runOracle, suiteDir } from './lib/corpus.mjs';

const schema = oracleSchema();
const data = loadData();
const byGroup = {};
let withErrors = 0;
let withData = 0;
for (const c of loadCases()) {
  const result = runOracle(schema, data, c);
  if (result.errors) withErrors++;
  if ('data' in result) withData++;
  (byGroup[c.group] ??= []).push({ ...c, group: undefined, result });
}
const dir = join(suiteDir, 'expected');
mkdirSync(dir, { recursive: true });
let total = 0;
for (const [group, entries] of Object.entries(byGroup)) {
  writeFileSync(join(dir, `${group}.json`), JSON.stringify(entries, null, 2) + '\n');
  console.log(`${group}: ${entries.length} cases`);
  total += entries.length;
}
console.log(`total ${total} cases: ${withErrors} with errors, ${withData} with data, ${total - withData} request errors`);
