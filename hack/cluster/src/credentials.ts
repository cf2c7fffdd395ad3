// Credentials of a local cluster: the service-account signing key pair and the admin token
// (a static token in group system:masters). Pure builders; the launcher writes them to files.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function serviceAccountKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/** kube-apiserver's --token-auth-file format: token,user,uid,"group1,group2". */
export function tokenAuthFile(entries: { token: string; user: string; uid: string; groups: string[] }[]): string {
  return entries.map((e) => `${e.token},${e.user},${e.uid},"${e.groups.join(',')}"`).join('\n') + '\n';
}
