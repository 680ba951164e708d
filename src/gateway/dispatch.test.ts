import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { pino } from 'pino';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { ResponseFrame } from '../protocol/frames.js';
import { defineMethod, implement, type CallInfo, type MethodImpl } from '../protocol/methods/define.js';
import { buildMethodTable } from '../rpc/method-table.js';
import type { Session } from './connection-state.js';
import { callerOf, dispatch } from './dispatch.js';

const echo = defineMethod({
  name: 'test.echo',
  summary: 'echo',
  params: Type.Object({ text: Type.String({ maxLength: 10 }) }, { additionalProperties: false }),
  result: Type.Object({ text: Type.String() }),
  scope: 'operator.read',
});
const admin = defineMethod({ name: 'test.admin', summary: 'admin only', params: Type.Union([Type.Undefined(), Type.Object({})]), result: Type.Object({ ok: Type.Boolean() }), scope: 'operator.admin' });
const nodeOnly = defineMethod({ name: 'test.node', summary: 'node role', params: Type.Union([Type.Undefined(), Type.Object({})]), result: Type.Object({}), scope: null, roles: ['node'] });
const liar = defineMethod({ name: 'test.liar', summary: 'wrong result', params: Type.Union([Type.Undefined(), Type.Object({})]), result: Type.Object({ n: Type.Number() }), scope: null });
const failing = defineMethod({ name: 'test.fail', summary: 'throws', params: Type.Object({ how: Type.String() }), result: Type.Object({}), scope: null });
const twoPhase = defineMethod({ name: 'test.later', summary: 'two responses', params: Type.Object({ fail: Type.Boolean() }), result: Type.Object({ phase: Type.String() }), scope: null });

function setup(scopes: readonly string[] = ['operator.read'], role = 'operator') {
  const calls: Array<{ params: unknown; call: CallInfo }> = [];
  const impls: MethodImpl[] = [
    implement(echo, (p, call) => {
      calls.push({ params: p, call });
      return { text: p.text };
    }),
    implement(admin, () => ({ ok: true })),
    implement(nodeOnly, () => ({})),
    implement(liar, () => ({ n: 'not a number' }) as unknown as { n: number }),
    implement(failing, (p) => {
      if (p.how === 'coded') throw new ClawgateError('UNKNOWN_SESSION', 'no such session');
      throw new Error('secret internals /home/x');
    }),
    implement(twoPhase, (p, call) => {
      call.respondLater(p.fail ? Promise.reject(new ClawgateError('RUN_TIMEOUT', 'too slow')) : Promise.resolve({ phase: 'final' }));
      return { phase: 'accepted' };
    }),
  ];
  const table = buildMethodTable([impls], new Map(impls.map((m) => [m.def.name, m.def])));
  const logged: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'error' }, new Writable({ write: (chunk, _e, cb) => (logged.push(JSON.parse(String(chunk))), cb()) }));
  const session = { connId: 'c-1', role, scopes, deviceId: 'abcdef0123456789ff', authMethod: 'device-token' } as unknown as Session;
  const later: ResponseFrame[] = [];
  const call = (method: string, params?: unknown) => dispatch(log, table, session, { type: 'req', id: 'r1', method, ...(params !== undefined ? { params } : {}) }, (r) => later.push(r));
  return { call, calls, later, logged };
}

const codeOf = (res: ResponseFrame) => (res.error?.details as { code?: string } | undefined)?.code;

/** Resolves once `n` second responses were sent (a few ticks after the first, however loaded the machine). */
async function laterCount(later: readonly unknown[], n: number): Promise<void> {
  for (let i = 0; later.length < n; i++) {
    if (i > 500) throw new Error(`only ${later.length} of ${n} second responses within 5 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the dispatcher checks, in order, before any handler runs', () => {
  test('connect after the handshake is CONNECT_REPEATED', async () => {
    assert.equal(codeOf(await setup().call('connect', {})), 'CONNECT_REPEATED');
  });
  test('an unknown method is UNKNOWN_METHOD, with the name bounded', async () => {
    const res = await setup().call('x'.repeat(500));
    assert.equal(codeOf(res), 'UNKNOWN_METHOD');
    assert.ok(res.error!.message.length < 150);
  });
  test('a method of another role is UNAUTHORIZED_ROLE', async () => {
    assert.equal(codeOf(await setup().call('test.node')), 'UNAUTHORIZED_ROLE');
  });
  test('a scope the session lacks is MISSING_SCOPE, naming the scope', async () => {
    const res = await setup(['operator.write']).call('test.admin');
    assert.equal(codeOf(res), 'MISSING_SCOPE');
    assert.equal((res.error!.details as { scope?: string }).scope, 'operator.admin');
  });
  test('the scope lattice applies: operator.write implies operator.read, admin implies all', async () => {
    assert.equal((await setup(['operator.write']).call('test.echo', { text: 'hi' })).ok, true);
    assert.equal((await setup(['operator.admin']).call('test.admin')).ok, true);
  });
  test('params that fail the schema are INVALID_PARAMS and the handler never sees them', async () => {
    const s = setup();
    assert.equal(codeOf(await s.call('test.echo', { text: 'x'.repeat(11) })), 'INVALID_PARAMS');
    assert.equal(codeOf(await s.call('test.echo', { text: 'hi', extra: 1 })), 'INVALID_PARAMS');
    assert.equal(codeOf(await s.call('test.echo')), 'INVALID_PARAMS');
    assert.equal(s.calls.length, 0);
  });
});

describe('handlers', () => {
  test('get validated params and the caller, with its audit label', async () => {
    const s = setup(['operator.read']);
    const res = await s.call('test.echo', { text: 'hi' });
    assert.deepEqual(res, { type: 'res', id: 'r1', ok: true, payload: { text: 'hi' } });
    assert.deepEqual(s.calls[0]!.call.caller, { connId: 'c-1', role: 'operator', scopes: ['operator.read'], deviceId: 'abcdef0123456789ff', label: 'rpc:abcdef012345' });
  });
  test('a device-less caller is labelled by how it authenticated', () => {
    const caller = callerOf({ connId: 'c', role: 'operator', scopes: [], deviceId: undefined, authMethod: 'gateway-token' } as unknown as Session);
    assert.equal(caller.label, 'rpc:gateway-token');
  });
  test('a result that breaks its schema is INTERNAL on the wire and logged with the problems', async () => {
    const s = setup();
    const res = await s.call('test.liar');
    assert.equal(codeOf(res), 'INTERNAL');
    assert.equal(s.logged[0]!['msg'], 'handler result does not match its schema');
  });
  test('a catalogue error keeps its code; any other error is INTERNAL, logged, and its text never reaches the wire', async () => {
    const s = setup();
    assert.equal(codeOf(await s.call('test.fail', { how: 'coded' })), 'UNKNOWN_SESSION');
    const res = await s.call('test.fail', { how: 'raw' });
    assert.equal(codeOf(res), 'INTERNAL');
    assert.ok(!JSON.stringify(res).includes('/home/x'));
    assert.equal(s.logged.length, 1);
  });
  test('respondLater sends a second response with the same id after the first, mapped like any result', async () => {
    const s = setup();
    const first = await s.call('test.later', { fail: false });
    assert.deepEqual(first.payload, { phase: 'accepted' });
    assert.equal(s.later.length, 0, 'the final response never overtakes the first');
    await laterCount(s.later, 1);
    assert.deepEqual(s.later, [{ type: 'res', id: 'r1', ok: true, payload: { phase: 'final' } }]);
    await s.call('test.later', { fail: true });
    await laterCount(s.later, 2);
    assert.equal(codeOf(s.later[1]!), 'RUN_TIMEOUT');
  });
});

describe('the method table', () => {
  const impl = implement(echo, (p) => ({ text: p.text }));
  test('refuses a method bound twice, one outside the list, and a definition without a handler', () => {
    assert.throws(() => buildMethodTable([[impl, impl]], new Map([[echo.name, echo]])), /bound twice/);
    assert.throws(() => buildMethodTable([[impl]], new Map()), /not in the method list/);
    assert.throws(() => buildMethodTable([[]], new Map([[echo.name, echo]])), /has no handler/);
  });
});
