/**
 * The folder layers, bottom first. A module may import from its own folder and from folders below
 * it, never from one above: the vocabulary sits at the bottom, the command line at the top.
 * `npm run lint` fails on an import that runs back up, on a file-level cycle, and on storage
 * libraries used outside src/db/.
 */
const LAYERS = [
  ['domain', '^src/domain/'],
  ['core', '^src/core/'],
  ['rules', '^rules/'],
  ['controls', '^src/controls/'],
  ['config', '^src/config/'],
  ['queue', '^src/queue/'],
  ['providers', '^src/providers/'],
  ['simulator', '^src/simulator/'],
  ['db', '^src/db/'],
  ['engine', '^src/engine/'],
  ['discovery', '^src/discovery/'],
  ['notify', '^src/notify/'],
  ['report', '^src/report/'],
  ['jobs', '^jobs/'],
  ['daemon', '^src/daemon/'],
  ['cli', '^src/cli/'],
];

const upward = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `layer-${name}`,
  comment: `${name} may import only from ${
    LAYERS.slice(0, i)
      .map(([n]) => n)
      .join(', ') || 'nothing internal'
  } (the layer order is in .dependency-cruiser.cjs)`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => p) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      comment: 'a file-level import cycle',
      severity: 'error',
      from: { path: '^(src|jobs|rules)/' },
      to: { circular: true },
    },
    {
      name: 'storage-in-db',
      comment: 'SQLite and drizzle are used only behind src/db/',
      severity: 'error',
      from: { path: '^(src|jobs|rules)/', pathNot: '^src/db/' },
      to: { path: 'node_modules/(better-sqlite3|drizzle-orm)/' },
    },
    {
      name: 'unlayered-folder',
      comment: 'every source folder has a place in LAYERS',
      severity: 'error',
      from: { path: '^(src|jobs|rules)/', pathNot: LAYERS.map(([, p]) => p).concat(['^src/[^/]+\\.ts$']) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
