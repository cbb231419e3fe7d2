// A snapshot killed with SIGKILL at any moment of its build, then built again, holds the same
// history as after an uninterrupted build: the history is written in one transaction or not at all.
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { startScript } from './support/run-script.js';
import type { TestProject } from './support/runner-project.js';

const ROWS = 200_000;

function csv(version: 1 | 2): string {
  const lines = ['id,value,updated_at'];
  for (let id = 1; id <= ROWS; id++) {
    // Version 2 changes every third row, drops every tenth and adds a few new keys.
    if (version === 2 && id % 10 === 0) continue;
    const changed = version === 2 && id % 3 === 0;
    lines.push(`${id},${changed ? `v2-${id}` : `v1-${id}`},2000-01-0${changed ? 2 : 1} 00:00:00`);
  }
  if (version === 2)
    for (let id = ROWS + 1; id <= ROWS + 500; id++) lines.push(`${id},new,2000-01-02 00:00:00`);
  return `${lines.join('\n')}\n`;
}

function copyWarehouse(from: string, to: string): void {
  for (const suffix of ['', '.wal']) {
    rmSync(`${to}${suffix}`, { force: true });
    if (existsSync(`${from}${suffix}`)) copyFileSync(`${from}${suffix}`, `${to}${suffix}`);
  }
}

/** The history, with the snapshot clock's times (hard deletes) shown as `deleted`. */
async function history(project: TestProject): Promise<string> {
  const rows = await project.query(
    `select count(*)::bigint as n,
       sum(hash(id, value, dbt_scd_id, dbt_valid_from,
         case when dbt_valid_to >= timestamp '2001-01-01' then null else dbt_valid_to end,
         dbt_valid_to >= timestamp '2001-01-01'))::varchar as fingerprint,
       count(*) filter (where dbt_valid_to is null)::bigint as current
     from main.history`,
  );
  return JSON.stringify(rows);
}

describe('snapshot under SIGKILL', () => {
  it('a build killed at any point, then run again, equals an uninterrupted one', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/src.csv': csv(1),
      'snapshots/history.sql': `{% snapshot history %}
{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}
select * from {{ ref('src') }}
{% endsnapshot %}
`,
    });
    expect((await project.build()).exitCode).toBe(0);
    const start = join(project.dir, 'start.duckdb');
    copyWarehouse(project.db, start);
    project.write({ 'seeds/src.csv': csv(2) });
    expect((await project.build()).exitCode).toBe(0);
    const expected = await history(project);
    // Every first version, a second version of each changed row that stayed, and the new keys.
    const changedAndKept = Math.floor(ROWS / 3) - Math.floor(ROWS / 30);
    expect(JSON.parse(expected)[0]).toMatchObject({ n: String(ROWS + changedAndKept + 500) });

    // Kill right after the seed reports, when the snapshot starts, and at delays through its work.
    const killedDuring: string[] = [];
    for (const delayMs of [0, 15, 40, 80, 150, 300, 600]) {
      copyWarehouse(start, project.db);
      const child = startScript('build-models', [
        'build',
        '--project-dir',
        project.dir,
        '--db',
        project.db,
      ]);
      const started = await new Promise<boolean>((resolve) => {
        const timer = setInterval(() => {
          if (child.lines.some((line) => line.includes('loaded seed file'))) {
            clearInterval(timer);
            setTimeout(() => resolve(child.child.kill('SIGKILL')), delayMs);
          }
        }, 2);
        void child.done.then(() => {
          clearInterval(timer);
          resolve(false);
        });
      });
      const outcome = await child.done;
      if (started && outcome.signal === 'SIGKILL') killedDuring.push(`${delayMs}ms`);
      const again = await project.build();
      expect(again.exitCode).toBe(0);
      expect(await history(project), `killed ${delayMs} ms after the seed`).toBe(expected);
    }
    // Most kill points must land before the build ended, or the test proves nothing.
    expect(killedDuring.length).toBeGreaterThanOrEqual(4);
  });
});
