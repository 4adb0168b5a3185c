// Runs graphql-http's auditServer and summarizes the results by requirement level.
import { auditServer } from 'graphql-http';

/** Returns { results, counts: {MUST:{ok,total},...}, failures: [...], summary } */
export async function runAudit(url, { headers = {} } = {}) {
  const fetchFn = (input, init = {}) => {
    const merged = new Headers(init.headers ?? {});
    for (const [k, v] of Object.entries(headers)) merged.set(k, v);
    return fetch(input, { ...init, headers: merged, signal: init.signal ?? AbortSignal.timeout(15_000) });
  };
  const results = await auditServer({ url, fetchFn });
  const counts = { MUST: { ok: 0, total: 0 }, SHOULD: { ok: 0, total: 0 }, MAY: { ok: 0, total: 0 } };
  const failures = [];
  for (const r of results) {
    const level = r.name.split(' ')[0];
    counts[level].total++;
    if (r.status === 'ok') {
      counts[level].ok++;
    } else {
      failures.push(r);
    }
  }
  const summary = ['MUST', 'SHOULD', 'MAY'].map((l) => `${l} ${counts[l].ok}/${counts[l].total}`).join(', ');
  return { results, counts, failures, summary };
}

/** Failures at MUST or SHOULD level (MAY failures are reported but tolerated). */
export function blockingFailures(audit) {
  return audit.failures.filter((f) => f.name.startsWith('MUST') || f.name.startsWith('SHOULD'));
}

export async function formatFailure(f) {
  let body = '';
  try {
    body = (await f.response.clone().text()).slice(0, 500);
  } catch {
    body = '<unreadable>';
  }
  const status = f.response?.status;
  const ct = f.response?.headers?.get?.('content-type');
  return `[${f.status}] ${f.id} ${f.name}\n    reason: ${f.reason}\n    response: ${status} ${ct ?? ''} ${body}`;
}

export async function report(label, audit) {
  const lines = [`${label}: ${audit.summary}`];
  for (const f of audit.failures) lines.push(await formatFailure(f));
  return lines.join('\n');
}
