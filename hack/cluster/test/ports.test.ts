// The port allocator of the local processes: ports outside the kernel's ephemeral range, never
// the same one twice from one process, never one that something already listens on.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { freePort, portAllocator, reservedRange } from '../src/ports.ts';

describe('freePort', () => {
  it('reserves the ports just below the ephemeral range, with a sane fallback', () => {
    assert.deepEqual(reservedRange('32768\t60999\n'), [22_768, 32_767]);
    assert.deepEqual(reservedRange('49152 65535'), [39_152, 49_151]);
    assert.deepEqual(reservedRange('15000 60999'), [10_000, 14_999], 'never below the floor');
    for (const garbage of [undefined, '', 'x y', '80 90']) assert.deepEqual(reservedRange(garbage), [22_768, 32_767], String(garbage));
  });

  it('skips a port something listens on, wraps around, and says so when none is left', async () => {
    const first = await freePort();
    const held = createServer();
    await new Promise<void>((resolve, reject) => held.once('error', reject).listen(first, '127.0.0.1', resolve));
    try {
      const next = portAllocator(first, first + 1, first);
      assert.equal(await next(), first + 1, 'the held port is skipped');
      assert.equal(await next(), first + 1, 'wrapped around past the held port');
      const none = portAllocator(first, first, first);
      await assert.rejects(none(), new RegExp(`no free loopback port in ${first}-${first}`));
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  });

  it('hands out distinct ports outside the ephemeral range, none twice', async () => {
    const [first, last] = reservedRange(await import('node:fs').then((fs) => fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).catch(() => undefined));
    const held: Server[] = [];
    try {
      const seen = new Set<number>();
      for (let i = 0; i < 300; i++) {
        const port = await freePort();
        assert.ok(port >= first && port <= last, `${port} in ${first}-${last}`);
        assert.ok(!seen.has(port), `port ${port} handed out twice`);
        seen.add(port);
        // Hold every third one, the way a child process binds it.
        if (i % 3 === 0) {
          const server = createServer();
          await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
          held.push(server);
        }
      }
    } finally {
      await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });
});
