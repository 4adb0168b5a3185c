// Loads the schema, data and case corpus; runs cases through graphql-js (the oracle).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, graphqlSync } from 'graphql';

import validation from '../cases/validation.mjs';
import overlap from '../cases/overlap.mjs';
import execution from '../cases/execution.mjs';
import nulls from '../cases/nulls.mjs';
import variables from '../cases/variables.mjs';
import syntax from '../cases/syntax.mjs';
import introspection from '../cases/introspection.mjs';
import edge from '../cases/edge.mjs';
import fuzz from '../cases/fuzz.mjs';

export const suiteDir = fileURLToPath(new URL('..', import.meta.url));
export const schemaPath = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const dataPath = fileURLToPath(new URL('../data.json', import.meta.url));

export const groups = { validation, overlap, execution, nulls, variables, syntax, introspection, edge, fuzz };

/** @returns {{id: string, group: string, query: string, variables?: object, operationName?: string}[]} */
export function loadCases() {
  const seen = new Set();
  const cases = [];
  for (const [group, entries] of Object.entries(groups)) {
    for (const [name, query, variables, operationName] of entries) {
      if (seen.has(name)) {
        throw new Error(`duplicate case name ${name}`);
      }
      seen.add(name);
      const c = { id: name, group, query };
      if (variables != null) c.variables = variables;
      if (operationName != null) c.operationName = operationName;
      cases.push(c);
    }
  }
  return cases;
}

export function loadSchemaSource() {
  return readFileSync(schemaPath, 'utf8');
}

export function loadData() {
  return JSON.parse(readFileSync(dataPath, 'utf8'));
}

/** Runs one case through graphql-js and returns the plain JSON response (as a server would serialize it). */
export function runOracle(schema, data, c) {
  const result = graphqlSync({
    schema,
    source: c.query,
    rootValue: data,
    // A string is raw JSON text, sent verbatim to the engine (e.g. `3.0`, which JavaScript cannot keep apart from `3`).
    variableValues: (typeof c.variables === 'string' ? JSON.parse(c.variables) : c.variables) ?? undefined,
    operationName: c.operationName ?? undefined,
  });
  return JSON.parse(JSON.stringify(result));
}

export function oracleSchema() {
  return buildSchema(loadSchemaSource());
}
