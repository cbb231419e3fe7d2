// npm run bench:compile [-- --models N --repeat R --dbt-utils DIR]
// Parse/compile pass over a generated dbt-style project (default 1,000 models): loads the project,
// parses every model and test (capturing refs/config), checks the graph, renders all SQL.
// With --dbt-utils (a dbt-utils checkout, which the repository does not hold), every model also
// calls dbt_utils macros, installed as `dbt deps` leaves a local package; the results then go to
// bench/results/compile-dbt-utils.json. Prints a table. Target: under 2 seconds.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Table from 'cli-table3';
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { UserError } from '../src/base/errors/user-error.js';
import { parseProject } from '../src/engine/parser/parse-project.js';
import { renderNodeSql } from '../src/engine/compile/render-node.js';
import { findCycles } from '../src/engine/graph/find-cycles.js';
import { selectNodes } from '../src/engine/graph/select-nodes.js';
import { loadProject } from '../src/engine/project/load-project.js';
import { colors, printLine } from '../src/base/console/console.js';
import { writeFileAtomic } from '../src/base/files/write-file-atomic.js';
import { positiveInteger } from './lib/bench-cli.js';

const TARGET_SECONDS = 2;

/** Writes a layered project: 10 layers, each model refs 1–3 models of the layer below, uses macros, config and vars. */
function generateProject(dir: string, models: number, dbtUtils?: string): { tests: number } {
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write(
    'dbt_project.yml',
    `name: bench\nvars:\n  watermark_minutes: 60\nmodels:\n  bench:\n    layer_0:\n      +materialized: view\n    layer_5:\n      +materialized: table\n      +tags: [mid]\n`,
  );
  write(
    'macros/helpers.sql',
    `{% macro hash_cols(cols) %}md5(concat_ws('|', {{ cols | join(', ') }})){% endmacro %}\n` +
      `{% macro window_start(minutes) %}{{ return('now() - interval ' ~ minutes ~ ' minutes') }}{% endmacro %}\n`,
  );
  write(
    'models/sources.yml',
    'version: 2\nsources:\n  - name: landing\n    tables:\n      - name: raw_messages\n',
  );
  if (dbtUtils) {
    mkdirSync(join(dir, 'dbt_packages'), { recursive: true });
    symlinkSync(resolve(dbtUtils), join(dir, 'dbt_packages', 'dbt_utils'), 'dir');
  }
  const utilsCalls = dbtUtils
    ? `, {{ dbt_utils.generate_surrogate_key(['message_id', 'created_at']) }} as sk, {{ dbt_utils.safe_divide('1', '2') }} as ratio`
    : '';
  const layers = 10;
  const perLayer = Math.ceil(models / layers);
  let tests = 0;
  let yml = 'version: 2\nmodels:\n';
  for (let i = 0; i < models; i++) {
    const layer = Math.floor(i / perLayer);
    const name = `m_${layer}_${i}`;
    let body: string;
    if (layer === 0) {
      body = `select message_id, created_at, {{ hash_cols(['message_id', 'sequence_id']) }} as h${utilsCalls}\nfrom {{ source('landing', 'raw_messages') }}\n`;
    } else {
      const below = (k: number): string => {
        const first = (layer - 1) * perLayer;
        return `m_${layer - 1}_${first + ((i * 7 + k * 13) % perLayer)}`;
      };
      const parents = [...new Set([below(0), below(1), below(2)].slice(0, 1 + (i % 3)))];
      body =
        `{{ config(materialized='incremental', unique_key='message_id', tags=['l${layer}']) }}\n` +
        `with\n${parents.map((p, k) => `p${k} as (select * from {{ ref('${p}') }})`).join(',\n')}\n` +
        `select p0.message_id, p0.created_at, p0.h${utilsCalls}\nfrom p0\n` +
        `{% if is_incremental() %}where p0.created_at > {{ window_start(var('watermark_minutes')) }}{% endif %}\n`;
    }
    write(`models/layer_${layer}/${name}.sql`, body);
    if (i % 2 === 0) {
      yml += `  - name: ${name}\n    columns:\n      - name: message_id\n        data_tests: [not_null, uniq_equals_total]\n`;
      tests += 2;
    }
  }
  write('models/schema.yml', yml);
  return { tests };
}

interface Phases {
  load: number;
  parse: number;
  graph: number;
  render: number;
  total: number;
}

function measure(dir: string): Phases & { nodes: number } {
  const t0 = performance.now();
  const project = loadProject(dir);
  const t1 = performance.now();
  const parsed = parseProject(project);
  if (parsed.issues.length > 0)
    throw new Error(`generated project has problems: ${parsed.issues[0]!.message}`);
  const t2 = performance.now();
  const cycles = findCycles(parsed.nodes);
  if (cycles.length > 0) throw new Error('generated project has a cycle');
  selectNodes(parsed.nodes, {});
  const t3 = performance.now();
  let nodes = 0;
  for (const node of parsed.nodes.values()) {
    if (!node.template) continue;
    renderNodeSql(parsed, node);
    nodes++;
  }
  const t4 = performance.now();
  const s = (ms: number): number => ms / 1000;
  return {
    load: s(t1 - t0),
    parse: s(t2 - t1),
    graph: s(t3 - t2),
    render: s(t4 - t3),
    total: s(t4 - t0),
    nodes,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

runCli(async () => {
  const program = new Command('bench:compile')
    .description('Time the parse/compile pass over a generated project.')
    .option('--models <n>', 'models in the generated project', positiveInteger, 1000)
    .option('--repeat <n>', 'runs; the median is reported', positiveInteger, 3)
    .option('--dbt-utils <dir>', 'a dbt-utils checkout: every model also calls its macros')
    .exitOverride();
  program.parse();
  const { models, repeat, dbtUtils } = program.opts<{
    models: number;
    repeat: number;
    dbtUtils?: string;
  }>();
  if (dbtUtils && !existsSync(join(dbtUtils, 'dbt_project.yml')))
    throw new UserError(`--dbt-utils ${dbtUtils}: no dbt_project.yml there`, 2);
  const dir = mkdtempSync(join(tmpdir(), 'bench-compile-'));
  try {
    const { tests } = generateProject(dir, models, dbtUtils);
    const runs: (Phases & { nodes: number })[] = [];
    for (let i = 0; i < repeat; i++) runs.push(measure(dir));
    const phases = (['load', 'parse', 'graph', 'render', 'total'] as const).map((phase) => ({
      phase,
      median: median(runs.map((r) => r[phase])),
      min: Math.min(...runs.map((r) => r[phase])),
    }));
    const total = phases.find((p) => p.phase === 'total')!.median;
    const table = new Table({
      head: ['phase', 'median s', 'min s'],
      style: { head: [], border: [] },
    });
    for (const p of phases) table.push([p.phase, p.median.toFixed(3), p.min.toFixed(3)]);
    printLine(
      `Parse/compile pass: ${models} models${dbtUtils ? ' calling dbt_utils macros' : ''}, ${tests} tests, ${runs[0]!.nodes} rendered nodes, ${repeat} run(s)`,
    );
    printLine(table.toString());
    const pass = total < TARGET_SECONDS;
    printLine(
      pass
        ? colors.green(`total ${total.toFixed(3)}s < target ${TARGET_SECONDS}s: OK`)
        : colors.red(`total ${total.toFixed(3)}s ≥ target ${TARGET_SECONDS}s: TOO SLOW`),
    );
    const out = join(
      import.meta.dirname,
      'results',
      dbtUtils ? 'compile-dbt-utils.json' : 'compile.json',
    );
    writeFileAtomic(
      out,
      `${JSON.stringify(
        {
          generatedAt: new Date().toISOString(),
          machine: {
            cpus: cpus().length,
            cpu: cpus()[0]?.model ?? 'unknown',
            node: process.version,
          },
          models,
          callsDbtUtils: dbtUtils !== undefined,
          tests,
          renderedNodes: runs[0]!.nodes,
          repeat,
          phasesSeconds: Object.fromEntries(
            phases.map((p) => [p.phase, { median: p.median, min: p.min }]),
          ),
          targetSeconds: TARGET_SECONDS,
          pass,
        },
        null,
        2,
      )}\n`,
    );
    printLine(`wrote ${out}`);
    return pass ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
