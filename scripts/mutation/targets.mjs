// The modules `npm run test:mutation` mutates, each with the focused test files (compiled, under dist/) that
// run against its mutants. Only these files run for a mutant of that module, so one mutant costs a few
// seconds, not a suite run. Most security-relevant first.
export const TARGETS = {
  'src/gateway/origin.ts': ['dist/src/gateway/origin.test.js', 'dist/src/gateway/locality.test.js'],
  'src/gateway/locality.ts': ['dist/src/gateway/locality.test.js'],
  'src/auth/tokens.ts': ['dist/src/auth/tokens.test.js', 'dist/src/auth/gateway-token.test.js', 'dist/src/pairing/device-token-verdict.test.js'],
  'src/pairing/scope-lattice.ts': ['dist/src/pairing/scope-lattice.test.js'],
  'src/pairing/policy.ts': ['dist/src/pairing/policy.test.js'],
  'src/pairing/authorize-device.ts': ['dist/src/pairing/authorize-device.test.js'],
  // perform-handshake.test calls performHandshake directly (milliseconds a case); handshake.test runs the wire
  // protocol around it on an in-process gateway. The gateway-level refusal, limit and origin tests (each ~1 s
  // of startup, and mutants that hang them time out) stay in the suite only.
  'src/gateway/handshake.ts': ['dist/src/gateway/perform-handshake.test.js', 'dist/src/gateway/handshake.test.js'],
  'src/pairing/operations.ts': ['dist/src/pairing/operations.test.js'],
  'src/auth/token-strength.ts': ['dist/src/auth/token-strength.test.js'],
  'src/auth/rate-limit.ts': ['dist/src/auth/rate-limit.test.js'],
  'src/cron/claim.ts': ['dist/src/cron/claim.test.js'],
  'src/approvals/decision.ts': ['dist/src/approvals/decision.test.js'],
  'src/approvals/allowlist-match.ts': ['dist/src/approvals/allowlist-match.test.js'],
  'src/agents/workspace/confine.ts': ['dist/src/agents/workspace/confine.test.js'],
};

/** The compiled file tsc writes for a source file. */
export function compiledOf(source) {
  return `dist/${source.replace(/\.ts$/, '.js')}`;
}
