// Node peer servers for the benchmark; each runs in its own process: `node servers.mjs <peer> <port>`.
// All serve schema.graphql over data.json at POST /graphql with the default (property) resolvers.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate } from 'graphql';

const sdl = readFileSync(fileURLToPath(new URL('./schema.graphql', import.meta.url)), 'utf8');
const data = JSON.parse(readFileSync(fileURLToPath(new URL('./data.json', import.meta.url)), 'utf8'));
const [peer, portArg] = process.argv.slice(2);
const port = Number(portArg);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const peers = {
  // graphql-js executing through graphql-http's reference handler.
  async 'graphql-http'() {
    const { createHandler } = await import('graphql-http/lib/use/http');
    const schema = buildSchema(sdl);
    const handler = createHandler({ schema, rootValue: data });
    return createServer((req, res) => {
      if (req.url?.startsWith('/graphql')) {
        handler(req, res);
      } else {
        res.writeHead(404).end();
      }
    });
  },

  // graphql-jit compiled queries (cached per query text) behind a minimal node:http handler.
  async 'graphql-jit'() {
    const { compileQuery, isCompiledQuery } = await import('graphql-jit');
    const schema = buildSchema(sdl);
    const cache = new Map();
    const send = (res, status, body) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    return createServer(async (req, res) => {
      if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) {
        send(res, 404, '{"errors":[{"message":"not found"}]}');
        return;
      }
      let params;
      try {
        params = JSON.parse(await readBody(req));
      } catch {
        send(res, 400, '{"errors":[{"message":"invalid JSON body"}]}');
        return;
      }
      const key = `${params.operationName ?? ''}\u0000${params.query}`;
      let compiled = cache.get(key);
      if (!compiled) {
        let doc;
        try {
          doc = parse(params.query);
        } catch (e) {
          send(res, 400, JSON.stringify({ errors: [e] }));
          return;
        }
        const errors = validate(schema, doc);
        if (errors.length > 0) {
          send(res, 400, JSON.stringify({ errors }));
          return;
        }
        compiled = compileQuery(schema, doc, params.operationName ?? undefined);
        if (!isCompiledQuery(compiled)) {
          send(res, 400, JSON.stringify(compiled));
          return;
        }
        cache.set(key, compiled);
      }
      const result = await compiled.query(data, {}, params.variables ?? {});
      send(res, 200, compiled.stringify(result));
    });
  },

  // mercurius on fastify with graphql-jit enabled from the first request (jit: 1).
  async mercurius() {
    const { default: Fastify } = await import('fastify');
    const { default: mercurius } = await import('mercurius');
    const app = Fastify({ logger: false });
    app.register(mercurius, { schema: sdl, resolvers: { Query: { books: () => data.books } }, jit: 1 });
    await app.ready();
    return { listen: (p, host, cb) => app.listen({ port: p, host }).then(() => cb()) };
  },
};

if (!peers[peer]) {
  console.error(`unknown peer ${peer}; expected one of ${Object.keys(peers).join(', ')}`);
  process.exit(2);
}
const server = await peers[peer]();
server.listen(port, '127.0.0.1', () => console.log(`${peer} listening on ${port}`));
process.on('SIGTERM', () => process.exit(0));
