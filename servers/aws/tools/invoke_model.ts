import { z } from 'zod';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { ToolDefinition } from '../../kit/tool.ts';
import { defineTool } from '../../kit/tool.ts';
import { assertModelAllowed, converse } from '../lib/bedrock.ts';
import { asToolErrors } from './errors.ts';

export const MAX_PROMPT_CHARS = 100_000;

export function invokeModelTool(deps: { bedrock: BedrockRuntimeClient; modelIds: readonly string[]; maxTokens: number }): ToolDefinition {
  const enabled = deps.modelIds.length > 0 ? deps.modelIds.join(', ') : 'none (the operator has not enabled any)';
  return defineTool({
    name: 'invoke_model',
    title: 'Ask a Bedrock model',
    description: `Sends a prompt to an Amazon Bedrock model (Converse API) and returns its answer. Enabled models: ${enabled}.`,
    inputSchema: z.object({
      model_id: z.string().min(1).max(256).describe('Bedrock model id, one of the enabled models'),
      prompt: z.string().min(1, 'prompt must not be empty').max(MAX_PROMPT_CHARS, `prompt is at most ${MAX_PROMPT_CHARS} characters`),
      system: z.string().min(1).max(20_000).optional().describe('System prompt'),
      max_tokens: z.number().int().min(1).max(deps.maxTokens).optional().describe(`Most tokens to generate (default and limit ${deps.maxTokens})`),
      temperature: z.number().min(0).max(1).optional(),
    }),
    outputSchema: z.object({ model_id: z.string(), text: z.string(), stop_reason: z.string().nullable(), usage: z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() }) }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    handler: (args, { signal }) =>
      asToolErrors(async () => {
        assertModelAllowed(args.model_id, deps.modelIds);
        const answer = await converse(deps.bedrock, { modelId: args.model_id, prompt: args.prompt, system: args.system, maxTokens: args.max_tokens ?? deps.maxTokens, temperature: args.temperature }, signal);
        return { model_id: args.model_id, ...answer };
      }),
  });
}
