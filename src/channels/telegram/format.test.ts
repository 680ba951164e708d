import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkText, escapeHtml, markdownToTelegramHtml, TELEGRAM_CHUNK_CHARS } from './format.js';

test('HTML: &, < and > are escaped; **bold**, `code` and ```blocks``` are converted', () => {
  assert.equal(escapeHtml('a < b && c > d'), 'a &lt; b &amp;&amp; c &gt; d');
  assert.equal(markdownToTelegramHtml('**hi** <x> `a<b>` **`c`**'), '<b>hi</b> &lt;x&gt; <code>a&lt;b&gt;</code> **<code>c</code>**');
  assert.equal(markdownToTelegramHtml('see:\n```ts\nconst a = 1 < 2;\n```\ndone'), 'see:\n<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>\ndone');
  assert.equal(markdownToTelegramHtml('```\n**not bold**\n```'), '<pre>**not bold**</pre>');
  assert.equal(markdownToTelegramHtml('unbalanced ** and ` stay'), 'unbalanced ** and ` stay');
});

test('chunks are at most 4,000 characters, cut at line breaks or spaces when possible, and lose nothing', () => {
  assert.deepEqual(chunkText('short'), ['short']);
  assert.deepEqual(chunkText(''), ['']);
  const flat = 'y'.repeat(9000);
  assert.deepEqual(chunkText(flat).map((c) => c.length), [4000, 4000, 1000]);
  const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${'z'.repeat(30)}`).join('\n');
  const chunks = chunkText(lines);
  assert.ok(chunks.every((c) => c.length <= TELEGRAM_CHUNK_CHARS));
  assert.ok(chunks.slice(0, -1).every((c) => c.endsWith('\n')), 'cut after a line break');
  assert.equal(chunks.join(''), lines);
  const emoji = 'a' + '😀'.repeat(2500);
  assert.equal(chunkText(emoji).join(''), emoji);
  assert.ok(chunkText(emoji).every((c) => !/[\ud800-\udbff]$/.test(c)), 'no split surrogate pair');
});
