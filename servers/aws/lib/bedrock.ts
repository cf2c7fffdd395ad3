// One Bedrock Runtime Converse call (text in, text out) and the model allow-list check. No MCP
// types here.
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { AwsCallError, awsCall } from './errors.ts';

export interface ConverseRequest {
  modelId: string;
  prompt: string;
  system?: string | undefined;
  maxTokens: number;
  temperature?: number | undefined;
}

export interface ConverseAnswer {
  text: string;
  stop_reason: string | null;
  usage: { input_tokens: number; output_tokens: number };
}

/** Throws model_not_allowed unless `modelId` is on the configured allow-list. */
export function assertModelAllowed(modelId: string, allowed: readonly string[]): void {
  if (allowed.length === 0) {
    throw new AwsCallError('No Bedrock models are enabled on this server; ask its operator to list model ids in config.bedrockModelIds.', 'model_not_allowed');
  }
  if (!allowed.includes(modelId)) {
    throw new AwsCallError(`Model "${modelId}" is not enabled on this server; use one of: ${allowed.join(', ')}.`, 'model_not_allowed');
  }
}

export async function converse(bedrock: BedrockRuntimeClient, request: ConverseRequest, signal: AbortSignal): Promise<ConverseAnswer> {
  const out = await awsCall(`invoke Bedrock model ${request.modelId}`, `Bedrock has no model "${request.modelId}" in this region (or it is not enabled for the account).`, () =>
    bedrock.send(
      new ConverseCommand({
        modelId: request.modelId,
        messages: [{ role: 'user', content: [{ text: request.prompt }] }],
        ...(request.system !== undefined && { system: [{ text: request.system }] }),
        inferenceConfig: { maxTokens: request.maxTokens, ...(request.temperature !== undefined && { temperature: request.temperature }) },
      }),
      { abortSignal: signal },
    ),
  );
  const text = (out.output?.message?.content ?? [])
    .map((block) => ('text' in block && typeof block.text === 'string' ? block.text : ''))
    .join('');
  return { text, stop_reason: out.stopReason ?? null, usage: { input_tokens: out.usage?.inputTokens ?? 0, output_tokens: out.usage?.outputTokens ?? 0 } };
}
