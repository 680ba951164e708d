import { fingerprintOf } from '../../auth/secret.js';
import type { ModelProvider, ResolvedProvider } from '../types.js';

interface CacheEntry {
  readonly key: string;
  readonly provider: Promise<ModelProvider>;
}

/** One entry per provider id: a changed key, URL or header replaces it, so the cache stays as small as the config. */
const cache = new Map<string, CacheEntry>();

/**
 * The ModelProvider for a resolved provider. The SDK module is imported on first use only, so the CLI
 * bundle never loads either SDK at start-up; instances are reused while key, base URL and options stay.
 */
export function createProvider(p: ResolvedProvider): Promise<ModelProvider> {
  const key = cacheKey(p);
  const hit = cache.get(p.id);
  if (hit && hit.key === key) return hit.provider;
  const provider = load(p);
  cache.set(p.id, { key, provider });
  // A failed import must not stick: the next call tries again.
  provider.catch(() => {
    if (cache.get(p.id)?.provider === provider) cache.delete(p.id);
  });
  return provider;
}

/** Forget every cached provider (tests, config reload). */
export function clearProviderCache(): void {
  cache.clear();
}

async function load(p: ResolvedProvider): Promise<ModelProvider> {
  switch (p.api) {
    case 'openai-completions':
      return (await import('./openai-completions.js')).createOpenAiProvider(p);
    case 'anthropic-messages':
      return (await import('./anthropic-messages.js')).createAnthropicProvider(p);
  }
}

/** What makes two resolutions of one provider interchangeable; header values may be secret, so hashed. */
function cacheKey(p: ResolvedProvider): string {
  const options = JSON.stringify([p.api, p.baseUrl ?? '', p.requestTimeoutMs, Object.entries(p.headers).sort()]);
  return `${p.apiKey?.fingerprint ?? 'none'}|${fingerprintOf(options)}`;
}
