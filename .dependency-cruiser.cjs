/**
 * The architecture as rules: `src/` folders from the bottom layer up, in the order data flows.
 * A folder may import its own files and the folders listed before it, never one listed after it,
 * so folder cycles cannot form; file cycles are refused outright.
 */
const LAYERS = [
  'src/base/errors',
  'src/base/files',
  'src/base/console',
  'src/base/warehouse',
  'src/generated',
  'src/engine/project',
  'src/engine/graph',
  'src/engine/compile',
  'src/engine/parser',
  'src/engine/data-test',
  'src/engine/materialize',
  'src/engine/artifacts',
  'src/engine/runner',
  'src/app/landing',
  'src/app/endpoint',
  'src/app/streaming',
  'src/app/explore/sql',
  'src/app/explore/kysely',
  'src/app/explore/health',
  'src/app/docs',
  'src/app/cli',
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

const upwardImports = LAYERS.map((layer, index) => ({
  name: `layer-${layer.replace(/^src\//, '')}`,
  comment: `${layer} may import only the layers below it (${LAYERS.slice(0, index).join(', ') || 'none'})`,
  severity: 'error',
  from: { path: `^${escape(layer)}/` },
  to: {
    path: `^(${LAYERS.slice(index + 1)
      .map(escape)
      .join('|')})/`,
  },
})).filter((rule) => !rule.to.path.startsWith('^()'));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide which module depends on which.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-from-outside',
      severity: 'error',
      comment: 'The library stands alone: scripts, bench and tests build on it, never the reverse.',
      from: { path: '^src/' },
      to: { path: '^(scripts|bench|tests)/' },
    },
    {
      name: 'src-files-in-a-layer',
      severity: 'error',
      comment: 'Every library module belongs to a layer folder (src/index.ts is the public API).',
      from: { path: '^src/', pathNot: `^(src/index\\.ts$|${LAYERS.map(escape).join('|')}/)` },
      to: {},
    },
    ...upwardImports,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
