import { GATEWAY_TOKEN_ENV, tokenSourceFix } from '../../auth/gateway-token.js';
import { tokenWeakness } from '../../auth/token-strength.js';
import { fingerprintOf } from '../../auth/secret.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import type { DoctorContext } from '../context.js';
import type { CheckOutcome, DoctorCheck, DraftFinding } from '../types.js';
import { finding } from '../types.js';

const AUTH_REFUSALS = new Set(['AUTH_TOKEN_MISMATCH', 'AUTH_TOKEN_MISSING']);

/**
 * The gateway's strength rule (auth/token-strength) applied to the config's token (what a gateway started
 * from this config uses) and to this CLI's own token when it comes from elsewhere (env, flag).
 */
function weakTokens(ctx: DoctorContext): DraftFinding[] {
  if (ctx.gateway().authMode !== 'token') return [];
  const out: DraftFinding[] = [];
  const configToken = ctx.config().config.gateway?.auth?.token;
  const configWeakness = configToken === undefined ? undefined : tokenWeakness(configToken);
  if (configToken !== undefined && configWeakness) {
    out.push(finding('gateway-token-weak', 'error', `gateway.auth.token in ${ctx.paths.configPath} (${fingerprintOf(configToken)}) is unsafe: ${configWeakness}; the gateway refuses to start with it`, 'clawgate gateway token rotate'));
  }
  const mine = ctx.cliToken();
  const mineWeakness = mine.secret && mine.source !== 'config' ? tokenWeakness(mine.secret.reveal()) : undefined;
  if (mine.secret && mineWeakness) {
    out.push(finding('gateway-token-weak', 'error', `the gateway token from ${mine.source === 'env' ? GATEWAY_TOKEN_ENV : '--token'} (${mine.secret.fingerprint}) is unsafe: ${mineWeakness}; a gateway given it refuses to start`, mine.source === 'env' ? `set ${GATEWAY_TOKEN_ENV} to a strong token (clawgate gateway token rotate, then clawgate gateway token show --show-secret), or unset it` : 'pass a strong token, or drop --token'));
  }
  return out;
}

/**
 * gateway-token: this CLI's gateway token and its provenance (the one resolver), and, when the gateway is
 * reachable, drift against the gateway's own token fingerprint from `status`. Values are never printed.
 */
export const gatewayToken: DoctorCheck = {
  id: 'gateway-token',
  async run(ctx) {
    try {
      ctx.cliToken();
    } catch (err) {
      // A pasted placeholder is the whole story: it is no token, so there is nothing to compare.
      if (err instanceof ClawgateError && err.code === 'SECRET_IS_PLACEHOLDER') {
        const fix = err.details['source'] === 'config' ? 'clawgate gateway token rotate' : err.details['source'] === 'env' ? `unset ${GATEWAY_TOKEN_ENV}` : 'drop --token';
        return { summary: 'this CLI\'s gateway token is a redacted placeholder', findings: [finding('gateway-token-placeholder', 'error', err.message, fix)] };
      }
      throw err;
    }
    const outcome = await compare(ctx);
    return { summary: outcome.summary, findings: [...weakTokens(ctx), ...outcome.findings] };
  },
};

/** This CLI's token against the running gateway's. */
async function compare(ctx: DoctorContext): Promise<CheckOutcome> {
  const mode = ctx.gateway().authMode;
  const mine = ctx.cliToken();
  const configToken = ctx.config().config.gateway?.auth?.token?.trim();
  const shadow = mine.source !== 'config' && mine.secret && configToken ? ` (it overrides the config's token)` : '';
  const view = mine.secret ? `this CLI uses ${mine.secret.fingerprint} from ${mine.source}${shadow}` : 'this CLI has no gateway token';
  const st = await ctx.gatewayStatus();
  if (st.state === 'ok') {
    const theirs = st.status.auth.token;
    if (st.status.auth.mode === 'none') return { summary: `auth mode none on the gateway; ${view}`, findings: [] };
    if (theirs.fingerprint && mine.secret && theirs.fingerprint !== mine.secret.fingerprint) {
      return {
        summary: view,
        findings: [finding('gateway-token-drift', 'error', `the gateway uses token ${theirs.fingerprint} (from ${theirs.source}) but this CLI would send ${mine.secret.fingerprint} (from ${mine.source})`, tokenSourceFix(mine.source, ctx.paths.configPath))],
      };
    }
    if (!mine.secret) {
      return { summary: view, findings: [finding('gateway-token-missing', 'warn', `the gateway uses token ${theirs.fingerprint ?? '(unknown)'} (from ${theirs.source}); this CLI has none and relies on its device token`, `export ${GATEWAY_TOKEN_ENV} with the gateway's token, or set gateway.auth.token in ${ctx.paths.configPath}`)] };
    }
    return { summary: `${view}; matches the gateway's (from ${theirs.source})`, findings: [] };
  }
  if (st.state === 'failed' && AUTH_REFUSALS.has(st.error.code) && mine.secret) {
    return {
      summary: view,
      findings: [finding('gateway-token-drift', 'error', `the gateway refused this CLI's token ${mine.secret.fingerprint} (from ${mine.source}): it uses another one`, tokenSourceFix(mine.source, ctx.paths.configPath))],
    };
  }
  const why = st.state === 'failed' ? `the gateway refused this CLI (${st.error.code}); cannot compare` : `${st.reason}; cannot compare with the gateway`;
  if (mode === 'token' && !mine.secret) {
    const running = (await ctx.healthz()).clawgate;
    return {
      summary: `${view}; ${why}`,
      findings: [
        running
          ? finding('gateway-token-missing', 'error', 'auth mode is token but this CLI has no gateway token (no --token, no env, none in config)', `export ${GATEWAY_TOKEN_ENV} with the gateway's token, or set gateway.auth.token in ${ctx.paths.configPath}`)
          : finding('gateway-token-missing', 'info', 'auth mode is token and no token is set yet; the gateway generates one into config on first start', 'clawgate gateway run'),
      ],
    };
  }
  return { summary: mode === 'none' ? `auth mode none; ${view}` : `${view}; ${why}`, findings: [] };
}
