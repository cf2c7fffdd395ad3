import { z } from 'zod';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { listRegions } from '../lib/regions.ts';
import { asToolErrors } from './errors.ts';

export function listRegionsTool(deps: { ec2: EC2Client }): ToolDefinition {
  return defineTool({
    name: 'list_regions',
    title: 'List AWS regions',
    description: 'Lists the AWS regions (EC2 DescribeRegions): enabled ones by default, every region with all_regions.',
    inputSchema: z.object({ all_regions: z.boolean().default(false).describe('Include regions not enabled for the account') }),
    outputSchema: z.object({ regions: z.array(z.object({ name: z.string(), endpoint: z.string().nullable(), opt_in_status: z.string().nullable() })), count: z.number().int() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: ({ all_regions }, { signal }) =>
      asToolErrors(async () => {
        const regions = await listRegions(deps.ec2, all_regions, signal);
        return { regions, count: regions.length };
      }),
  });
}
