// Region discovery through EC2 DescribeRegions. No MCP types here.
import type { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { awsCall } from './errors.ts';

export interface RegionSummary {
  name: string;
  endpoint: string | null;
  opt_in_status: string | null;
}

export async function listRegions(ec2: EC2Client, allRegions: boolean, signal: AbortSignal): Promise<RegionSummary[]> {
  const out = await awsCall('describe EC2 regions', 'No regions were returned.', () => ec2.send(new DescribeRegionsCommand({ AllRegions: allRegions }), { abortSignal: signal }));
  return (out.Regions ?? [])
    .map((region) => ({ name: region.RegionName ?? '', endpoint: region.Endpoint ?? null, opt_in_status: region.OptInStatus ?? null }))
    .filter((region) => region.name !== '')
    .sort((a, b) => a.name.localeCompare(b.name));
}
