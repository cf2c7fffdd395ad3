// Summarises one S3 text object: Bedrock (Converse) when a model is configured, else the
// extractive summary. Empty objects are refused: there is nothing to summarise. No MCP types.
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { S3Client } from '@aws-sdk/client-s3';
import { converse } from '../../aws/lib/bedrock.ts';
import { AwsCallError } from '../../aws/lib/errors.ts';
import { readObjectText } from '../../aws/lib/s3.ts';
import { extractiveSummary } from './extractive.ts';

export interface SummarizerDeps {
  s3: S3Client;
  bedrock: BedrockRuntimeClient;
  bucket: string;
  modelId: string | undefined;
  maxFileBytes: number;
  maxSummaryTokens: number;
  maxSentences: number;
}

export interface Summary {
  file_key: string;
  summary: string;
  method: 'bedrock' | 'extractive';
  model_id: string | null;
  bytes: number;
}

export const SUMMARY_MAX_CHARS = 4000;

export function summaryPrompt(fileKey: string, text: string): string {
  return `Summarise the following document "${fileKey}" in at most five sentences. Answer with the summary only.\n\n<document>\n${text}\n</document>`;
}

export async function summarizeFile(deps: SummarizerDeps, fileKey: string, signal: AbortSignal): Promise<Summary> {
  const object = await readObjectText(deps.s3, { bucket: deps.bucket, key: fileKey, maxBytes: deps.maxFileBytes, listingTool: 'list_files' }, signal);
  if (object.text.trim() === '') {
    throw new AwsCallError(`s3://${deps.bucket}/${fileKey} is empty; there is nothing to summarise.`, 'empty_object');
  }
  if (deps.modelId === undefined) {
    return { file_key: fileKey, summary: extractiveSummary(object.text, { maxSentences: deps.maxSentences, maxChars: SUMMARY_MAX_CHARS }), method: 'extractive', model_id: null, bytes: object.bytes };
  }
  const answer = await converse(deps.bedrock, { modelId: deps.modelId, prompt: summaryPrompt(fileKey, object.text), maxTokens: deps.maxSummaryTokens, temperature: 0 }, signal);
  if (answer.text.trim() === '') {
    throw new AwsCallError(`Bedrock model ${deps.modelId} returned an empty summary (stop reason ${answer.stop_reason ?? 'unknown'}); retry or raise config.maxSummaryTokens.`, 'upstream_unavailable');
  }
  return { file_key: fileKey, summary: answer.text.trim(), method: 'bedrock', model_id: deps.modelId, bytes: object.bytes };
}
