import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideByPolicy, type PolicyVerdict } from './decision.js';
import type { ExecPolicy } from './types.js';

type Security = ExecPolicy['security'];
type Ask = ExecPolicy['ask'];

const ALLOW_FULL: PolicyVerdict = { kind: 'allow', how: 'security-full' };
const ASK: PolicyVerdict = { kind: 'ask' };

/** [security, ask, on the allowlist?, verdict kind and how]: every cell of the policy table. */
const TABLE: ReadonlyArray<[Security, Ask, boolean, string]> = [
  ['deny', 'off', false, 'refuse security-deny'],
  ['deny', 'off', true, 'refuse security-deny'],
  ['deny', 'on-miss', false, 'refuse security-deny'],
  ['deny', 'on-miss', true, 'refuse security-deny'],
  ['deny', 'always', false, 'refuse security-deny'],
  ['deny', 'always', true, 'refuse security-deny'],
  ['allowlist', 'off', false, 'refuse ask-off-miss'],
  ['allowlist', 'off', true, 'allow allowlist'],
  ['allowlist', 'on-miss', false, 'ask'],
  ['allowlist', 'on-miss', true, 'allow allowlist'],
  ['allowlist', 'always', false, 'ask'],
  ['allowlist', 'always', true, 'ask'],
  ['full', 'off', false, 'allow security-full'],
  ['full', 'off', true, 'allow security-full'],
  ['full', 'on-miss', false, 'allow security-full'],
  ['full', 'on-miss', true, 'allow security-full'],
  ['full', 'always', false, 'ask'],
  ['full', 'always', true, 'ask'],
];

const summary = (v: PolicyVerdict) => (v.kind === 'ask' ? 'ask' : `${v.kind} ${v.how}`);

test('decideByPolicy: every cell of security x ask x allowlisted, the allowlist from config', () => {
  for (const [security, ask, listed, want] of TABLE) {
    const v = decideByPolicy({ security, ask, allowlist: listed ? ['git status *'] : ['ls *'] }, [], 'git status -s');
    assert.equal(summary(v), want, `${security}/${ask}/${listed ? 'listed' : 'miss'}`);
  }
});

test('decideByPolicy: the same table with the pattern stored (allow always) instead of configured', () => {
  for (const [security, ask, listed, want] of TABLE) {
    const v = decideByPolicy({ security, ask, allowlist: [] }, listed ? ['git status -s'] : [], 'git status -s');
    assert.equal(summary(v), want, `${security}/${ask}/${listed ? 'listed' : 'miss'}`);
  }
});

test('decideByPolicy: the matching pattern is named, config before stored; full mode names none', () => {
  assert.deepEqual(decideByPolicy({ security: 'allowlist', ask: 'on-miss', allowlist: ['git *'] }, ['git status'], 'git status'), { kind: 'allow', how: 'allowlist', pattern: 'git *' });
  assert.deepEqual(decideByPolicy({ security: 'allowlist', ask: 'on-miss', allowlist: ['ls'] }, ['git status'], 'git status'), { kind: 'allow', how: 'allowlist', pattern: 'git status' });
  assert.deepEqual(decideByPolicy({ security: 'allowlist', ask: 'always', allowlist: ['git *'] }, [], 'git status'), { kind: 'ask', pattern: 'git *' });
  assert.deepEqual(decideByPolicy({ security: 'full', ask: 'on-miss', allowlist: ['git *'] }, [], 'git status'), ALLOW_FULL);
  assert.deepEqual(decideByPolicy({ security: 'full', ask: 'always', allowlist: ['git *'] }, [], 'git status'), ASK);
  assert.deepEqual(decideByPolicy({ security: 'allowlist', ask: 'on-miss', allowlist: [] }, [], 'git status'), ASK);
});

test('decideByPolicy: a chained command is not covered by a wildcard, so it asks (or is refused with ask off)', () => {
  const chained = 'git status; rm -rf ~';
  assert.deepEqual(decideByPolicy({ security: 'allowlist', ask: 'on-miss', allowlist: ['git status *'] }, ['git status *'], chained), ASK);
  const off = decideByPolicy({ security: 'allowlist', ask: 'off', allowlist: ['git status *'] }, [], chained);
  assert.equal(summary(off), 'refuse ask-off-miss');
});

test('decideByPolicy: refusals say why and what to change', () => {
  const deny = decideByPolicy({ security: 'deny', ask: 'on-miss', allowlist: [] }, [], 'ls');
  assert.ok(deny.kind === 'refuse');
  assert.match(deny.reason, /tools\.exec\.security is deny/);
  const off = decideByPolicy({ security: 'allowlist', ask: 'off', allowlist: [] }, [], 'ls');
  assert.ok(off.kind === 'refuse');
  assert.match(off.reason, /clawgate approvals allowlist add/);
});
