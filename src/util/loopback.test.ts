import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackAddress, isLoopbackHostname } from './loopback.js';

test('isLoopbackAddress: IP literals in 127.0.0.0/8 and ::1 (IPv4-mapped included), never a name', () => {
  for (const a of ['127.0.0.1', '127.255.255.254', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::FFFF:127.9.9.9', '::ffff:7f00:1']) {
    assert.equal(isLoopbackAddress(a), true, a);
  }
  for (const a of [undefined, '', '128.0.0.1', '10.0.0.1', '0.0.0.0', '::', '::2', '::ffff:10.0.0.1', '127.evil.example', '127.0.0.1.evil.example', '127.', '127', 'localhost', '[::1]']) {
    assert.equal(isLoopbackAddress(a), false, String(a));
  }
});

test('isLoopbackHostname: exactly localhost, a loopback IPv4 literal, or a loopback IPv6 literal (bracketed or not)', () => {
  for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '127.0.0.2', '::1', '[::1]', '[::ffff:7f00:1]', '[::ffff:127.0.0.1]']) {
    assert.equal(isLoopbackHostname(h), true, h);
  }
  for (const h of ['', 'localhost.', 'localhost.evil.example', 'evil-localhost', '127.evil.example', '127.0.0.1.evil.example', '127.0.0.1.nip.io', '[127.0.0.1]', '[::2]', '[::ffff:10.0.0.1]', '[::1', 'evil.example']) {
    assert.equal(isLoopbackHostname(h), false, h);
  }
});
