/**
 * In-process measurements of the agent tools for `bench:agents`: what dispatching a tool call costs beyond the
 * tool's own work, memory_search over many notes, and exec of `true` on the host and in the sandbox.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { MemoryIndex } from '../src/agents/memory/memory-index.js';
import { writeSampleNotes } from '../src/agents/memory/sample-notes.js';
import { launchFor } from '../src/agents/tools/exec/launch.js';
import { ProcessRegistry } from '../src/agents/tools/exec/process-registry.js';
import { sandboxMode, type SandboxMode } from '../src/agents/tools/exec/sandbox.js';
import { executeTool } from '../src/agents/tools/execute-tool.js';
import { defineTool, type AgentTool, type ToolContext } from '../src/agents/tools/tool.js';
import { Store } from '../src/store/store.js';
import { percentile, summarize, type Summary } from './stats.js';

/** A tool that does nothing, so its call measures only the dispatch around it. */
const NOOP = defineTool({
  name: 'noop',
  description: 'does nothing',
  parameters: Type.Object({ path: Type.String({ maxLength: 256 }), lines: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
  execute: (args) => ({ ok: true, path: args.path }),
});

/** Dispatch overhead of one tool call: argument validation, the call, result rendering, and the tool result's transcript append. */
export interface DispatchResult {
  readonly calls: number;
  readonly perCallMs: Summary;
  /** The same without the transcript append (validation, call, render). */
  readonly executeOnlyMs: Summary;
}

/** Time `calls` no-op tool calls the way the run loop makes them, each followed by its transcript append on a real store. */
export async function toolDispatch(calls: number): Promise<DispatchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-tools-'));
  const store = Store.open(join(dir, 'state.db'));
  try {
    const key = 'agent:main:bench-tools';
    store.write(() => store.sessions.ensure({ key, agentId: 'main', kind: 'main' }, Date.now()));
    const offered = new Map<string, AgentTool>([[NOOP.name, NOOP]]);
    const ctx = { signal: new AbortController().signal } as unknown as ToolContext;
    const full: number[] = [];
    const exec: number[] = [];
    for (let i = 0; i < calls + 50; i++) {
      const call = { id: `call_${i}`, name: 'noop', arguments: { path: `notes/${i}.md`, lines: 20 } };
      const t0 = performance.now();
      const outcome = await executeTool(call, offered, ctx);
      const t1 = performance.now();
      store.write(() => store.transcripts.append(key, 'bench-run', [{ role: 'tool', toolCallId: call.id, name: call.name, text: outcome.text, durationMs: t1 - t0 }], Date.now()));
      const t2 = performance.now();
      // The first calls compile the validator and warm the statement cache.
      if (i >= 50) {
        exec.push(t1 - t0);
        full.push(t2 - t0);
      }
    }
    return { calls, perCallMs: summarize(full), executeOnlyMs: summarize(exec) };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** memory_search over generated notes: index build time and per-query latency. */
export interface MemorySearchResult {
  readonly notes: number;
  readonly buildMs: number;
  readonly queries: number;
  readonly searchMs: Summary;
  readonly p95Ms: number;
  readonly hits: number;
}

/** Index `notes` generated notes, then time memory_search's query path (sync check + FTS5 query) over their queries. */
export async function memorySearch(notes: number, queries: number): Promise<MemorySearchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-memory-'));
  const workspace = join(dir, 'workspace');
  try {
    const sample = writeSampleNotes(workspace, notes);
    const t0 = performance.now();
    const index = MemoryIndex.open({ dbPath: join(dir, 'memory', 'main.sqlite'), workspace });
    try {
      index.sync();
      const buildMs = performance.now() - t0;
      const pool = [...sample.queries, ...sample.questions, ...sample.unique.slice(0, 50)];
      const samples: number[] = [];
      let hits = 0;
      for (let i = 0; i < queries; i++) {
        const q = pool[i % pool.length]!;
        const s = performance.now();
        const r = await index.search(q);
        samples.push(performance.now() - s);
        if (r.results.length > 0) hits++;
      }
      const sorted = [...samples].sort((a, b) => a - b);
      return { notes, buildMs, queries, searchMs: summarize(samples), p95Ms: percentile(sorted, 95), hits };
    } finally {
      index.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** exec of `true` from start to reaped, on the host and under bubblewrap. */
export interface ExecTrueResult {
  readonly runs: number;
  readonly hostMs: Summary;
  /** Undefined when bubblewrap cannot be used here (the reason says why). */
  readonly bubblewrapMs?: Summary;
  readonly bubblewrapUnavailable?: string;
}

/** Time `true` n times each way, interleaved, through the process registry exec uses (approval not included). */
export async function execTrue(runs: number): Promise<ExecTrueResult> {
  const ws = realpathSync(mkdtempSync(join(tmpdir(), 'cg-bench-exec-')));
  const reg = new ProcessRegistry({ hidden: [] });
  const host: SandboxMode = { mode: 'host', reason: 'bench' };
  let sandboxed: SandboxMode | undefined;
  let unavailable: string | undefined;
  try {
    // The one-time probe runs here, outside the timed calls.
    sandboxed = await sandboxMode({ sandbox: 'bubblewrap' });
  } catch (err) {
    unavailable = (err as Error).message;
  }
  const out: Record<'host' | 'bubblewrap', number[]> = { host: [], bubblewrap: [] };
  const once = async (mode: SandboxMode): Promise<number> => {
    const t0 = performance.now();
    const launch = launchFor(mode, { command: 'true', workspace: ws, workdir: ws, hidden: [], network: false });
    const p = await reg.start({ sessionKey: 'bench', runId: 'bench', command: 'true', launch, background: false, keepStdin: false, timeoutMs: 30_000, maxOutputBytes: 1024 });
    await p.ended;
    return performance.now() - t0;
  };
  try {
    for (let i = 0; i < runs + 3; i++) {
      const h = await once(host);
      const b = sandboxed ? await once(sandboxed) : undefined;
      if (i < 3) continue; // warm-up
      out.host.push(h);
      if (b !== undefined) out.bubblewrap.push(b);
    }
  } finally {
    await reg.closeAll();
    rmSync(ws, { recursive: true, force: true });
  }
  return { runs, hostMs: summarize(out.host), ...(sandboxed ? { bubblewrapMs: summarize(out.bubblewrap) } : { bubblewrapUnavailable: unavailable ?? 'unknown' }) };
}
