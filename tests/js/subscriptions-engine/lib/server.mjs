// Starts the conformance CLI's `--serve` mode with the demo Subscription type (`--subscriptions`).
import { fileURLToPath } from 'node:url';
import { findCli, startServe } from '../../graphql-conformance/lib/engine.mjs';

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
  return startServe(cli, schemaPath, dataPath, { timeoutMs, extraArgs: ['--subscriptions', ...(token ? ['--ws-token', token] : [])] });
}
