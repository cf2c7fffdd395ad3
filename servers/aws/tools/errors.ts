// Turns the AWS lib's domain errors into the kit's ToolError (an MCP tool error whose text is the
// message). Anything else is a bug and is left for the kit to report generically and log.
import { ToolError } from '../../kit/tool.ts';
import { AwsCallError } from '../lib/errors.ts';

export async function asToolErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AwsCallError) throw new ToolError(error.message, error.code);
    throw error;
  }
}
