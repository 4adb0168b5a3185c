// Locates and runs the CrowNest conformance CLI (tools/GraphQLConformance).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const projectDir = join(repoRoot, 'tools', 'GraphQLConformance');

/**
 * Returns { command, args, description } to invoke the CLI, or { missing: reason }.
 * GRAPHQL_CONFORMANCE_CLI overrides the lookup. Prefers a built dll (newest of Release/Debug, Release on a tie); falls back to `dotnet run --project`.
 */
export function findCli() {
  // Override (e.g. the graphql-js reference CLI): a command line, split on spaces, run from the repo root.
  const override = process.env.GRAPHQL_CONFORMANCE_CLI;
  if (override) {
    const [command, ...args] = override.trim().split(/\s+/);
    return { command, args: args.map((a) => (a.includes('/') && !a.startsWith('/') ? join(repoRoot, a) : a)), description: override };
  }
  const dlls = ['Release', 'Debug']
    .map((cfg) => join(projectDir, 'bin', cfg, 'net10.0', 'GraphQLConformance.dll'))
    .filter((p) => existsSync(p))
    .map((p) => ({ p, mtime: statSync(p).mtimeMs }));
  if (dlls.length > 0) {
    dlls.sort((a, b) => b.mtime - a.mtime);
    return { command: 'dotnet', args: [dlls[0].p], description: `dotnet ${dlls[0].p}` };
  }
  if (existsSync(join(projectDir, 'GraphQLConformance.csproj'))) {
    const args = ['run', '--project', projectDir, '--'];
    return { command: 'dotnet', args, description: `dotnet ${args.join(' ')}` };
  }
  return { missing: `no conformance CLI: neither a built GraphQLConformance.dll nor ${projectDir}/GraphQLConformance.csproj exists` };
}

const TIMEOUT_MS = Number(process.env.CONFORMANCE_TIMEOUT_MS ?? 600_000);

/** Runs the CLI with the given extra args; returns { status, stdout, stderr, error }. */
export function runCli(cli, extraArgs, input) {
  const r = spawnSync(cli.command, [...cli.args, ...extraArgs], {
    cwd: repoRoot,
    encoding: 'utf8',
    input,
    maxBuffer: 512 * 1024 * 1024,
    timeout: TIMEOUT_MS,
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/**
 * Runs all cases through `--batch` in one process.
 * Returns { responses: (object|{unparsable: string}|undefined)[], problem?: string, stderr }.
 */
export function runBatch(cli, schemaPath, dataPath, cases) {
  const dir = mkdtempSync(join(tmpdir(), 'gql-conformance-'));
  try {
    const batchPath = join(dir, 'cases.jsonl');
    const lines = cases.map((c) => {
      // Raw JSON text variables are spliced in verbatim so number spellings such as 3.0 reach the engine.
      const variables = typeof c.variables === 'string' ? c.variables : JSON.stringify(c.variables ?? null);
      return `{"query":${JSON.stringify(c.query)},"variables":${variables},"operationName":${JSON.stringify(c.operationName ?? null)}}`;
    });
    writeFileSync(batchPath, lines.join('\n') + '\n');
    const r = runCli(cli, ['--schema', schemaPath, '--data', dataPath, '--batch', batchPath]);
    const out = r.stdout.split(/\r?\n/).filter((l) => l.trim() !== '');
    const responses = cases.map((_, i) => {
      if (i >= out.length) return undefined;
      try {
        return JSON.parse(out[i]);
      } catch {
        return { unparsable: out[i] };
      }
    });
    let problem;
    if (r.error) problem = `CLI failed to run: ${r.error.message}`;
    else if (r.status !== 0) problem = `CLI exited with status ${r.status}`;
    else if (out.length !== cases.length) problem = `CLI printed ${out.length} response lines for ${cases.length} cases`;
    return { responses, problem, stderr: r.stderr, status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Finds a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `--serve 127.0.0.1:PORT` (plus `extraArgs`, e.g. `--subscriptions`) and waits until /graphql answers.
 * Returns { url, wsUrl, port, pid, stop(), output() }; throws if it does not come up in time.
 */
export async function startServe(cli, schemaPath, dataPath, { timeoutMs = 180_000, extraArgs = [] } = {}) {
  const port = await freePort();
  const child = spawn(cli.command, [...cli.args, '--schema', schemaPath, '--data', dataPath, '--serve', `127.0.0.1:${port}`, ...extraArgs], {
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
    if (exited) {
      throw new Error(`--serve exited early (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2000),
      });
      await res.text();
      return { url, wsUrl: url.replace(/^http/, 'ws'), port, stop, output: () => output, pid: child.pid };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await stop();
  throw new Error(`--serve did not answer at ${url} within ${timeoutMs} ms:\n${output}`);
}
