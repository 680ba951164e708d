// Issue 5, the Telegram channel when it cannot poll. A rejected bot token (401) marks the channel failed, stops
// polling at once (never retried) and puts the fix in `status`, `channels status` and `doctor`. Telegram's 409
// (another getUpdates poller) is retried a bounded number of times, then reported as a conflict. And the
// one-poller part of DP-SECOND-INSTANCE: a second gateway (another state dir) with the same bot token is refused
// at once with a conflict naming the first (its pid and state dir), without calling Telegram.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgentGateway, type AgentGateway } from '../helpers/agent-gateway.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { CONFLICT_RETRY_DELAYS_MS } from '../../src/channels/telegram/channel.js';

interface Row {
  channel: string;
  state: string;
  lastError?: string;
  fix?: string;
}

async function channelRow(ag: AgentGateway): Promise<Row> {
  const r = await ag.cli(['channels', 'status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { channels: Row[] }).channels[0]!;
}

async function waitForState(ag: AgentGateway, state: string, timeoutMs: number): Promise<Row> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await channelRow(ag);
    if (row.state === state) return row;
    if (Date.now() > deadline) throw new Error(`channel state is ${row.state}, not ${state}: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const started: { ag: AgentGateway; tg: FakeTelegram }[] = [];
async function gatewayWith(tg: FakeTelegram): Promise<AgentGateway> {
  const ag = await startAgentGateway({ config: { channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } } }, env: { TELEGRAM_BOT_TOKEN: '' } });
  started.push({ ag, tg });
  return ag;
}

after(async () => {
  for (const { ag, tg } of started) {
    await ag.stop().catch(() => undefined);
    await tg.close().catch(() => undefined);
  }
});

describe('telegram channel failures', () => {
  test('a rejected bot token (401): channel failed, polling stopped, the fix in status, channels status and doctor', async () => {
    const tg = await startFakeTelegram({ mode: 'unauthorized' });
    const ag = await gatewayWith(tg);
    const row = await waitForState(ag, 'failed', 10_000);
    assert.match(row.lastError ?? '', /rejected by Telegram \(401/);
    assert.match(row.fix ?? '', /the bot token was rejected: set a new one with clawgate config set channels\.telegram\.botToken .* and restart/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(tg.count('getMe'), 1, 'a 401 is never retried');
    assert.equal(tg.count('getUpdates'), 0, 'no polling with a rejected token');
    const status = await ag.cli(['status']);
    assert.match(status.stdout, /Finding channel-failed: telegram channel failed: .*401/);
    assert.match(status.stdout, /fix: the bot token was rejected: set a new one with clawgate config set channels\.telegram\.botToken/);
    const doctor = await ag.cli(['doctor', '--json']);
    assert.equal(doctor.code, 12, doctor.stderr);
    const check = (JSON.parse(doctor.stdout) as { checks: { id: string; findings: { id: string; severity: string; fix?: string }[] }[] }).checks.find((c) => c.id === 'telegram-channel')!;
    const f = check.findings.find((x) => x.id === 'telegram-failed');
    assert.equal(f?.severity, 'error');
    assert.match(f?.fix ?? '', /clawgate config set channels\.telegram\.botToken/);
  });

  test("Telegram's 409 (another poller) is retried a bounded number of times, then reported as a conflict", async () => {
    const tg = await startFakeTelegram({ mode: 'conflict' });
    const ag = await gatewayWith(tg);
    const budget = CONFLICT_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    const row = await waitForState(ag, 'conflict', budget + 8000);
    assert.match(row.lastError ?? '', /409/);
    assert.match(row.fix ?? '', /stop the other program using this bot token/);
    const polls = tg.count('getUpdates');
    assert.equal(polls, CONFLICT_RETRY_DELAYS_MS.length + 1);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(tg.count('getUpdates'), polls, 'no polling after the conflict is reported');
  });

  test('DP-SECOND-INSTANCE (one poller per bot token): a second gateway with the same token is refused with a named conflict', async () => {
    const tg = await startFakeTelegram();
    const first = await gatewayWith(tg);
    await waitForState(first, 'running', 10_000);
    const second = await gatewayWith(tg);
    const row = await waitForState(second, 'conflict', 5000);
    assert.match(row.lastError ?? '', new RegExp(`another gateway already polls this bot token .*pid ${first.gw.child.pid}, state dir ${first.stateDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.equal(tg.count('getMe'), 1, 'the refused gateway never called Telegram');
    assert.equal((await channelRow(first)).state, 'running', 'the first keeps polling');
    // Once the first stops, its lock is gone: a new start polls.
    await first.stop();
    started.splice(started.findIndex((s) => s.ag === first), 1);
    await second.restart();
    await waitForState(second, 'running', 10_000);
  });
});
