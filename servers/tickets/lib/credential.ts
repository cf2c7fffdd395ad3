// The @azure/identity credential for the configured auth: WorkloadIdentityCredential in AKS (the
// federated service-account token exchanged for an Azure AD token), ClientSecretCredential as
// the fallback. Instance discovery asks login.microsoftonline.com whether an authority is a known
// Microsoft cloud; it is skipped for authority hosts outside the public, China and US Government
// clouds (sovereign, private or on-premises OpenID providers), which it cannot validate.
import type { TokenCredential } from '@azure/identity';
import { AzureAuthorityHosts, ClientSecretCredential, WorkloadIdentityCredential } from '@azure/identity';
import type { AzureAuth } from '../config.ts';

const MICROSOFT_CLOUDS = new Set<string>(Object.values(AzureAuthorityHosts).map((host) => host.replace(/\/+$/, '')));

export function credentialFor(auth: AzureAuth): TokenCredential {
  const authority = auth.authorityHost
    ? { authorityHost: auth.authorityHost, disableInstanceDiscovery: !MICROSOFT_CLOUDS.has(auth.authorityHost.replace(/\/+$/, '')) }
    : {};
  if (auth.kind === 'workload-identity') {
    return new WorkloadIdentityCredential({ tenantId: auth.tenantId, clientId: auth.clientId, tokenFilePath: auth.tokenFilePath, ...authority });
  }
  return new ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret, authority);
}
