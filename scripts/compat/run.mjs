// `npm run test:compat`: does the real OpenClaw CLI (openclaw@2026.2.22 on
// Node 24) work against a fresh Clawgate gateway? Installs the tools into a
// cache dir outside the repo (install.mjs), starts a throwaway gateway
// (gateway.mjs) whose default agent talks to a stand-in OpenAI server, runs CLI
// commands as two isolated identities (openclaw.mjs): pairing, then the agent
// methods (agent-steps.mjs), then `openclaw tui` driven in a private tmux pane
// (tui-steps.mjs); prints a report and a PASS/FAIL table, and writes it to
// <cache>/last-report.txt.
// Exit code: 0 all passed, 1 a step failed, 2 setup failed (install/gateway).
// CLAWGATE_COMPAT_KEEP=1 keeps the temp dirs for debugging.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, ensureInstalled, OPENCLAW_VERSION } from './install.mjs';
import { gatewayCli, makeTmpRoot, startGateway } from './gateway.mjs';
import { deviceIdOf, killActive, makeClient, runOpenclaw } from './openclaw.mjs';
import { all, exitedOk, firstErrorLine, isList, jsonStep, usedFallback } from './verdicts.mjs';
import { Report, shellArgs, truncate } from './report.mjs';
import { agentConfig, runAgentSteps, startFakeModel } from './agent-steps.mjs';
import { runTuiSteps, tuiModelRules } from './tui-steps.mjs';
import { killAllPanes } from './tmux.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const report = new Report();
const keep = process.env.CLAWGATE_COMPAT_KEEP === '1';
let tmpRoot = null;
let gw = null;
let fake = null;

// --- the run ---------------------------------------------------------------
async function main() {
  report.line(`clawgate compat run ${new Date().toISOString()}  (repo ${repoRoot})`);
  const tools = await ensureInstalled();
  const cli = gatewayCli(repoRoot);
  if (!fs.existsSync(cli)) {
    report.note('setup', 'gateway build present', false, `${path.relative(repoRoot, cli)} missing: run \`npm run build\` (npm run test:compat does)`);
    return 2;
  }
  tmpRoot = makeTmpRoot();
  try {
    fake = await startFakeModel(repoRoot, tuiModelRules());
  } catch (err) {
    report.note('setup', 'start fake model server', false, err.message);
    return 2;
  }
  try {
    gw = await startGateway({ repoRoot, tmpRoot, extraConfig: agentConfig(fake) });
  } catch (err) {
    report.addSecret(err.token);
    report.note('setup', 'start gateway', false, err.message);
    if (err.command) report.line(`$ ${err.command}`);
    return 2; // cleanup() prints the gateway log
  }
  report.addSecret(gw.token);
  report.line(`node 24:  ${tools.node}`);
  report.line(`openclaw: ${tools.openclaw} (${OPENCLAW_VERSION})`);
  report.line(`gateway:  pid ${gw.pid}, port ${gw.port}, state ${gw.stateDir}`);
  report.line(`          $ ${gw.command}`);
  report.line(`model:    stand-in OpenAI server at ${fake.url} (provider "fake", agents.defaults.model fake/fake-gpt)`);

  // A: the owner's CLI on the gateway host (config + env token).
  // B: a second device with no token at all, which has to be paired.
  const A = makeClient({ tmpRoot, name: 'A', port: gw.port, token: gw.token, tools });
  const B = makeClient({ tmpRoot, name: 'B', port: gw.port, token: null, tools });
  report.line(`client A: HOME=${A.home} OPENCLAW_STATE_DIR=${A.stateDir} (openclaw.json has gateway.port + gateway.auth.token; env OPENCLAW_GATEWAY_TOKEN set)`);
  report.line(`client B: HOME=${B.home} OPENCLAW_STATE_DIR=${B.stateDir} (openclaw.json has gateway.port only; no token anywhere)`);

  let n = 0;
  const step = async (client, title, args, verdictFn) => {
    const r = await runOpenclaw(tools, client, args);
    let v;
    try { v = verdictFn(r); } catch (err) { v = { ok: false, note: `check threw: ${err.message}` }; }
    const envShown = `HOME=${client.home} OPENCLAW_STATE_DIR=${client.stateDir}${client.hasToken ? ' OPENCLAW_GATEWAY_TOKEN=<gateway-token>' : ''}`;
    report.command(++n, `${client.name}: ${title}`, r, `${envShown} ${tools.node} ${tools.openclaw} ${shellArgs(args)}`, v);
    return { r, v };
  };

  await step(A, 'openclaw --version', ['--version'], (r) => exitedOk(r)
    ?? (r.stdout.includes(OPENCLAW_VERSION) ? { ok: true, note: r.stdout.trim() } : { ok: false, note: `expected ${OPENCLAW_VERSION}` }));

  await step(A, 'devices list --json', ['devices', 'list', '--json'], (r) => jsonStep(r, (j) => isList(j)
    ? { ok: true, note: `${j.pending.length} pending, ${j.paired.length} paired` }
    : { ok: false, note: 'expected {pending:[], paired:[]}' }));

  await step(A, 'health --json', ['health', '--json'], (r) => jsonStep(r, (j) => j.ok === true
    ? { ok: true, note: 'ok:true' } : { ok: false, note: `ok is ${JSON.stringify(j.ok)}` }));

  await step(A, 'gateway status --json', ['gateway', 'status', '--json'], (r) => jsonStep(r, (j) => j.rpc?.ok === true
    ? { ok: true, note: `rpc.ok:true at ${j.rpc.url}` }
    : { ok: false, note: `rpc.ok is ${JSON.stringify(j.rpc?.ok)}: ${String(j.rpc?.error ?? '').split('\n')[0].slice(0, 120)}` }));

  await step(A, 'gateway probe --json', ['gateway', 'probe', '--json'], (r) => jsonStep(r, (j) => {
    const t = (j.targets ?? []).find((x) => x.active) ?? j.targets?.[0];
    return j.ok === true
      ? { ok: true, note: `ok:true, connect ${t?.connect?.latencyMs ?? '?'} ms` }
      : { ok: false, note: `ok:false: ${t?.connect?.error ?? 'see output'}` };
  }));

  // --- pairing: B asks, A approves, B gets in -------------------------------
  await step(B, 'health --json (unpaired, no token: expect "pairing required")', ['health', '--json'], (r) => {
    if (r.code === 0) return { ok: false, note: 'succeeded without pairing: no pending request to approve' };
    return /pairing required/i.test(all(r))
      ? { ok: true, note: 'refused with "pairing required"' }
      : { ok: false, note: `refused, but not with "pairing required": ${firstErrorLine(r)}` };
  });
  const bId = deviceIdOf(B);

  let requestId = null;
  await step(A, 'devices list --json (B pending?)', ['devices', 'list', '--json'], (r) => jsonStep(r, (j) => {
    if (!isList(j)) return { ok: false, note: 'expected {pending:[], paired:[]}' };
    const p = j.pending.find((x) => x.deviceId === bId);
    if (!p) return { ok: false, note: `no pending request for B's device ${bId ?? '(B has no identity file)'}; ${j.pending.length} pending` };
    requestId = p.requestId;
    return { ok: true, note: `requestId ${requestId}` };
  }));

  // Approve exactly B's request when we know it; else what the docs suggest.
  const approveArgs = requestId ? ['devices', 'approve', requestId] : ['devices', 'approve', '--latest'];
  await step(A, approveArgs.join(' '), approveArgs, (r) => {
    const bad = exitedOk(r);
    if (bad) return bad;
    if (usedFallback(r)) return { ok: false, note: 'CLI approved in its own state dir (local fallback), not via the gateway' };
    if (!/approved/i.test(r.stdout)) return { ok: false, note: 'no "Approved" line' };
    return bId && !r.stdout.includes(bId) ? { ok: false, note: 'approved some other device' } : { ok: true, note: r.stdout.trim().split('\n').pop() };
  });

  await step(B, 'health --json (after approval)', ['health', '--json'], (r) => jsonStep(r, (j) => j.ok === true
    ? { ok: true, note: 'ok:true' } : { ok: false, note: `ok is ${JSON.stringify(j.ok)}` }));

  await step(A, 'devices list --json (B paired?)', ['devices', 'list', '--json'], (r) => jsonStep(r, (j) => {
    if (!isList(j)) return { ok: false, note: 'expected {pending:[], paired:[]}' };
    const paired = j.paired.some((x) => x.deviceId === bId);
    const pending = j.pending.some((x) => x.deviceId === bId);
    return paired && !pending ? { ok: true, note: `B paired; ${j.paired.length} paired, ${j.pending.length} pending` }
      : { ok: false, note: `B paired=${paired}, still pending=${pending}` };
  }));

  // --- agents: A drives the agent methods; the stand-in model answers ------
  await runAgentSteps({ step, client: A, fake });

  // --- the TUI: A's `openclaw tui` in tmux, typed at and read like a person --
  const record = (title, ok, note, extra = []) => {
    report.note(++n, title, ok, note);
    for (const l of extra) report.line(l);
  };
  await runTuiSteps({ record, line: (t) => report.line(t), client: A, tools, port: gw.port, fake });

  const stopped = await gw.stop();
  gw = null;
  report.note(++n, 'gateway ran throughout and stopped on SIGTERM', stopped === 'stopped on SIGTERM' || stopped.startsWith('stopped on SIGTERM'), stopped);
  return report.failed ? 1 : 0;
}

async function cleanup() {
  killActive();
  killAllPanes();
  if (gw) { try { await gw.stop(); } catch { /* best effort */ } }
  if (fake) { try { await fake.close(); } catch { /* best effort */ } }
  if (tmpRoot) {
    const log = path.join(tmpRoot, 'gateway.log');
    if (fs.existsSync(log)) {
      report.section('gateway log (tail)');
      report.line(truncate(fs.readFileSync(log, 'utf8').slice(-6000).trimEnd(), 6000) || '(empty)');
    }
    if (keep) report.line(`\nkept temp dirs under ${tmpRoot} (CLAWGATE_COMPAT_KEEP=1)`);
    else fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
}

function writeReport() {
  const file = path.join(cacheDir(), 'last-report.txt');
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, report.text());
    process.stdout.write(`\nreport written to ${file}\n`);
  } catch (err) { process.stderr.write(`could not write ${file}: ${err.message}\n`); }
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    report.line(`\ninterrupted (${sig}); cleaning up`);
    await cleanup();
    writeReport();
    process.exit(130);
  });
}

let code;
try {
  code = await main();
} catch (err) {
  report.note('setup', 'harness', false, err.message);
  code = 2;
}
await cleanup();
if (report.rows.length) report.summary();
writeReport();
process.exit(code);
