// Helpers for ./crownest test (node is guaranteed on the machine; python3 is not).
//   trx FILE          -> prints "passed failed skipped"; skip reasons and failure messages go to stderr
//   tap FILE          -> same for node --test TAP output
//   free-port         -> prints a free TCP port on 127.0.0.1
//   wait URL SECONDS  -> exits 0 once URL answers 2xx, 1 after SECONDS
//   secret            -> prints a random API key secret
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';

const [, , command, ...args] = process.argv;

const decode = (s) => s
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function trx(file) {
  const xml = readFileSync(file, 'utf8');
  let passed = 0, failed = 0, skipped = 0;
  const results = xml.match(/<UnitTestResult\b[\s\S]*?(?:\/>|<\/UnitTestResult>)/g) ?? [];
  for (const r of results) {
    const outcome = /\boutcome="([^"]+)"/.exec(r)?.[1] ?? '';
    const name = decode(/\btestName="([^"]*)"/.exec(r)?.[1] ?? '?');
    if (outcome === 'Passed') passed++;
    else if (outcome === 'NotExecuted' || outcome === 'Inconclusive') {
      skipped++;
      const reason = /<Message>([\s\S]*?)<\/Message>/.exec(r)?.[1] ?? /<StdOut>([\s\S]*?)<\/StdOut>/.exec(r)?.[1] ?? 'no reason given';
      console.error(`  skipped: ${name}: ${decode(reason).trim()}`);
    } else {
      failed++;
      // `dotnet test -v q` hides why a test failed; CI logs must say it.
      const message = /<Message>([\s\S]*?)<\/Message>/.exec(r)?.[1] ?? 'no message';
      const stack = /<StackTrace>([\s\S]*?)<\/StackTrace>/.exec(r)?.[1] ?? '';
      console.error(`  FAILED: ${name}\n    ${decode(message).trim().split('\n').join('\n    ')}`);
      if (stack) console.error(`    ${decode(stack).trim().split('\n').slice(0, 6).join('\n    ')}`);
    }
  }
  if (results.length === 0 && !/<Counters\b/.test(xml)) process.exit(1);
  console.log(`${passed} ${failed} ${skipped}`);
}

function tap(file) {
  const text = readFileSync(file, 'utf8');
  const count = (key) => {
    const all = [...text.matchAll(new RegExp(`^# ${key} (\\d+)\\s*$`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : null;
  };
  const pass = count('pass');
  const fail = count('fail');
  if (pass === null || fail === null) process.exit(1);
  const skipped = (count('skipped') ?? 0) + (count('todo') ?? 0);
  const cancelled = count('cancelled') ?? 0;
  for (const m of text.matchAll(/^\s*ok \d+ - (.*?) # (SKIP|TODO)\b ?(.*)$/gim)) {
    console.error(`  skipped: ${m[1]}: ${m[3] || m[2]}`);
  }
  console.log(`${pass} ${fail + cancelled} ${skipped}`);
}

function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    console.log(server.address().port);
    server.close();
  });
}

async function wait(url, seconds) {
  const deadline = Date.now() + Number(seconds) * 1000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) process.exit(0);
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  process.exit(1);
}

switch (command) {
  case 'trx': trx(args[0]); break;
  case 'tap': tap(args[0]); break;
  case 'free-port': freePort(); break;
  case 'wait': await wait(args[0], args[1] ?? '60'); break;
  case 'secret': console.log('cn_test_' + randomBytes(24).toString('base64url')); break;
  default:
    console.error('usage: harness.mjs trx FILE | tap FILE | free-port | wait URL SECONDS | secret');
    process.exit(2);
}
