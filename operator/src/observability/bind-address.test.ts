import assert from 'node:assert/strict';
import { parseBindAddress, urlOf } from './bind-address.ts';

describe('bind addresses', () => {
  it('reads host:port, :port, [ipv6]:port and 0 the way controller-runtime does', () => {
    assert.deepEqual(parseBindAddress(':8443'), { host: '0.0.0.0', port: 8443 });
    assert.deepEqual(parseBindAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseBindAddress('[::1]:8081'), { host: '::1', port: 8081 });
    assert.equal(parseBindAddress('0'), undefined);
  });

  it('refuses anything else with one readable message', () => {
    for (const bad of ['8080', 'localhost', ':99999', 'a:b', '::1:80', ' : 80', '']) assert.throws(() => parseBindAddress(bad), /must be host:port, :port/, bad);
  });

  it('prints a URL a person can open', () => {
    assert.equal(urlOf('https', '0.0.0.0', 8443), 'https://127.0.0.1:8443');
    assert.equal(urlOf('http', '::1', 8081), 'http://[::1]:8081');
  });
});
