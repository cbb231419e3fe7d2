// `npm run demo:stream`, the streaming tour, end to end with a real nats-server, publisher and
// consumer: every step is shown with its command, the consumer builds while it runs, the live steps
// either answer or (while no consumer serves queries) say the warehouse is in use, and everything
// it started is stopped and removed.
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { it } from './support/fixtures.js';

it('tours broker, publish, continuous consume with builds, live queries, and cleans up', async ({
  runScript,
}) => {
  const done = await runScript('demo-stream', ['--messages', '2000', '--build-every', '1']);
  const out = done.stdout;
  for (const title of [
    '1. Start a broker in a temporary folder',
    '2. Publish the chaotic stream',
    '3. Consume it continuously',
    '4. Publish a second wave while it runs',
    '5. The health report of the live warehouse',
    '6. A live query while the consumer holds the warehouse',
    '7. Stop the consumer',
    '8. Stop the broker and remove the temporary folders',
  ])
    expect(out).toContain(title);
  expect(out).toMatch(/\$ npm run publish -- --server nats:\/\/127\.0\.0\.1:\d+ --stream DEMO/);
  expect(out).toMatch(/\$ npm run consume -- .*--build-every 1 &/);
  expect(out).toMatch(/\[consume\] build {2}[\d,]+ new message\(s\)/);
  // 2,000 messages plus 2% retried copies, then a second wave of 1,000: all landed before SIGTERM.
  const consumed = /consumed DEMO: \d+ batch\(es\), (\d+) landed, (\d+) rejected/.exec(out);
  expect(consumed, out).not.toBeNull();
  expect(Number(consumed![1]) + Number(consumed![2])).toBeGreaterThanOrEqual(3000);

  const health = out.slice(out.indexOf('5. The health'), out.indexOf('6. A live query'));
  const query = out.slice(out.indexOf('6. A live query'), out.indexOf('7. Stop the consumer'));
  const served = !/is in use by process/.test(health + query);
  if (served) {
    expect(done.code, done.stderr).toBe(0);
    expect(query).toMatch(/captured/);
  } else {
    // Until the consumer serves queries, the held file is refused, and the demo says so.
    expect(done.code).toBe(1);
    expect(out).toContain('The live steps failed');
  }

  const broker = Number(/nats-server pid (\d+)/.exec(out)![1]);
  expect(() => process.kill(broker, 0)).toThrow();
  const removed = /\$ kill -TERM \d+; rm -rf (\S+) (\S+)/.exec(out);
  expect(removed, out).not.toBeNull();
  expect(existsSync(removed![1]!)).toBe(false);
  expect(existsSync(removed![2]!)).toBe(false);
}, 600_000);
