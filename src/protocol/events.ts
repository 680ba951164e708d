/** Event names the gateway may emit (advertised in hello-ok.features.events). */
export const EVENT_NAMES = [
  'connect.challenge',
  'tick',
  'presence',
  'shutdown',
  'health',
  'device.pair.requested',
  'device.pair.resolved',
  'channel.pairing.requested',
  'channel.pairing.resolved',
  'exec.approval.requested',
  'exec.approval.resolved',
  'chat',
  'agent',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** Which scope an operator needs to receive an event; events absent here go to every operator. */
export const EVENT_SCOPES: Partial<Record<EventName, string>> = {
  'device.pair.requested': 'operator.pairing',
  'device.pair.resolved': 'operator.pairing',
  // A new DM pairing code (with the code, as channel.pairing.list shows it) and its approval or rejection.
  'channel.pairing.requested': 'operator.pairing',
  'channel.pairing.resolved': 'operator.pairing',
  // A command waiting for the owner (OpenClaw's names), and its outcome: for operators who may approve.
  'exec.approval.requested': 'operator.approvals',
  'exec.approval.resolved': 'operator.approvals',
  presence: 'operator.read',
  // Runs' text and tool activity: only for operators who may read sessions.
  chat: 'operator.read',
  agent: 'operator.read',
};

/** Close codes the gateway uses beyond RFC 6455's. */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  protocolMismatch: 1002,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  tickTimeout: 4000,
  /** The device's token for this role was rotated or revoked, or the device was removed. */
  credentialsChanged: 4001,
} as const;
