import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolBench } from '../../../../test/helpers/tool-call.js';
import { lastOf, runtimeHarness } from '../../../../test/helpers/runtime-harness.js';

test('memory_search answers with file, lines and snippet; with no notes, a hint where they go', async (t) => {
  const b = toolBench(t);
  const empty = await b.call('memory_search', { query: 'anything' });
  assert.equal(empty.isError, false);
  assert.deepEqual((empty.result as { results: unknown[] }).results, []);
  assert.match(empty.text, /no memory files yet: notes go in MEMORY.md or memory\/\*.md/);
  mkdirSync(join(b.agent.workspace, 'memory'), { recursive: true });
  writeFileSync(join(b.agent.workspace, 'memory', 'people.md'), '# Alice\n\nAlice is allergic to peanuts.\n');
  const r = await b.call('memory_search', { query: 'peanuts allergy', maxResults: 3 });
  assert.deepEqual((r.result as { results: Array<{ path: string; startLine: number; endLine: number }> }).results.map((h) => [h.path, h.startLine, h.endLine]), [['memory/people.md', 1, 3]]);
  const bad = await b.call('memory_search', { query: '' });
  assert.equal(bad.isError, true, 'an empty query is refused by the schema, for the model to correct');
});

test('in a run, the model calls memory_search and reads back a snippet with its file and line', async (t) => {
  const h = await runtimeHarness(t, ({ body }) => {
    const tool = (body.messages as Array<{ role: string; content?: unknown }>).find((m) => m.role === 'tool');
    if (!tool) return { toolCalls: [{ name: 'memory_search', arguments: { query: 'where is the spare key' } }] };
    return { text: `tool said: ${typeof tool.content === 'string' ? tool.content : ''}` };
  });
  const ws = join(h.stateDir, 'workspace');
  mkdirSync(ws, { recursive: true });
  writeFileSync(join(ws, 'MEMORY.md'), '# House\n\nThe wifi password is on the fridge.\n\n# Keys\n\nThe spare key is under the blue flower pot.\n');
  const snap = await h.ask('where did I leave the spare key?');
  assert.equal(snap.status, 'ok');
  const result = JSON.parse(snap.text!.replace(/^tool said: /, '')) as { results: Array<{ path: string; startLine: number; snippet: string }> };
  assert.deepEqual([result.results[0]!.path, result.results[0]!.startLine], ['MEMORY.md', 5]);
  assert.match(result.results[0]!.snippet, /\*\*spare\*\* \*\*key\*\*/);
  assert.equal(lastOf(h.fake.requests[0]!.body, 'user'), 'where did I leave the spare key?');
  assert.ok(h.fake.requests[0]!.body.tools?.some((tool: { function: { name: string } }) => tool.function.name === 'memory_search'), 'the tool was offered');
});
