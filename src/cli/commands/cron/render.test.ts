import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob } from '../../../protocol/cron-job.js';
import { renderJobs, renderRuns } from './render.js';

const NOW = 1_800_000_000_000;
const job = (over: Partial<CronJob>): CronJob => ({
  id: '0123456789abcdef',
  name: 'digest',
  agentId: 'main',
  enabled: true,
  deleteAfterRun: false,
  createdAtMs: NOW - 3_600_000,
  updatedAtMs: NOW - 3_600_000,
  schedule: { kind: 'every', everyMs: 3_600_000, anchorMs: NOW - 3_600_000 },
  sessionTarget: 'isolated',
  wakeMode: 'now',
  payload: { kind: 'agentTurn', message: 'm' },
  state: { consecutiveErrors: 0 },
  ...over,
});

test('cron list is a table with id, name, schedule, target, agent, state, next and last run', () => {
  const lines = renderJobs(
    [
      job({ delivery: { mode: 'announce', channel: 'telegram', to: '42' }, state: { consecutiveErrors: 0, nextRunAtMs: NOW + 300_000, lastRunAtMs: NOW - 120_000, lastStatus: 'ok' } }),
      job({ id: 'fedcba9876543210', name: 'standup', schedule: { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin' }, sessionTarget: 'main', payload: { kind: 'systemEvent', text: 's' }, enabled: false }),
      job({ id: 'aaaaaaaabbbbbbbb', name: 'flaky', state: { consecutiveErrors: 2, nextRunAtMs: NOW + 60_000, lastStatus: 'error', lastRunAtMs: NOW - 10_000 } }),
    ],
    NOW,
  ).split('\n');
  assert.match(lines[0]!, /^ID\s+NAME\s+SCHEDULE\s+TARGET\s+AGENT\s+STATE\s+NEXT\s+LAST$/);
  assert.match(lines[1]!, /^01234567\s+digest\s+every 1h\s+isolated → telegram:42\s+main\s+enabled\s+in 5m\s+ok 2m ago$/);
  assert.match(lines[2]!, /^fedcba98\s+standup\s+cron 0 9 \* \* 1-5 \(Europe\/Berlin\)\s+main \(now\)\s+main\s+disabled\s+-\s+-$/);
  assert.match(lines[3]!, /^aaaaaaaa\s+flaky\s+every 1h\s+isolated\s+main\s+backoff \(2 errors\)\s+in 1m\s+error 10s ago$/);
  assert.match(renderJobs([]), /^No cron jobs\. Add one with: clawgate cron add/);
});

test('cron runs is a table with the scheduled time, skipped catch-ups, status, code and delivery', () => {
  const lines = renderRuns(
    [
      { jobId: 'j', runId: 'run12345xyz', scheduledAtMs: NOW - 60_000, manual: false, startedAtMs: NOW - 60_000, endedAtMs: NOW - 58_500, durationMs: 1500, status: 'error', errorCode: 'PROVIDER_AUTH', skipped: 3, deliveryStatus: 'not-delivered', deliveryError: 'telegram is not running' },
      { jobId: 'j', runId: 'run67890xyz', scheduledAtMs: NOW - 5000, manual: true, startedAtMs: NOW - 5000, status: 'running', deliveryStatus: 'not-requested' },
    ],
    NOW,
  ).split('\n');
  assert.match(lines[0]!, /^RUN\s+SCHEDULED\s+STARTED\s+DURATION\s+STATUS\s+ERROR\s+DELIVERY\s+SUMMARY$/);
  assert.match(lines[1]!, /^run12345\s+\S+Z \(\+3 skipped\)\s+1m ago\s+1\.5s\s+error\s+PROVIDER_AUTH\s+not-delivered: telegram is not running\s+-$/);
  assert.match(lines[2]!, /^run67890\s+manual\s+5s ago\s+-\s+running\s+-\s+-\s+-$/);
});
