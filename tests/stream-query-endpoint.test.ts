// The consumer's query endpoint against a real nats-server and a real consumer process: `npm run
// sql` and `npm run health` read the live warehouse through it and see whole committed batches;
// writes, hidden second statements, ATTACH, COPY TO, a wrong password and a non-loopback address
// are refused; a result's rows and a statement's time are bounded; landing goes on during a slow
// query; SIGTERM removes the endpoint file.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { messageLine } from './support/landing-messages.js';
import { natsServerPerFile } from './support/nats-server.js';
import { copyPipelineProject } from './support/pipeline-build.js';
import type { RunningScript } from './support/run-script.js';
import { publishBodies } from './support/stream-fixtures.js';

let streams = 0;

const server = natsServerPerFile();

const NO_STACK = /\n\s+at /;
const SLOW_QUERY = 'select count(*) from range(100000000) a, range(100000) b';
const REFUSED =
  /the live warehouse is read-only through the consumer's endpoint: (\w+) statements are refused/;

interface EndpointFile {
  host: string;
  port: number;
  user: string;
  password?: string;
  pid: number;
}

interface HealthJson {
  metrics: { metric: string; value: unknown; threshold: unknown }[];
  checks: { checkName: string; expected: unknown; actual: unknown }[];
}

function newStream(): string {
  return `Q${++streams}`;
}

function messages(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    messageLine({ message_id: `m-${from + i}`, 'payload.transaction_id': `t-${from + i}` }),
  );
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 180_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits for the consumer's endpoint line, then reads its endpoint file. */
async function endpointOf(consumer: RunningScript, db: string): Promise<EndpointFile> {
  await until('the endpoint line', async () => {
    if (consumer.child.exitCode !== null) throw new Error(consumer.lines.join('\n'));
    return consumer.lines.find((line) => line.startsWith('queries: '));
  });
  return JSON.parse(readFileSync(`${db}.query.json`, 'utf8')) as EndpointFile;
}

async function connected(info: EndpointFile, password = info.password): Promise<pg.Client> {
  const client = new pg.Client({ host: info.host, port: info.port, user: info.user, password });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function landedCount(client: pg.Client): Promise<number> {
  const result = await client.query('select count(*) as n from raw_messages');
  return Number(result.rows[0].n);
}

/** Lets every client go, whatever the test's outcome. */
function clients(): { add(client: pg.Client): pg.Client; endAll(): Promise<void> } {
  const open: pg.Client[] = [];
  return {
    add: (client) => (open.push(client), client),
    endAll: async () => void (await Promise.all(open.map((c) => c.end().catch(() => undefined)))),
  };
}

describe('npm run sql and npm run health while a consumer runs', () => {
  it('read whole committed batches through the endpoint; --write is refused; SIGTERM removes the endpoint file', async ({
    tempDir,
    startScript,
    runScript,
  }) => {
    const stream = newStream();
    const batch = 20;
    await publishBodies(server().url, stream, messages(1, 6 * batch));
    const dir = tempDir('dw-endpoint-');
    const project = copyPipelineProject(join(dir, 'project'));
    const db = join(dir, 'w.duckdb');
    const consumer = startScript('consume', [
      ...['--server', server().url, '--stream', stream, '--db', db, '--batch', String(batch)],
      ...['--build-after', String(2 * batch), '--project-dir', project],
    ]);
    await endpointOf(consumer, db);
    await until(
      'the first build',
      async () => consumer.lines.find((l) => l.startsWith('build ')),
      300_000,
    );

    // The rows landed and the checkpoint, read in one statement: a statement that saw part of a
    // batch, or a batch without its checkpoint, would find them apart.
    const query = `select
        (select count(*) from raw_stream_deliveries where stream = '${stream}')::INTEGER as landed,
        (select max(last_sequence) from raw_stream_checkpoints where stream = '${stream}')::INTEGER as checkpoint`;
    const samples: { landed: number; checkpoint: number }[] = [];
    await until(
      'all messages landed',
      async () => {
        const result = await runScript('sql', ['--db', db, '--format', 'json', query]);
        expect(result.stderr).not.toMatch(NO_STACK);
        expect(result.code).toBe(0);
        expect(result.stderr).toMatch(/reading through its query endpoint/);
        const [sample] = JSON.parse(result.stdout) as { landed: number; checkpoint: number }[];
        samples.push(sample!);
        return sample!.landed === 6 * batch ? true : undefined;
      },
      300_000,
    );
    for (const sample of samples) {
      expect(sample.landed % batch).toBe(0);
      expect(sample.checkpoint).toBe(sample.landed);
    }

    const health = await runScript('health', ['--db', db, '--json']);
    expect(health.stderr).not.toMatch(NO_STACK);
    expect(health.stderr).toMatch(/reading through its query endpoint/);
    const live = JSON.parse(health.stdout) as HealthJson;
    expect(live.metrics.length).toBeGreaterThan(0);
    expect(live.checks.length).toBeGreaterThan(0);

    const write = await runScript('sql', ['--db', db, '--write', 'select 1']);
    expect(write.code).toBe(2);
    expect(write.stderr).toMatch(/held by a running consumer \(process \d+\).*--write is refused/);

    expect(existsSync(`${db}.query.json`)).toBe(true);
    consumer.child.kill('SIGTERM');
    const exit = await consumer.done;
    expect(exit.code).toBe(0);
    expect(existsSync(`${db}.query.json`)).toBe(false);

    // The same report read from the file: the same metrics and checks, and where both have a
    // value (a build may have run in between), a value of the same JSON kind.
    const fromFile = await runScript('health', ['--db', db, '--json']);
    expect(fromFile.stderr).not.toMatch(/query endpoint/);
    const file = JSON.parse(fromFile.stdout) as HealthJson;
    expect(live.metrics.map((m) => m.metric)).toEqual(file.metrics.map((m) => m.metric));
    expect(live.checks.map((c) => c.checkName)).toEqual(file.checks.map((c) => c.checkName));
    const kinds = (values: unknown[]) => values.map((v) => (v === null ? null : typeof v));
    const pairs = [
      ...live.metrics.map((m, i) => [m.value, file.metrics[i]!.value]),
      ...live.checks.map((c, i) => [c.actual, file.checks[i]!.actual]),
    ].filter(([a, b]) => a !== null && b !== null);
    expect(pairs.length).toBeGreaterThan(0);
    expect(kinds(pairs.map(([a]) => a))).toEqual(kinds(pairs.map(([, b]) => b)));
  }, 900_000);
});

describe('the query endpoint through pg', () => {
  it('refuses writes, hidden statements, ATTACH, COPY TO, CREATE, a wrong password and a non-loopback address; bounds rows and time', async ({
    tempDir,
    startScript,
  }) => {
    const stream = newStream();
    await publishBodies(server().url, stream, messages(1, 20));
    const dir = tempDir('dw-endpoint-');
    const db = join(dir, 'w.duckdb');
    // A stale endpoint file of a process that is gone, readable by anyone: replaced.
    const gone = spawnSync('true').pid;
    writeFileSync(
      `${db}.query.json`,
      JSON.stringify({ host: '127.0.0.1', port: 1, user: 'x', pid: gone }),
      { mode: 0o644 },
    );
    const consumer = startScript('consume', [
      ...['--server', server().url, '--stream', stream, '--db', db, '--no-build'],
      ...['--query-timeout', '1', '--query-max-rows', '50'],
    ]);
    const info = await endpointOf(consumer, db);
    expect(info.pid).toBe(consumer.child.pid);
    expect(statSync(`${db}.query.json`).mode & 0o777).toBe(0o600);
    const open = clients();
    try {
      const client = open.add(await connected(info));
      await until('20 messages landed', async () =>
        (await landedCount(client)) === 20 ? true : undefined,
      );

      const refusals: [string, RegExp][] = [
        [
          "insert into raw_rejected (_source, _line, raw_line, reason) values ('x', 1, 'x', 'x')",
          /: INSERT statements/,
        ],
        ['select 1; delete from raw_messages', /one statement per query, this one holds 2/],
        [`attach '${join(dir, 'other.duckdb')}' as other`, /: ATTACH statements/],
        [`copy raw_messages to '${join(dir, 'out.csv')}'`, /: COPY statements/],
        ['create table stolen as select * from raw_messages', /: CREATE statements/],
        ['set threads = 4', /: SET statements/],
        // Reading the machine's files through DuckDB, in any form, is refused.
        ["select * from read_text('/etc/hostname')", /read_text\(\) is refused/],
        [`select * from '${join(dir, 'w.duckdb.query.json')}'`, /is refused/],
        ["select (select count(*) from read_csv('/etc/passwd')) as n", /read_csv\(\) is refused/],
        ["with f as (from glob('/etc/*')) select * from f", /glob\(\) is refused/],
        ["select * from query('select 1')", /query\(\) is refused/],
        ["explain select * from read_text('/etc/hostname')", /cannot check this EXPLAIN/],
        [
          "explain analyze (select ') select 1 --' as a, content::int from read_text('/etc/hostname'))",
          /cannot check this EXPLAIN/,
        ],
        [`select * from "${dir}/w.duckdb.query".json`, /is refused/],
        [
          "select * from json_execute_serialized_sql(json_serialize_sql('select * from read_text(''/etc/hostname'')'))",
          /json_execute_serialized_sql\(\) is refused/,
        ],
        ["select * from histogram('/etc/passwd', a)", /histogram\(\) is refused/],
        [
          `select * from enable_profiling(save_location='${join(dir, 'prof.json')}', format='json')`,
          /enable_profiling\(\) is refused/,
        ],
        ["select current_setting('home_directory')", /current_setting\(\) is refused/],
        ['select * from checkpoint()', /checkpoint\(\) is refused/],
      ];
      for (const [sql, message] of refusals) {
        const error = await client.query(sql).then(
          () => null,
          (e: Error) => e,
        );
        expect(error?.message, sql).toMatch(message);
        if (/ statements$/.test(message.source)) expect(error?.message, sql).toMatch(REFUSED);
      }
      // The extended protocol (parameters) goes through the same check.
      await expect(
        client.query('delete from raw_messages where _offset > $1', [0]),
      ).rejects.toThrow(REFUSED);
      // DuckDB types EXPLAIN ANALYZE of a write as EXPLAIN: the read-only transaction stops it.
      await expect(client.query('explain analyze delete from raw_messages')).rejects.toThrow(
        /read-only/,
      );
      // Checked before DuckDB binds it: not even whether a file exists comes back.
      const probe = await client.query("select * from read_json('/nonexistent.json')").then(
        () => null,
        (e: Error) => e.message,
      );
      expect(probe).toMatch(/read_json\(\) is refused/);
      expect(probe).not.toMatch(/No files found/);
      expect(existsSync(join(dir, 'prof.json'))).toBe(false);
      expect(existsSync(join(dir, 'out.csv'))).toBe(false);
      expect(existsSync(join(dir, 'other.duckdb'))).toBe(false);
      expect(await landedCount(client)).toBe(20);

      const typed = await client.query(
        "select 1::BIGINT as i, 2.50::DECIMAL(18,2) as d, 0.5::DOUBLE as f, true as b, 'x' as s, date '2024-01-02' as day, timestamptz '2024-01-02 03:04:05+00' as ts where $1::INTEGER = 7",
        [7],
      );
      expect(typed.fields.map((f) => f.dataTypeID)).toEqual([20, 1700, 701, 16, 25, 1082, 1184]);
      expect(typed.rows[0]).toMatchObject({ i: '1', d: '2.50', f: 0.5, b: true, s: 'x' });
      expect((typed.rows[0].ts as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z');

      expect((await client.query('select * from range(50)')).rowCount).toBe(50);
      await expect(client.query('select * from range(51)')).rejects.toThrow(/more than 50 rows/);
      await expect(client.query(SLOW_QUERY)).rejects.toThrow(/timeout of 1 s/);
      expect(await landedCount(client)).toBe(20);

      await expect(connected(info, 'not the password')).rejects.toThrow(
        /password authentication failed/,
      );
      const outside = Object.values(networkInterfaces())
        .flat()
        .find((address) => address?.family === 'IPv4' && !address.internal);
      expect(info.host).toBe('127.0.0.1');
      if (outside) {
        await expect(connected({ ...info, host: outside.address })).rejects.toThrow(/ECONNREFUSED/);
      }
    } finally {
      await open.endAll();
    }
  }, 400_000);

  it('keeps landing while a slow query runs, with the password from DW_QUERY_PASSWORD', async ({
    tempDir,
    startScript,
  }) => {
    const stream = newStream();
    await publishBodies(server().url, stream, messages(1, 5));
    const db = join(tempDir('dw-endpoint-'), 'w.duckdb');
    const consumer = startScript(
      'consume',
      [
        '--server',
        server().url,
        '--stream',
        stream,
        '--db',
        db,
        '--no-build',
        '--query-timeout',
        '30',
      ],
      { env: { DW_QUERY_PASSWORD: 'from-the-environment' } },
    );
    const info = await endpointOf(consumer, db);
    expect(info.password).toBeUndefined();
    const open = clients();
    try {
      const reader = open.add(await connected(info, 'from-the-environment'));
      const slowClient = open.add(await connected(info, 'from-the-environment'));
      await until('5 messages landed', async () =>
        (await landedCount(reader)) === 5 ? true : undefined,
      );
      let slowDone = false;
      const slow = slowClient.query(SLOW_QUERY).finally(() => {
        slowDone = true;
      });
      slow.catch(() => undefined);
      await publishBodies(server().url, stream, messages(6, 5));
      await until('5 more messages landed', async () =>
        (await landedCount(reader)) === 10 ? true : undefined,
      );
      expect(slowDone).toBe(false);
    } finally {
      // Its client leaving stops the slow statement.
      await open.endAll();
    }
  }, 400_000);
});

describe('npm run consume --no-query', () => {
  it('serves no endpoint and writes no endpoint file', async ({ tempDir, runScript }) => {
    const stream = newStream();
    await publishBodies(server().url, stream, messages(1, 3));
    const db = join(tempDir('dw-endpoint-'), 'w.duckdb');
    const result = await runScript('consume', [
      ...['--server', server().url, '--stream', stream, '--db', db],
      ...['--no-build', '--no-query', '--until-idle', '0.5'],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/checkpoint at sequence 3$/m);
    expect(result.stdout).not.toMatch(/^queries: /m);
    expect(existsSync(`${db}.query.json`)).toBe(false);
  }, 400_000);
});
