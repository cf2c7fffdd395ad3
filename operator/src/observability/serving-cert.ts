// The metrics server's TLS material: tls.crt/tls.key from --metrics-cert-path (cert-manager or
// any Secret mounted there), else a self-signed certificate made at start, as controller-runtime
// does; Prometheus then scrapes with insecureSkipVerify and still never sends its token in clear.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface ServingCert {
  cert: string;
  key: string;
  /** 'file' when read from --metrics-cert-path. */
  source: 'file' | 'self-signed';
}

export async function loadServingCert(certDir: string | undefined, hostNames: string[]): Promise<ServingCert> {
  if (certDir) {
    const [cert, key] = await Promise.all([readFile(path.join(certDir, 'tls.crt'), 'utf8'), readFile(path.join(certDir, 'tls.key'), 'utf8')]);
    return { cert, key, source: 'file' };
  }
  const names = [...new Set(['localhost', ...hostNames])];
  const pems = await generate([{ name: 'commonName', value: names[0]! }], {
    keyType: 'ec',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private, source: 'self-signed' };
}
