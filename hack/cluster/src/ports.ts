// Free loopback ports for programs that take a port number rather than listening on 0 and
// reporting it (etcd, kube-apiserver, docker-registry, moto, servers started as processes).
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
