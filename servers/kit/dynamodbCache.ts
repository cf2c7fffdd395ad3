// DynamoDB backend for the tool-result cache, on the table layout of the Lambda systems it
// replaces: partition key tool_name (S), sort key params_hash (S), expires_at (N, epoch seconds)
// as the table's TTL attribute, created_at (N) and the JSON result. DynamoDB deletes expired
// items only eventually (often hours later), so expiry is also checked on every read. Writes are
// conditional: a live entry another replica wrote first is kept, an expired one is replaced.
import { traceAwsClient } from './tracing/aws.ts';
import { ConditionalCheckFailedException, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AwsClientSettings } from './awsClients.ts';
import { awsClientOptions } from './awsClients.ts';
import type { ResultCache } from './cache.ts';

/** DynamoDB refuses items over 400 KB; results near that are not cached (the call still succeeds). */
export const MAX_CACHED_RESULT_BYTES = 350 * 1024;

export interface DynamoCacheKey {
  /** "<server>:<tool>", so servers sharing one table never collide. */
  toolName: string;
  paramsHash: string;
}

/** Splits a kit cache key (mcpfleet:cache:<server>:<tool>:<hash>) into the table's key attributes. */
export function dynamoKeyFor(key: string): DynamoCacheKey {
  const match = /^mcpfleet:cache:([^:]+):([^:]+):([^:]+)$/.exec(key);
  if (!match) throw new Error(`not a result-cache key: ${key.slice(0, 80)}`);
  return { toolName: `${match[1]}:${match[2]}`, paramsHash: match[3]! };
}

export interface DynamoResultCacheOptions extends AwsClientSettings {
  table: string;
  /** Milliseconds since the epoch; injectable so tests can move the clock. */
  now?: () => number;
}

export class DynamoResultCache implements ResultCache {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly now: () => number;

  constructor(options: DynamoResultCacheOptions) {
    this.client = traceAwsClient(new DynamoDBClient(awsClientOptions(options)), options.region);
    this.table = options.table;
    this.now = options.now ?? Date.now;
  }

  async get(key: string): Promise<unknown> {
    const { toolName, paramsHash } = dynamoKeyFor(key);
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { tool_name: { S: toolName }, params_hash: { S: paramsHash } }, ProjectionExpression: 'expires_at, #r', ExpressionAttributeNames: { '#r': 'result' } }),
    );
    const expiresAt = Number(Item?.expires_at?.N);
    const result = Item?.result?.S;
    if (result === undefined || !Number.isFinite(expiresAt) || expiresAt * 1000 <= this.now()) return undefined;
    return JSON.parse(result) as unknown;
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    const { toolName, paramsHash } = dynamoKeyFor(key);
    const result = JSON.stringify(value);
    if (Buffer.byteLength(result, 'utf8') > MAX_CACHED_RESULT_BYTES) return;
    const nowSeconds = Math.floor(this.now() / 1000);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            tool_name: { S: toolName },
            params_hash: { S: paramsHash },
            result: { S: result },
            created_at: { N: String(nowSeconds) },
            expires_at: { N: String(nowSeconds + Math.max(1, Math.ceil(ttlSeconds))) },
          },
          ConditionExpression: 'attribute_not_exists(params_hash) OR expires_at <= :now',
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
        }),
      );
    } catch (error) {
      // Another replica stored a live result for the same call first: theirs stands.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  /** Ready when the table exists and is ACTIVE (a missing table or no permission fails /readyz). */
  async checkReady(): Promise<void> {
    const { Table } = await this.client.send(new DescribeTableCommand({ TableName: this.table }));
    if (Table?.TableStatus !== 'ACTIVE') throw new Error(`DynamoDB table ${this.table} is ${Table?.TableStatus ?? 'missing'}`);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
