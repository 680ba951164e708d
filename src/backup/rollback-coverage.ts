import type { StoreSnapshot } from './store-snapshot.js';

/**
 * Every table of state.db and the snapshot field (and so the diff section) that reports its rollback. A
 * restore replaces the whole store, so a table missing here would roll back without a word:
 * rollback-coverage.test.ts fails when a migration adds a table that is not listed.
 */
export const ROLLBACK_COVERAGE: Readonly<Record<string, keyof Omit<StoreSnapshot, 'schemaVersion'>>> = {
  devices: 'devices',
  device_tokens: 'tokens',
  retired_device_tokens: 'retiredTokens',
  pending_requests: 'pending',
  sessions: 'sessions',
  messages: 'sessions',
  provider_states: 'providerStates',
  cron_jobs: 'cronJobs',
  cron_runs: 'cronRuns',
  system_events: 'systemEvents',
  channel_pairing_requests: 'channelCodes',
  channel_allowed_senders: 'channelSenders',
  exec_allowlist: 'execAllowlist',
  exec_approvals: 'execApprovals',
  audit_events: 'audit',
};
