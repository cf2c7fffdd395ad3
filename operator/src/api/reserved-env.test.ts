import assert from 'node:assert/strict';
import { validateMcpServer } from './validation.ts';

const server = (spec: Record<string, unknown>) => ({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'demo', namespace: 'default' }, spec });
const problems = (spec: Record<string, unknown>) => {
  const result = validateMcpServer(server(spec));
  return result.ok ? [] : result.problems;
};

describe('spec.env cannot override what the operator renders', () => {
  for (const [name, field] of [
    ['PORT', 'spec.transport.port'],
    ['API_KEYS', 'spec.auth.apiKeySecretRef'],
    ['ALLOWED_HOSTS', 'spec.allowedHosts'],
    ['RATE_LIMIT_RPS', 'spec.rateLimit'],
    ['REDIS_URL', 'spec.cache.redisUrlSecretRef'],
  ] as const) {
    it(`refuses ${name}, naming ${field}`, () => {
      assert.deepEqual(problems({ catalog: 'utility', env: [{ name: 'OK_VAR', value: '1' }, { name, value: 'x' }] }), [`spec.env[1].name: ${name} is set by ${field}; set it there instead of in spec.env`]);
    });
  }

  it('refuses a variable the catalog entry renders from spec.config', () => {
    assert.deepEqual(problems({ catalog: 'utility', config: { maxValueBytes: 1024 }, env: [{ name: 'KV_MAX_VALUE_BYTES', value: '9' }] }), ['spec.env[0].name: KV_MAX_VALUE_BYTES is set by spec.config; set it there instead of in spec.env']);
  });

  it('accepts other variables, and any name on an image server (the operator renders nothing there)', () => {
    assert.deepEqual(problems({ catalog: 'utility', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }), []);
    assert.deepEqual(problems({ image: 'ghcr.io/acme/mcp:1', env: [{ name: 'PORT', value: '9000' }] }), []);
  });
});

describe('list fields the kit reads as comma-separated values', () => {
  it('refuses a comma or whitespace inside one allowedHosts or allowedOrigins entry', () => {
    assert.match(problems({ catalog: 'utility', allowedHosts: ['evil.com,localhost'] }).join('\n'), /^spec\.allowedHosts\[0\]: must be one host without commas or whitespace$/m);
    assert.match(problems({ catalog: 'utility', allowedOrigins: ['https://a.example https://b.example'] }).join('\n'), /^spec\.allowedOrigins\[0\]: must be one origin without commas or whitespace$/m);
    assert.deepEqual(problems({ catalog: 'utility', allowedHosts: ['mcp.example.com', 'localhost:8080'], allowedOrigins: ['https://app.example.com'] }), []);
  });

  it('bounds spec.replicas', () => {
    assert.deepEqual(problems({ catalog: 'utility', replicas: 2147483647 }), ['spec.replicas: must be at most 1000']);
  });
});
