// Schema-level checks against the engine CLI:
//  - the engine's introspection is accepted by graphql-js buildClientSchema, and printSchema of it equals the
//    engine's own `--print-schema` output, for the corpus schema and the repo-root schema.graphql;
//  - the engine's `--print-schema` equals graphql-js printSchema(buildSchema(sdl));
//  - invalid schemas are rejected with {"schemaErrors":[...]} and exit code 1, exactly when graphql-js rejects them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildClientSchema, buildSchema, getIntrospectionQuery, printSchema, validateSchema } from 'graphql';
import { schemaPath } from '../lib/corpus.mjs';
import { findCli, repoRoot, runCli } from '../lib/engine.mjs';

const cli = findCli();
const tmp = mkdtempSync(join(tmpdir(), 'gql-schema-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const introspectionQuery = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});
const queryFile = join(tmp, 'introspection.graphql');
writeFileSync(queryFile, introspectionQuery);
const emptyData = join(tmp, 'empty.json');
writeFileSync(emptyData, '{}');

function firstDiff(a, b) {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `first difference at line ${i + 1}:\n  expected: ${JSON.stringify(bl[i])}\n  actual:   ${JSON.stringify(al[i])}`;
  }
  return 'no line differs (whitespace at end?)';
}

// printSchema output has no trailing newline; a CLI printing with WriteLine adds one. Only that is tolerated.
const trimEnd = (s) => s.replace(/\s+$/, '');

const schemas = [['corpus schema.graphql', schemaPath], ['repo-root schema.graphql', join(repoRoot, 'schema.graphql')]];

if (cli.missing) {
  test('engine conformance CLI is available', () => assert.fail(cli.missing));
} else {
  for (const [label, path] of schemas) {
    describe(label, () => {
      const present = existsSync(path);
      const skip = present ? false : `${path} does not exist`;
      let engineSdl;
      const printed = () => {
        if (engineSdl === undefined) {
          const r = runCli(cli, ['--schema', path, '--print-schema']);
          assert.equal(r.status, 0, `--print-schema exited ${r.status}\n${r.stdout}\n${r.stderr}`);
          engineSdl = trimEnd(r.stdout);
        }
        return engineSdl;
      };

      test('engine --print-schema equals graphql-js printSchema(buildSchema(sdl))', { skip }, () => {
        const expected = printSchema(buildSchema(readFileSync(path, 'utf8')));
        const actual = printed();
        assert.ok(actual === expected, `${firstDiff(actual, expected)}\n--- engine SDL ---\n${actual}`);
      });

      test('engine introspection is accepted by buildClientSchema and prints to the engine SDL', { skip }, () => {
        const r = runCli(cli, ['--schema', path, '--data', emptyData, '--query', queryFile]);
        assert.equal(r.status, 0, `introspection query exited ${r.status}\n${r.stderr}`);
        const response = JSON.parse(r.stdout);
        assert.equal(response.errors, undefined, `introspection errors: ${JSON.stringify(response.errors)}`);
        const clientSchema = buildClientSchema(response.data);
        const fromIntrospection = printSchema(clientSchema);
        const actual = printed();
        assert.ok(fromIntrospection === actual, `${firstDiff(fromIntrospection, actual)}\n--- printSchema(buildClientSchema(engine introspection)) ---\n${fromIntrospection}`);
      });
    });
  }

  // Each SDL is invalid for graphql-js (buildSchema throws or validateSchema reports errors).
  const invalid = {
    'unknown-type-reference': 'type Query { a: Missing }',
    'duplicate-type': 'type Query { a: Int } type Query { b: Int }',
    'missing-query-type': 'type Foo { a: Int }',
    'object-without-fields': 'type Query { a: Empty } type Empty',
    'interface-field-not-implemented': 'interface I { x: Int } type Query implements I { a: Int }',
    'interface-field-wrong-type': 'interface I { x: Int } type Query implements I { x: String }',
    'union-member-not-object': 'scalar S union U = S type Query { u: U }',
    'input-field-output-type': 'type Query { a(i: In): Int } input In { q: Query }',
    'argument-output-type': 'type Query { a(x: Query): Int }',
    'field-input-type': 'type Query { a: In } input In { x: Int }',
    'nonnull-self-cycle-input': 'type Query { a(i: In): Int } input In { self: In! }',
    'oneof-field-nonnull': 'type Query { a(i: In): Int } input In @oneOf { x: Int! y: Int }',
    'oneof-field-default': 'type Query { a(i: In): Int } input In @oneOf { x: Int = 1 y: Int }',
    'duplicate-field': 'type Query { a: Int a: String }',
    'reserved-name': 'type Query { __a: Int }',
    'unknown-directive': 'type Query { a: Int @nope }',
    'directive-wrong-location': 'type Query @deprecated { a: Int }',
    'syntax-error': 'type Query { a: Int',
    'implements-non-interface': 'type Query implements Foo { a: Int } type Foo { a: Int }',
    'required-arg-deprecated': 'type Query { a(x: Int! @deprecated): Int }',
    'enum-without-values': 'type Query { a: E } enum E',
    'union-without-members': 'type Query { a: U } union U',
    'interface-cycle': 'type Query { a: Int } interface A implements B { a: Int } interface B implements A { a: Int }',
    'transitive-interface-missing': 'type Query { a: Obj } interface N { id: ID } interface E implements N { id: ID } type Obj implements E { id: ID }',
  };

  describe('invalid schemas are rejected', () => {
    for (const [name, sdl] of Object.entries(invalid)) {
      test(name, () => {
        let jsErrors;
        try {
          jsErrors = validateSchema(buildSchema(sdl)).length;
        } catch {
          jsErrors = 1;
        }
        assert.ok(jsErrors > 0, 'corpus defect: graphql-js accepts this schema');
        const file = join(tmp, `${name}.graphql`);
        writeFileSync(file, sdl);
        const r = runCli(cli, ['--schema', file, '--data', emptyData, '--query', queryFile]);
        assert.equal(r.status, 1, `expected exit code 1, got ${r.status}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`);
        let out;
        assert.doesNotThrow(() => { out = JSON.parse(r.stdout); }, `stdout is not JSON: ${r.stdout.slice(0, 2000)}`);
        assert.ok(Array.isArray(out.schemaErrors) && out.schemaErrors.length > 0, `expected {"schemaErrors":[...]}, got ${r.stdout.slice(0, 2000)}`);
      });
    }
  });

  describe('valid schemas are accepted', () => {
    const valid = {
      'minimal': 'type Query { a: Int }',
      'custom-root-names': 'schema { query: Q mutation: M } type Q { a: Int } type M { b: Int }',
      'interface-implements-interface': 'type Query { a: Obj } interface N { id: ID } interface E implements N { id: ID } type Obj implements E & N { id: ID }',
      'oneof': 'type Query { a(i: In): Int } input In @oneOf { x: Int y: String }',
      'extensions': 'type Query { a: Int } extend type Query { b: Int } enum E { A } extend enum E { B } type T { e: E } extend type Query { t: T }',
      'repeatable-directive': 'directive @d(x: Int) repeatable on FIELD_DEFINITION type Query { a: Int @d(x: 1) @d(x: 2) }',
    };
    for (const [name, sdl] of Object.entries(valid)) {
      test(name, () => {
        assert.equal(validateSchema(buildSchema(sdl)).length, 0, 'corpus defect: graphql-js rejects this schema');
        const file = join(tmp, `ok-${name}.graphql`);
        writeFileSync(file, sdl);
        const r = runCli(cli, ['--schema', file, '--print-schema']);
        assert.equal(r.status, 0, `--print-schema exited ${r.status}\n${r.stdout}\n${r.stderr}`);
        const expected = printSchema(buildSchema(sdl));
        const actual = trimEnd(r.stdout);
        assert.ok(actual === expected, `${firstDiff(actual, expected)}\n--- engine ---\n${actual}\n--- graphql-js ---\n${expected}`);
      });
    }
  });
}
