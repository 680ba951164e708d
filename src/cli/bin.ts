#!/usr/bin/env node
import module from 'node:module';

// Node >= 22.1 can cache compiled code between runs, which is most of a CLI call's start-up; Node 20
// lacks it and simply runs without. It must be on before the rest of the CLI is imported.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { runCli } = await import('./main.js');
const { processIo } = await import('./io.js');
process.exitCode = await runCli(process.argv.slice(2), processIo());
