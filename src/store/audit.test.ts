import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';

test('audit: append-only ids, after/lastId/ofKind, detail JSON round trip', (t) => {
  const store = tempStore(t);
  assert.equal(store.audit.lastId(), 0);
  assert.deepEqual(store.audit.after(0), []);
  const id1 = store.audit.append({ tsMs: 1, kind: 'pairing.requested', deviceId: 'd1', requestId: 'r1', role: 'operator', actor: 'gateway', reason: 'not-paired', detail: { scopes: ['operator.read'], locality: 'remote' } });
  const id2 = store.audit.append({ tsMs: 2, kind: 'auth.failed', actor: 'gateway' });
  const id3 = store.audit.append({ tsMs: 3, kind: 'pairing.requested', deviceId: 'd2', actor: 'rpc:abc' });
  assert.deepEqual([id1, id2, id3], [1, 2, 3]);
  assert.equal(store.audit.lastId(), 3);
  assert.deepEqual(store.audit.after(0)[0], {
    id: 1,
    tsMs: 1,
    kind: 'pairing.requested',
    deviceId: 'd1',
    requestId: 'r1',
    role: 'operator',
    actor: 'gateway',
    reason: 'not-paired',
    detail: { scopes: ['operator.read'], locality: 'remote' },
  });
  const bare = store.audit.after(1, 1);
  assert.equal(bare.length, 1, 'limit applies');
  assert.deepEqual(bare[0], { id: 2, tsMs: 2, kind: 'auth.failed', deviceId: undefined, requestId: undefined, role: undefined, actor: 'gateway', reason: undefined, detail: undefined });
  assert.deepEqual(store.audit.ofKind('pairing.requested').map((e) => e.id), [1, 3]);
  assert.deepEqual(store.audit.ofKind('token.minted'), []);
});
