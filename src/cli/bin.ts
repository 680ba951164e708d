#!/usr/bin/env node
import { runCli } from './main.js';
import { processIo } from './io.js';

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
