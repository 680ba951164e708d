import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_KINDS, LOCALITIES, POLICY_TABLE, PROOFS, REASONS, decide, type ClientKind, type Decision, type Locality, type PairingReason, type Proof } from './policy.js';

// SU-LOCAL-AUTOAPPROVE-POLICY: the expectations below are written independently of policy.ts, as
// DESIGN.md states them; every cell of the declared table is walked and must match.
function expected(l: Locality, r: PairingReason, p: Proof, k: ClientKind, optIn: boolean): Decision {
  if (r === 'none') return 'pass';
  if (k === 'browser' && r === 'role-upgrade') return 'refuse';
  if (p === 'bootstrap-code') return 'auto-approve';
  if (l === 'loopback-direct') return p === 'gateway-token' ? 'auto-approve' : 'pending';
  if (p === 'gateway-token' && k === 'other' && optIn) return 'auto-approve';
  return 'pending';
}

test('SU-LOCAL-AUTOAPPROVE-POLICY: every cell is declared and matches the design', () => {
  let cells = 0;
  for (const l of LOCALITIES)
    for (const r of REASONS)
      for (const p of PROOFS)
        for (const k of CLIENT_KINDS) {
          const cell = POLICY_TABLE[l]?.[r]?.[p]?.[k];
          assert.ok(cell !== undefined, `no declared decision for ${l} x ${r} x ${p} x ${k}`);
          for (const optIn of [false, true]) {
            assert.equal(decide(l, r, p, k, { autoApproveRemoteWithToken: optIn }), expected(l, r, p, k, optIn), `${l} x ${r} x ${p} x ${k} (optIn=${optIn})`);
          }
          cells++;
        }
  assert.equal(cells, 3 * 5 * 3 * 2);
});

test('forwarded loopback is never treated as local', () => {
  for (const r of REASONS.filter((x) => x !== 'none')) {
    assert.notEqual(decide('loopback-forwarded', r, 'gateway-token', 'other', { autoApproveRemoteWithToken: false }), 'auto-approve');
  }
});
