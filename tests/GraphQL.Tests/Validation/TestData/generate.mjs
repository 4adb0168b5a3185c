// Regenerates expected/*.json from graphql-js 16 (run: npm i graphql@16 somewhere, then
// NODE_PATH=<that>/node_modules node generate.mjs). Each case records the errors of the single rule and of all
// specifiedRules, as {message, locations: [[line, column]]}.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cases } from './cases.mjs';

const require = createRequire(import.meta.url);
const graphql = require('graphql');
const here = new URL('.', import.meta.url);
const schemas = {};
function schema(name) {
  return (schemas[name] ??= graphql.buildSchema(readFileSync(new URL(`${name}.graphql`, here), 'utf8')));
}
const simplify = (errors) =>
  errors.map((e) => ({ message: e.message, locations: (e.locations ?? []).map((l) => [l.line, l.column]) }));

mkdirSync(new URL('expected/', here), { recursive: true });
for (const [ruleName, list] of Object.entries(cases)) {
  const rule = graphql[ruleName];
  const out = list.map(([name, query, schemaName = 'harness']) => {
    const s = schema(schemaName);
    const doc = graphql.parse(query);
    return {
      name,
      schema: schemaName,
      query,
      errors: rule ? simplify(graphql.validate(s, doc, [rule])) : null,
      allErrors: simplify(graphql.validate(s, doc)),
    };
  });
  writeFileSync(new URL(`expected/${ruleName}.json`, here), JSON.stringify(out, null, 1) + '\n');
}
console.log('graphql', graphql.version);
