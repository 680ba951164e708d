import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METHODS } from '../protocol/methods/index.js';
import { buildMethodTable } from '../rpc/method-table.js';
import { domainMethods, type DomainDeps } from '../rpc/domain-methods.js';
import type { GatewayContext } from './context.js';
import { gatewayInfoMethods } from './methods/gateway-info.js';

test('the gateway serves every defined method exactly once (factories touch their deps only when called)', () => {
  const table = buildMethodTable([gatewayInfoMethods({} as GatewayContext), ...domainMethods({} as DomainDeps)]);
  assert.deepEqual([...table.keys()].sort(), [...METHODS.keys()].sort());
  for (const name of ['health', 'device.pair.approve', 'chat.send', 'cron.run', 'channel.pairing.approve', 'logs.tail']) assert.ok(table.has(name), name);
});
