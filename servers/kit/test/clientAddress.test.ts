import assert from 'node:assert/strict';
import { addressKey, clientAddress, MAX_FORWARDED_HOPS, normaliseAddress, TrustedProxies } from '../clientAddress.ts';
import { parseKitConfig } from '../config.ts';

describe('kit client address behind trusted proxies', () => {
  const ingress = new TrustedProxies(['10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
  const none = new TrustedProxies([]);

  it('parses addresses and CIDR ranges, and refuses anything else', () => {
    assert.ok(ingress.has('10.1.2.3') && ingress.has('fd00::1') && ingress.has('192.0.2.7'));
    assert.ok(!ingress.has('192.0.2.8') && !ingress.has('11.0.0.1') && !ingress.has('fe80::1') && !ingress.has('garbage'));
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', 'ten.0.0.0/8', '10.0.0.0/', '10.0.0.0/-1', '*', '::/x']) {
      assert.throws(() => new TrustedProxies([bad]), /is not an IP address or CIDR range/, bad);
    }
    assert.deepEqual(parseKitConfig({ TRUSTED_PROXY_CIDRS: ' 10.0.0.0/8 , fd00::/8 ' }).trustedProxies.cidrs, ['10.0.0.0/8', 'fd00::/8']);
    assert.ok(parseKitConfig({}).trustedProxies.empty);
    assert.throws(() => parseKitConfig({ TRUSTED_PROXY_CIDRS: '10.0.0.0/8,evil' }), /TRUSTED_PROXY_CIDRS: "evil" is not an IP address/);
  });

  it('normalises the spellings peers and proxies use', () => {
    const cases: [string, string | undefined][] = [
      ['203.0.113.5', '203.0.113.5'],
      [' 203.0.113.5 ', '203.0.113.5'],
      ['203.0.113.5:4711', '203.0.113.5'],
      ['::ffff:203.0.113.5', '203.0.113.5'],
      ['2001:DB8::1', '2001:db8::1'],
      ['[2001:db8::1]:443', '2001:db8::1'],
      ['[2001:db8::1]', '2001:db8::1'],
      ['fe80::1%eth0', 'fe80::1'],
      ['unknown', undefined],
      ['_hidden', undefined],
      ['', undefined],
      ['<script>', undefined],
      ['999.1.1.1', undefined],
      ['1'.repeat(100), undefined],
    ];
    for (const [raw, expected] of cases) assert.equal(normaliseAddress(raw), expected, raw);
  });

  it('never reads X-Forwarded-For from an untrusted peer (a spoofed header changes nothing)', () => {
    assert.equal(clientAddress('203.0.113.9', '198.51.100.1', ingress), '203.0.113.9');
    assert.equal(clientAddress('203.0.113.9', '10.0.0.1', ingress), '203.0.113.9');
    assert.equal(clientAddress('10.0.0.5', '198.51.100.1', none), '10.0.0.5', 'no trusted proxies configured');
    assert.equal(clientAddress(undefined, '198.51.100.1', ingress), 'unknown');
  });

  it('takes the right-most untrusted hop behind trusted proxies', () => {
    assert.equal(clientAddress('10.0.0.5', '198.51.100.1', ingress), '198.51.100.1');
    assert.equal(clientAddress('::ffff:10.0.0.5', '198.51.100.1', ingress), '198.51.100.1');
    // The client put a fake address first; the trusted proxy appended the real one.
    assert.equal(clientAddress('10.0.0.5', '1.2.3.4, 198.51.100.1', ingress), '198.51.100.1');
    // Two trusted proxies in a row (ALB, then the Ingress controller).
    assert.equal(clientAddress('10.0.0.5', '1.2.3.4, 198.51.100.1, 10.9.9.9', ingress), '198.51.100.1');
    assert.equal(clientAddress('10.0.0.5', ['1.2.3.4, 198.51.100.1', '10.9.9.9'], ingress), '198.51.100.1');
    // IPv6 clients and proxies.
    assert.equal(clientAddress('fd00::10', '[2001:db8:1:2::7]:51000, fd00::20', ingress), '2001:db8:1:2::7');
  });

  it('falls back to the last valid hop on garbage or an all-trusted chain', () => {
    assert.equal(clientAddress('10.0.0.5', 'garbage', ingress), '10.0.0.5');
    assert.equal(clientAddress('10.0.0.5', '198.51.100.1, garbage', ingress), '10.0.0.5');
    assert.equal(clientAddress('10.0.0.5', 'garbage, 10.0.0.7', ingress), '10.0.0.7');
    assert.equal(clientAddress('10.0.0.5', '10.0.0.6, 10.0.0.7', ingress), '10.0.0.6');
    assert.equal(clientAddress('10.0.0.5', '', ingress), '10.0.0.5');
    assert.equal(clientAddress('10.0.0.5', ',,,', ingress), '10.0.0.5');
  });

  it('reads a long chain only as far as MAX_FORWARDED_HOPS', () => {
    const trustedChain = Array.from({ length: 100_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).join(', ');
    const address = clientAddress('10.0.0.5', `198.51.100.1, ${trustedChain}`, ingress);
    // Every hop read is trusted, so the answer is the last one within the bound, not the client.
    assert.match(address, /^10\./);
    assert.equal(address, trustedChain.split(', ').at(-MAX_FORWARDED_HOPS));
  });

  it('keys IPv6 clients by their /64 and IPv4 clients by address', () => {
    assert.equal(addressKey('203.0.113.5'), '203.0.113.5');
    assert.equal(addressKey('2001:db8:1:2::7'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8:1:2:ffff:1:2:3'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002::'), '2001:db8:1:2::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('2001:db8::'), '2001:db8:0:0::/64');
    assert.equal(addressKey('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
    assert.equal(addressKey('unknown'), 'unknown');
  });
});
