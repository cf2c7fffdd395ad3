// The DynamoDB result-cache backend against moto's DynamoDB, on the reference table layout
// (tool_name + params_hash keys, expires_at TTL attribute): shared between replicas, expiry
// enforced on read, conditional writes, readiness and configuration errors.
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { parseKitConfig } from '../config.ts';
import { cacheKey } from '../cache.ts';
import { DynamoResultCache, dynamoKeyFor } from '../dynamodbCache.ts';
import type { TestServer } from '../testing.ts';
import { connectClient, startTestServer } from '../testing.ts';
import type { TestMoto } from '../testMoto.ts';
import { setTestAwsEnv, startTestMoto } from '../testMoto.ts';
import type { FixtureCounters } from './fixtures.ts';
import { fixtureServer } from './fixtures.ts';
import { rawRequest } from './httpHelpers.ts';

const TABLE = 'mcp-tool-results-test';

describe('kit DynamoDB result cache (moto)', function () {
  this.timeout(90_000);
  let moto: TestMoto;
  let restoreEnv: () => void;
  let admin: DynamoDBClient;
  const servers: TestServer[] = [];
  const clients: Client[] = [];

  before(async () => {
    restoreEnv = setTestAwsEnv();
    moto = await startTestMoto();
    admin = new DynamoDBClient({ region: 'us-west-2', endpoint: moto.endpoint });
    await admin.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'tool_name', AttributeType: 'S' },
          { AttributeName: 'params_hash', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'tool_name', KeyType: 'HASH' },
          { AttributeName: 'params_hash', KeyType: 'RANGE' },
        ],
      }),
    );
    await admin.send(new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true } }));
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  after(async () => {
    admin?.destroy();
    await moto?.close();
    restoreEnv?.();
  });

  it('shares read-only results between replicas through the table, in both protocol revisions', async () => {
    const env = { CACHE_TTL_SECONDS: '60', CACHE_BACKEND: 'dynamodb', DYNAMODB_TABLE: TABLE, DYNAMODB_ENDPOINT: moto.endpoint, AWS_REGION: 'us-west-2' };
    const countersA: FixtureCounters = { lookups: 0, increments: 0 };
    const countersB: FixtureCounters = { lookups: 0, increments: 0 };
    const replicaA = await startTestServer(fixtureServer(countersA), env);
    const replicaB = await startTestServer(fixtureServer(countersB), env);
    servers.push(replicaA, replicaB);
    const clientA = await connectClient(replicaA.url);
    const clientB = await connectClient(replicaB.url, { protocol: 'legacy' });
    clients.push(clientA, clientB);

    const first = await clientA.callTool({ name: 'lookup', arguments: { word: 'dynamo', options: { a: 1, b: 2 } } });
    const second = await clientB.callTool({ name: 'lookup', arguments: { options: { b: 2, a: 1 }, word: 'dynamo' } });
    assert.deepEqual(second.structuredContent, first.structuredContent);
    assert.equal(countersA.lookups, 1);
    assert.equal(countersB.lookups, 0, 'replica B answered from the table');

    const { toolName, paramsHash } = dynamoKeyFor(cacheKey('fixture', 'lookup', { word: 'dynamo', options: { a: 1, b: 2 } }));
    assert.equal(toolName, 'fixture:lookup');
    const { Item } = await admin.send(new GetItemCommand({ TableName: TABLE, Key: { tool_name: { S: toolName }, params_hash: { S: paramsHash } } }));
    assert.ok(Item, 'the item uses the reference key layout');
    const expiresAt = Number(Item.expires_at?.N);
    const createdAt = Number(Item.created_at?.N);
    assert.ok(expiresAt - createdAt >= 59 && expiresAt - createdAt <= 61, `expires_at is created_at + TTL (${createdAt} → ${expiresAt})`);
    assert.deepEqual(JSON.parse(Item.result!.S!), first.structuredContent);

    await clientA.callTool({ name: 'increment', arguments: {} });
    await clientB.callTool({ name: 'increment', arguments: {} });
    assert.equal(countersA.increments + countersB.increments, 2, 'non-read-only tools are never cached');
    assert.equal((await rawRequest(`${replicaA.baseUrl}/readyz`)).status, 200);
  });

  it('enforces the TTL on read, since DynamoDB deletes expired items only eventually', async () => {
    let now = Date.UTC(2030, 0, 1);
    const cache = new DynamoResultCache({ table: TABLE, region: 'us-west-2', endpoint: moto.endpoint, timeoutMs: 5000, maxAttempts: 1, now: () => now });
    const key = cacheKey('fixture', 'lookup', { word: 'ttl' });
    await cache.set(key, { word: 'TTL', calls: 1 }, 10);
    assert.deepEqual(await cache.get(key), { word: 'TTL', calls: 1 });
    now += 10_000;
    assert.equal(await cache.get(key), undefined, 'an item at its expires_at is stale even while still stored');
    const { Item } = await admin.send(new GetItemCommand({ TableName: TABLE, Key: { tool_name: { S: 'fixture:lookup' }, params_hash: { S: dynamoKeyFor(key).paramsHash } } }));
    assert.ok(Item, 'moto (like DynamoDB) still holds the expired item');
    await cache.close();
  });

  it('writes conditionally: a live entry from another replica stands, an expired one is replaced', async () => {
    let now = Date.UTC(2031, 0, 1);
    const cache = new DynamoResultCache({ table: TABLE, region: 'us-west-2', endpoint: moto.endpoint, timeoutMs: 5000, maxAttempts: 1, now: () => now });
    const key = cacheKey('fixture', 'lookup', { word: 'race' });
    await cache.set(key, { writer: 'first' }, 30);
    await cache.set(key, { writer: 'second' }, 30);
    assert.deepEqual(await cache.get(key), { writer: 'first' });
    now += 31_000;
    await cache.set(key, { writer: 'third' }, 30);
    assert.deepEqual(await cache.get(key), { writer: 'third' });
    await Promise.all(Array.from({ length: 8 }, (_, index) => cache.set(cacheKey('fixture', 'lookup', { word: 'burst' }), { writer: index }, 30)));
    const winner = (await cache.get(cacheKey('fixture', 'lookup', { word: 'burst' }))) as { writer: number };
    assert.ok(winner.writer >= 0 && winner.writer < 8, 'concurrent writers leave exactly one readable entry');
    await cache.close();
  });

  it('skips results too large for a DynamoDB item and ignores foreign items without a result', async () => {
    const cache = new DynamoResultCache({ table: TABLE, region: 'us-west-2', endpoint: moto.endpoint, timeoutMs: 5000, maxAttempts: 1 });
    const key = cacheKey('fixture', 'lookup', { word: 'huge' });
    await cache.set(key, { text: 'x'.repeat(400 * 1024) }, 30);
    assert.equal(await cache.get(key), undefined);
    const foreign = cacheKey('fixture', 'lookup', { word: 'foreign' });
    await admin.send(new PutItemCommand({ TableName: TABLE, Item: { tool_name: { S: 'fixture:lookup' }, params_hash: { S: dynamoKeyFor(foreign).paramsHash }, expires_at: { S: 'soon' } } }));
    assert.equal(await cache.get(foreign), undefined);
    await cache.close();
  });

  it('fails readiness when the table does not exist, and tools still answer uncached', async () => {
    const counters: FixtureCounters = { lookups: 0, increments: 0 };
    const server = await startTestServer(fixtureServer(counters), { CACHE_TTL_SECONDS: '60', CACHE_BACKEND: 'dynamodb', DYNAMODB_TABLE: 'no-such-table', DYNAMODB_ENDPOINT: moto.endpoint, AWS_REGION: 'us-west-2' });
    servers.push(server);
    assert.equal((await rawRequest(`${server.baseUrl}/readyz`)).status, 503);
    const client = await connectClient(server.url);
    clients.push(client);
    const result = await client.callTool({ name: 'lookup', arguments: { word: 'nocache' } });
    assert.ok(!result.isError);
    await client.callTool({ name: 'lookup', arguments: { word: 'nocache' } });
    assert.equal(counters.lookups, 2, 'a broken cache runs the tool uncached');
  });

  it('names what is missing in the configuration', () => {
    assert.throws(() => parseKitConfig({ CACHE_TTL_SECONDS: '60', CACHE_BACKEND: 'dynamodb', AWS_REGION: 'us-east-1' }), /DYNAMODB_TABLE/);
    assert.throws(() => parseKitConfig({ CACHE_TTL_SECONDS: '60', CACHE_BACKEND: 'dynamodb', DYNAMODB_TABLE: 'mcp-tool-results', AWS_REGION: '', AWS_DEFAULT_REGION: '' }), /AWS_REGION/);
    assert.throws(() => parseKitConfig({ CACHE_TTL_SECONDS: '60', CACHE_BACKEND: 'dynamodb', DYNAMODB_TABLE: 'a b', AWS_REGION: 'us-east-1' }), /DYNAMODB_TABLE: must be a DynamoDB table name/);
    const config = parseKitConfig({ CACHE_TTL_SECONDS: '300', CACHE_BACKEND: 'dynamodb', DYNAMODB_TABLE: 'mcp-tool-results-prod', AWS_REGION: 'eu-west-1' });
    assert.equal(parseKitConfig({ CACHE_TTL_SECONDS: '300', CACHE_BACKEND: 'dynamodb', DYNAMODB_TABLE: 'mcp-tool-results-prod', AWS_REGION: 'eu-west-1', DYNAMODB_REGION: 'us-east-2' }).dynamodb?.region, 'us-east-2');
    assert.deepEqual(config.dynamodb, { table: 'mcp-tool-results-prod', endpoint: undefined, region: 'eu-west-1' });
    assert.equal(parseKitConfig({ CACHE_TTL_SECONDS: '300' }).dynamodb, undefined);
  });
});
