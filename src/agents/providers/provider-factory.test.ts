import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAnthropic } from '../../../test/helpers/fake-anthropic.js';
import { startFakeOpenAi } from '../../../test/helpers/fake-openai.js';
import { resolvedProvider } from '../../../test/helpers/resolved-provider.js';
import { clearProviderCache, createProvider } from './provider-factory.js';

test('createProvider builds the provider of the configured api, and it answers', async (t) => {
  clearProviderCache();
  const oa = await startFakeOpenAi();
  const an = await startFakeAnthropic();
  t.after(() => Promise.all([oa.close(), an.close()]));
  for (const [api, url] of [['openai-completions', oa.url], ['anthropic-messages', an.url]] as const) {
    const provider = await createProvider(resolvedProvider(api, url));
    assert.equal(provider.api, api);
    let text = '';
    for await (const ev of provider.stream({ model: 'm', messages: [{ role: 'user', text: 'hello' }], tools: [], signal: new AbortController().signal })) {
      if (ev.type === 'done') text = ev.text;
    }
    assert.equal(text, 'echo: hello', api);
  }
});

test('providers are cached per id, key and base URL', async () => {
  clearProviderCache();
  const p = resolvedProvider('openai-completions', 'http://127.0.0.1:9/v1');
  const first = await createProvider(p);
  assert.equal(await createProvider({ ...p }), first, 'same resolution, same instance');
  assert.notEqual(await createProvider(resolvedProvider('openai-completions', 'http://127.0.0.1:9/v1', { key: 'sk-other-key' })), first, 'new key');
  const third = await createProvider(resolvedProvider('openai-completions', 'http://127.0.0.1:10/v1'));
  assert.notEqual(third, first, 'new base URL');
  assert.notEqual(await createProvider({ ...p, id: 'other' }), third, 'other id');
});
