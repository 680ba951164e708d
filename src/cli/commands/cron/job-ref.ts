import type { GatewayClient } from '../../../client/gateway-client.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { cronList } from '../../../protocol/methods/cron.js';

/**
 * The full id of the job `ref` names: an id, or a unique prefix of one (tables show 8 characters). An
 * unknown ref is passed on as is (the gateway answers UNKNOWN_CRON_JOB; a removed job still has runs).
 */
export async function resolveJobId(client: GatewayClient, ref: string): Promise<string> {
  const { jobs } = await client.call(cronList, { includeDisabled: true });
  if (jobs.some((j) => j.id === ref)) return ref;
  const matches = jobs.filter((j) => j.id.startsWith(ref));
  if (matches.length > 1) throw new ClawgateError('AMBIGUOUS_ID', `"${ref}" matches ${matches.length} cron jobs; give more characters of the id`);
  return matches[0]?.id ?? ref;
}
