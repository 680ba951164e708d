/**
 * Import rules: layers run one way, bottom to top (docs/architecture.md). A folder may import only its own
 * files and the folders in layers below it, so no folder-level cycle can form. Tests (`*.test.ts`) sit
 * beside the code and may use the test helpers, which drive whole gateways; they are checked for cycles only.
 */
const LAYERS = [
  ['protocol'],
  ['util', 'version.ts'],
  ['store'],
  ['logging'],
  ['auth'],
  ['config'],
  ['pairing'],
  ['service'],
  ['approvals'],
  ['agents'],
  ['channels'],
  ['cron'],
  ['backup'],
  ['rpc'],
  ['gateway'],
  ['client'],
  ['doctor'],
  ['tui'],
  ['cli'],
];

const folderRe = (names) => `^src/(${names.map((n) => n.replace('.', '\\.')).join('|')})(/|$)`;
const TEST = '\\.test\\.ts$';

const upward = LAYERS.flatMap((names, i) => {
  const above = LAYERS.slice(i + 1).flat();
  if (above.length === 0) return [];
  return [{
    name: `no-upward-from-${names[0].replace('.ts', '')}`,
    comment: `${names.join(', ')} may not import a higher layer (${above.join(', ')})`,
    severity: 'error',
    from: { path: folderRe(names), pathNot: TEST },
    to: { path: folderRe(above) },
  }];
});

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      comment: 'no file-level import cycle anywhere in src/ or web/',
      severity: 'error',
      from: { path: '^(src|web)/' },
      to: { circular: true },
    },
    {
      name: 'protocol-is-portable',
      comment: 'protocol/ imports nothing of ours outside itself and no Node built-in, so the browser can bundle it',
      severity: 'error',
      from: { path: '^src/protocol/', pathNot: TEST },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'protocol-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^src/protocol/', pathNot: TEST },
      to: { path: '^src/', pathNot: '^src/protocol/' },
    },
    {
      name: 'every-folder-has-a-layer',
      comment: 'a new top-level folder under src/ must be placed in LAYERS in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: `${folderRe(LAYERS.flat())}|${TEST}` },
      to: {},
    },
    {
      name: 'web-uses-only-protocol',
      comment: 'the dashboard (web/, bundled for the browser by Vite) shares only the portable protocol code with the gateway',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/', pathNot: '^src/protocol/' },
    },
    {
      name: 'web-no-node-builtins',
      comment: 'web/src runs in the browser: no Node built-in (the Vite config beside it runs in Node and is exempt)',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      // better-sqlite3-13 is optional: npm skips it on Node 20, where the driver loads better-sqlite3 12.
      to: { couldNotResolve: true, pathNot: '^better-sqlite3-13$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};
