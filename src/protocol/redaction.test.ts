import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRedactedPlaceholder, REDACTED, redactedWith } from './redaction.js';

test('every shape clawgate prints in place of a secret is recognised as a placeholder', () => {
  for (const shown of [REDACTED, redactedWith('43 chars'), 'sk-[redacted]', 'Bearer [redacted]', ' [redacted 12 chars] ', '[REDACTED]']) {
    assert.ok(isRedactedPlaceholder(shown), shown);
  }
});

test('real credentials and ordinary words are never placeholders', () => {
  for (const real of ['Qm9fY2xhd2dhdGVfdGVzdF90b2tlbl8wMTIzNDU2Nzg5', 'sk-proj-abc123', 'redacted', '[redact]', '123456:ABC-DEF_telegram', '', undefined]) {
    assert.equal(isRedactedPlaceholder(real), false, String(real));
  }
});

test('a placeholder can never be a valid token: brackets are outside the token alphabet', () => {
  assert.doesNotMatch(redactedWith('43 chars'), /^[A-Za-z0-9_-]+$/);
});
