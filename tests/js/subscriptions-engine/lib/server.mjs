// Starts the conformance CLI's `--serve` mode with the demo Subscription type (`--subscriptions`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findCli, freePort, repoRoot } from '../../graphql-conformance/lib/engine.mjs';

export const schemaPath = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const dataPath = fileURLToPath(new URL('../data.json', import.meta.url));

/** The CrowNest CLI (the GRAPHQL_CONFORMANCE_CLI override points at graphql-js, which has no subscription server). */
export function findEngineCli() {
  const saved = process.env.GRAPHQL_CONFORMANCE_CLI;
  delete process.env.GRAPHQL_CONFORMANCE_CLI;
  try {
    return findCli();
  } finally {
    if (saved !== undefined) process.env.GRAPHQL_CONFORMANCE_CLI = saved;
  }
}

/**
 * Starts `--serve 127.0.0.1:PORT --subscriptions --ws-token TOKEN` and waits until /graphql answers.
 * Returns { url, wsUrl, stop(), output() }.
 */
export async function startSubscriptionServer({ token, timeoutMs = 180_000 } = {}) {
  const cli = findEngineCli();
  if (cli.missing) throw new Error(`${cli.missing}. Build it with: dotnet build tools/GraphQLConformance -c Release`);
  const port = await freePort();
  const args = [...cli.args, '--schema', schemaPath, '--data', dataPath, '--serve', `127.0.0.1:${port}`, '--subscriptions'];
  if (token) args.push('--ws-token', token);
  const child = spawn(cli.command, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${port}/graphql`;
  const stop = async () => {
    if (exited) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(t);
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`--serve exited early (${JSON.stringify(exited)}):\n${output}`);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2000),
      });
      await res.text();
      return { url, wsUrl: url.replace(/^http/, 'ws'), stop, output: () => output };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await stop();
  throw new Error(`--serve did not answer at ${url} within ${timeoutMs} ms:\n${output}`);
}
