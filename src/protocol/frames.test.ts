import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClawgateError, ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';
import { errorResponse, eventFrame, eventFrameOf, fromErrorShape, okResponse, responseFrame, toErrorShape } from './frames.js';

const INTERNAL = { code: 'UNAVAILABLE', message: 'internal error', details: { code: 'INTERNAL' } };

test('toErrorShape never leaks the text of anything that is not a ClawgateError', () => {
  const secretish = 'SQLITE_CORRUPT at /home/me/.clawgate/state.db token=abc123';
  class LookAlike extends Error {
    code = 'FORBIDDEN';
    details = { code: 'FORBIDDEN' };
  }
  const fake = new Error(secretish);
  fake.name = 'ClawgateError';
  for (const thrown of [new Error(secretish), new TypeError(secretish), new LookAlike(secretish), fake, secretish, { code: 'FORBIDDEN', message: secretish }, undefined, null, 42]) {
    const shape = toErrorShape(thrown);
    assert.deepEqual(shape, INTERNAL, String(thrown));
    assert.ok(!JSON.stringify(shape).includes('abc123'));
  }
});

test('a ClawgateError maps to exactly code, message and details (with the stable code)', () => {
  const shape = toErrorShape(new ClawgateError('PAIRING_REQUIRED', 'pairing required: run clawgate devices approve 01d2', { requestId: '01d2' }));
  assert.deepEqual(Object.keys(shape), ['code', 'message', 'details']);
  assert.deepEqual(shape, { code: 'NOT_PAIRED', message: 'pairing required: run clawgate devices approve 01d2', details: { requestId: '01d2', code: 'PAIRING_REQUIRED' } });
});

test('details.code is always the catalogue code, even when details carried a "code"', () => {
  const shape = toErrorShape(new ClawgateError('FORBIDDEN', 'no', { code: 'SOMETHING_ELSE' }));
  assert.deepEqual(shape.details, { code: 'FORBIDDEN' });
});

test('retryable comes from the catalogue: set on exactly the codes marked retryable, absent on the others', () => {
  for (const [code, entry] of Object.entries(ERROR_CATALOGUE) as [ErrorCode, { retryable?: boolean }][]) {
    const shape = toErrorShape(new ClawgateError(code, 'x'));
    if (entry.retryable === true) assert.equal(shape.retryable, true, code);
    else assert.equal('retryable' in shape, false, code);
  }
  assert.equal(toErrorShape(new ClawgateError('PROVIDER_OVERLOADED', 'busy')).retryable, true);
  assert.equal('retryable' in toErrorShape(new ClawgateError('PROVIDER_AUTH', 'bad key')), false);
});

test('rate limits are retryable and carry a whole retryAfterMs; a negative delay is dropped', () => {
  const limited = toErrorShape(new ClawgateError('AUTH_RATE_LIMITED', 'too many attempts', { retryAfterMs: 1500.2 }));
  assert.deepEqual(Object.keys(limited).sort(), ['code', 'details', 'message', 'retryAfterMs', 'retryable']);
  assert.equal(limited.retryable, true);
  assert.equal(limited.retryAfterMs, 1501);
  const rate = toErrorShape(new ClawgateError('RATE_LIMITED', 'slow down'));
  assert.equal(rate.retryable, true);
  assert.equal('retryAfterMs' in rate, false);
  const other = toErrorShape(new ClawgateError('FORBIDDEN', 'no', { retryAfterMs: -1 }));
  assert.equal('retryable' in other, false);
  assert.equal('retryAfterMs' in other, false, 'a negative delay is dropped');
});

test('frames built by the helpers have exactly the documented keys and pass the frame schemas', () => {
  assert.deepEqual(okResponse('1', { a: 1 }), { type: 'res', id: '1', ok: true, payload: { a: 1 } });
  assert.deepEqual(Object.keys(okResponse('1', undefined)), ['type', 'id', 'ok']);
  const err = errorResponse('2', toErrorShape(new Error('x')));
  assert.deepEqual(Object.keys(err), ['type', 'id', 'ok', 'error']);
  assert.equal(responseFrame.check(err), true);
  assert.equal(responseFrame.check(errorResponse('3', toErrorShape(new ClawgateError('AUTH_RATE_LIMITED', 'wait', { retryAfterMs: 10 })))), true);
  assert.deepEqual(eventFrameOf('tick', undefined), { type: 'event', event: 'tick' });
  assert.deepEqual(eventFrameOf('presence', { n: 1 }, 7), { type: 'event', event: 'presence', payload: { n: 1 }, seq: 7 });
  assert.equal(eventFrame.check(eventFrameOf('presence', { n: 1 }, 7)), true);
  assert.equal(responseFrame.check({ type: 'res', id: '1', ok: true, extra: 1 }), false, 'no extra keys');
});

test('fromErrorShape restores the stable code and keeps the wire code; unknown codes fall back by wire code', () => {
  const original = new ClawgateError('SCOPE_ESCALATION', 'beyond', { missing: ['operator.admin'] });
  const back = fromErrorShape(toErrorShape(original));
  assert.equal(back.code, 'SCOPE_ESCALATION');
  assert.equal(back.message, 'beyond');
  assert.deepEqual(back.details, { missing: ['operator.admin'], code: 'SCOPE_ESCALATION', wireCode: 'INVALID_REQUEST' });
  assert.equal(fromErrorShape({ code: 'NOT_PAIRED', message: 'm' }).code, 'PAIRING_REQUIRED');
  assert.equal(fromErrorShape({ code: 'UNAVAILABLE', message: 'm', details: { code: 'NOT_A_CODE' } }).code, 'RATE_LIMITED');
  assert.equal(fromErrorShape({ code: 'INVALID_REQUEST', message: 'm', details: 'str' }).code, 'INVALID_PARAMS');
  assert.equal(fromErrorShape({ code: 'INVALID_REQUEST', message: 'm', details: { code: 'toString' } }).code, 'INVALID_PARAMS', 'inherited names are not codes');
});
