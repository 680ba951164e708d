// Mutation testing of the security-relevant modules: `npm run test:mutation` (scripts/test-mutation.sh, on
// Node 24). Stryker instruments the target sources with mutant schemata, tsc compiles them once into the
// sandbox's dist/, and the command runner runs scripts/mutation/run-focused.mjs per mutant, which runs only
// the focused tests of the mutant's module. See docs/testing.md.
import { TARGETS } from './scripts/mutation/targets.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  mutate: Object.keys(TARGETS),
  buildCommand: 'npx tsc -p .',
  testRunner: 'command',
  commandRunner: { command: 'node scripts/mutation/run-focused.mjs' },
  // The command runner cannot report per-test coverage: every mutant runs its module's focused tests.
  coverageAnalysis: 'off',
  concurrency: 2,
  timeoutMS: 20000,
  timeoutFactor: 1.5,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'html', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  ignorePatterns: ['dist', 'reports', '.compat-cache'],
};
