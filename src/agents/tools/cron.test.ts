import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../../config/schema.js';
import { agentCronPort, MAX_AGENT_CRON_JOBS } from '../../cron/agent-cron-port.js';
import { renderJobs } from '../../cli/commands/cron/render.js';
import { runtimeHarness } from '../../../test/helpers/runtime-harness.js';
import { toolBench } from '../../../test/helpers/tool-call.js';
import type { MessagePort } from './message-port.js';

const TWO_AGENTS = { agents: { list: [{ id: 'main', default: true }, { id: 'other' }] } } as Partial<Config>;
const EVERY_HOUR = { name: 'water plants', schedule: { kind: 'every', everyMs: 3_600_000 }, payload: { kind: 'agentTurn', message: 'remind me to water the plants' } };

/** Approves one Telegram chat, sends nothing. */
const ONE_TARGET: MessagePort = {
  deliver: () => Promise.resolve(),
  isApprovedTarget: (t) => t.channel === 'telegram' && t.to === '111',
  howToApprove: () => 'clawgate pairing approve telegram <code>',
};

test('in a run, the agent adds a job with the cron tool; the owner sees it as agent-made in cron list', async (t) => {
  const h = await runtimeHarness(t, ({ callIndex }) => (callIndex === 0 ? { toolCalls: [{ name: 'cron', arguments: { action: 'add', job: EVERY_HOUR } }] } : { text: 'scheduled' }));
  const snap = await h.ask('remind me every hour to water the plants');
  assert.equal(snap.status, 'ok');
  const [job] = h.cron.list(true);
  assert.equal(job!.name, 'water plants');
  assert.equal(job!.agentId, 'main');
  assert.deepEqual(job!.createdBy, { kind: 'agent', sessionKey: 'agent:main:main' });
  assert.ok(job!.state.nextRunAtMs! > Date.now(), 'scheduled like a cron.add job');
  assert.match(renderJobs([job!]), /water plants\s+every 1h\s+isolated\s+main \(agent-made\)/);
  const toolResult = h.runtime.history('agent:main:main', 10).find((e) => e.message.role === 'tool')!;
  assert.match(toolResult.message.text, /"status":"added".*"madeBy":"agent"/);
});

test('the cron tool lists only its own agent\'s jobs and removes only jobs its agent made', async (t) => {
  const h = await runtimeHarness(t, () => ({ text: 'unused' }), TWO_AGENTS);
  const b = toolBench(t, { cron: agentCronPort(() => h.cron, ONE_TARGET), config: TWO_AGENTS as Config });
  const owners = h.cron.add({ ...EVERY_HOUR, name: 'owner job', agentId: 'main' } as never);
  const others = h.cron.add({ ...EVERY_HOUR, name: 'other agent job', agentId: 'other' } as never, { sessionKey: 'agent:other:main', maxJobs: MAX_AGENT_CRON_JOBS });
  const added = await b.call('cron', { action: 'add', job: { ...EVERY_HOUR, name: 'mine' } });
  assert.equal(added.isError, false, added.text);
  const mine = (added.result as { job: { id: string } }).job.id;

  const listed = (await b.call('cron', { action: 'list' })).result as { jobs: Array<{ name: string; madeBy: string }> };
  // Both run every hour from now: their order is the scheduler's tie-break, not part of this rule.
  assert.deepEqual(listed.jobs.map((j) => [j.name, j.madeBy]).sort(), [['mine', 'agent'], ['owner job', 'owner']]);

  const ownerRemove = await b.call('cron', { action: 'remove', id: owners.id });
  assert.equal(ownerRemove.isError, true);
  assert.match(ownerRemove.text, /"status":"forbidden".*made by the owner; only the owner removes it \(clawgate cron rm /);
  const otherRemove = await b.call('cron', { action: 'remove', id: others.id });
  assert.match(otherRemove.text, /"status":"forbidden".*belongs to agent \\"other\\", not to you/);
  const unknown = await b.call('cron', { action: 'remove', id: 'no-such-job' });
  assert.match(unknown.text, /no cron job \\"no-such-job\\"; see clawgate cron list/);
  assert.deepEqual(h.cron.list(true).map((j) => j.name).sort(), ['mine', 'other agent job', 'owner job'], 'nothing was removed');

  const removed = await b.call('cron', { action: 'remove', id: mine });
  assert.deepEqual(removed.result, { status: 'removed', id: mine });
  assert.deepEqual(h.cron.list(true).map((j) => j.name).sort(), ['other agent job', 'owner job']);
});

test('the cron tool adds for its own agent only, validates like cron.add, and stops at the per-agent limit', async (t) => {
  const h = await runtimeHarness(t, () => ({ text: 'unused' }), TWO_AGENTS);
  const b = toolBench(t, { cron: agentCronPort(() => h.cron, ONE_TARGET), config: TWO_AGENTS as Config });
  const forOther = await b.call('cron', { action: 'add', job: { ...EVERY_HOUR, agentId: 'other' } });
  assert.equal(forOther.isError, true, 'agentId is not a field the agent may set');
  assert.match(forOther.text, /invalid arguments for cron/);
  const badShape = await b.call('cron', { action: 'add', job: { ...EVERY_HOUR, sessionTarget: 'main' } });
  assert.match(badShape.text, /a main-session job queues a system event/, 'the cron.add rule, from the same validation');
  const tooOften = await b.call('cron', { action: 'add', job: { ...EVERY_HOUR, schedule: { kind: 'every', everyMs: 1000 } } });
  assert.equal(tooOften.isError, true);
  const noJob = await b.call('cron', { action: 'add' });
  assert.match(noJob.text, /action \\"add\\" needs job/);
  const unapproved = await b.call('cron', { action: 'add', job: { ...EVERY_HOUR, delivery: { mode: 'announce', channel: 'telegram', to: '999' } } });
  assert.match(unapproved.text, /may announce only to a chat the owner approved; telegram chat \\"999\\" is not one/);
  const approved = await b.call('cron', { action: 'add', job: { ...EVERY_HOUR, name: 'announce', delivery: { mode: 'announce', channel: 'telegram', to: '111' } } });
  assert.equal(approved.isError, false, approved.text);

  for (let i = 1; i < MAX_AGENT_CRON_JOBS; i++) assert.equal((await b.call('cron', { action: 'add', job: { ...EVERY_HOUR, name: `job ${i}` } })).isError, false);
  // The owner's jobs do not count against the agent's limit.
  h.cron.add({ ...EVERY_HOUR, name: 'owner job', agentId: 'main' } as never);
  const full = await b.call('cron', { action: 'add', job: { ...EVERY_HOUR, name: 'one too many' } });
  assert.equal(full.isError, true);
  assert.match(full.text, new RegExp(`already has ${MAX_AGENT_CRON_JOBS} jobs it made itself.*clawgate cron rm`));
  assert.ok(!h.cron.list(true).some((j) => j.name === 'one too many'));
  // Another agent's allowance is its own.
  const other = await b.call('cron', { action: 'add', job: { ...EVERY_HOUR, name: 'theirs' } }, { agentId: 'other', sessionKey: 'agent:other:main' });
  assert.equal(other.isError, false, other.text);
  assert.equal(h.cron.list(true).find((j) => j.name === 'theirs')!.agentId, 'other');
});
