// Test-only: a throwaway self-signed certificate for 127.0.0.1 (made with the openssl CLI) and
// trust in it for this process, because MSAL only talks to https authorities. Restores the
// default CA list afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TestCertificate {
  cert: string;
  key: string;
  /** Stops trusting the certificate. */
  restore(): void;
}

export function trustedLoopbackCertificate(): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcpfleet-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'pipe' });
    const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    const key = readFileSync(path.join(dir, 'key.pem'), 'utf8');
    const previous = tls.getCACertificates('default');
    tls.setDefaultCACertificates([...previous, cert]);
    return { cert, key, restore: () => tls.setDefaultCACertificates(previous) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
