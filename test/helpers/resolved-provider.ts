import { Secret } from '../../src/auth/secret.js';
import type { ProviderApi, ResolvedProvider } from '../../src/agents/types.js';

/** A resolved provider for tests: key given as plain text (undefined for none), short request timeout. */
export function resolvedProvider(
  api: ProviderApi,
  baseUrl: string | undefined,
  over: Partial<Omit<ResolvedProvider, 'apiKey'>> & { key?: string | undefined } = {},
): ResolvedProvider {
  const { key: given, ...rest } = over;
  // An explicit `key: undefined` means no key; leaving it out means the default test key.
  const key = 'key' in over ? given : 'sk-test-key-0001';
  return {
    id: api === 'openai-completions' ? 'local' : 'claude',
    api,
    baseUrl,
    apiKey: key === undefined ? undefined : new Secret(key),
    keySource: key === undefined ? 'none' : 'config',
    headers: {},
    requestTimeoutMs: 5_000,
    models: [],
    ...rest,
  };
}
