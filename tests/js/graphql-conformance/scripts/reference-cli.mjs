// Reference implementation of the conformance CLI interface on graphql-js, used to prove the harness
// (batch runner, comparator, schema printing, --serve audit, bench) end to end without the C# engine.
// Select it with GRAPHQL_CONFORMANCE_CLI="node tests/js/graphql-conformance/scripts/reference-cli.mjs".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { buildSchema, graphqlSync, printSchema, validateSchema } from 'graphql';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const has = (name) => args.includes(`--${name}`);

let schema;
try {
  schema = buildSchema(readFileSync(opt('schema'), 'utf8'));
  const errors = validateSchema(schema);
  if (errors.length > 0) throw Object.assign(new Error('invalid'), { errors });
} catch (e) {
  process.stdout.write(JSON.stringify({ schemaErrors: (e.errors ?? [e]).map((x) => ({ message: x.message })) }) + '\n');
  process.exit(1);
}

if (has('print-schema')) {
  process.stdout.write(printSchema(schema) + '\n');
  process.exit(0);
}

const data = JSON.parse(readFileSync(opt('data'), 'utf8'));
const run = ({ query, variables, operationName }) =>
  JSON.stringify(graphqlSync({ schema, source: query, rootValue: data, variableValues: variables ?? undefined, operationName: operationName ?? undefined }));

if (opt('batch')) {
  const lines = readFileSync(opt('batch'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  process.stdout.write(lines.map((l) => run(JSON.parse(l))).join('\n') + '\n');
} else if (opt('query')) {
  const variables = opt('variables') ? JSON.parse(readFileSync(opt('variables'), 'utf8')) : undefined;
  process.stdout.write(run({ query: readFileSync(opt('query'), 'utf8'), variables, operationName: opt('operation') }) + '\n');
} else if (opt('serve')) {
  const { createHandler } = await import('graphql-http/lib/use/http');
  const handler = createHandler({ schema, rootValue: data });
  const [host, port] = opt('serve').split(':');
  createServer((req, res) => (req.url?.startsWith('/graphql') ? handler(req, res) : res.writeHead(404).end())).listen(Number(port), host);
  process.on('SIGTERM', () => process.exit(0));
} else {
  console.error('usage: --schema S [--print-schema | --data D (--query Q [--variables V] [--operation N] | --batch CASES | --serve HOST:PORT)]');
  process.exit(2);
}
