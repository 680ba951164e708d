// Stryker's command test runner runs this in its sandbox once per mutant, with __STRYKER_ACTIVE_MUTANT__ set
// to the mutant's id (and once without it, the dry run). The mutant schemata tsc compiled into dist/ name each
// mutant's id, so the id tells which target module it is in, and only that module's focused tests run.
// The dry run runs the focused tests of every module that carries mutants.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { TARGETS, compiledOf } from './targets.mjs';

const MAP_FILE = 'dist/.mutant-modules.json';

/** Mutant id -> target source file, read once from the instrumented dist/ files and cached beside them. */
function mutantModules() {
  if (existsSync(MAP_FILE)) return JSON.parse(readFileSync(MAP_FILE, 'utf8'));
  const map = {};
  for (const source of Object.keys(TARGETS)) {
    const compiled = compiledOf(source);
    if (!existsSync(compiled)) continue;
    for (const m of readFileSync(compiled, 'utf8').matchAll(/stryMutAct_9fa48\("(\d+)"\)/g)) map[m[1]] = source;
  }
  writeFileSync(MAP_FILE, JSON.stringify(map));
  return map;
}

const map = mutantModules();
const active = process.env.__STRYKER_ACTIVE_MUTANT__;
const modules = active === undefined ? [...new Set(Object.values(map))] : [map[active]];
if (modules.length === 0 || modules[0] === undefined) {
  console.error(`no target module carries mutant ${active ?? '(any)'}: was dist/ built from the instrumented sources?`);
  process.exit(2);
}
const files = [...new Set(modules.flatMap((m) => TARGETS[m]))];
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=dot', ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
