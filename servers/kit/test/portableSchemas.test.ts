// Every catalog tool's input and output schema, as clients receive it from tools/list, uses one
// type per schema (anyOf for alternatives): "type" arrays are flagged as non-portable by the MCP
// Inspector and refused by some LLM tool APIs.
import assert from 'node:assert/strict';
import { createServer as createDatabase } from '../../database/server.ts';
import { parseDatabaseConfig } from '../../database/config.ts';
import { createServer as createFilesystem } from '../../filesystem/server.ts';
import { parseFilesystemConfig } from '../../filesystem/config.ts';
import { createServer as createUtility } from '../../utility/server.ts';
import { MemoryKvStore } from '../../utility/lib/store.ts';
import type { CatalogServer } from '../tool.ts';
import { connectClient, startTestServer } from '../testing.ts';

function typeArrays(schema: unknown, path = '$'): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  if (Array.isArray(schema)) return schema.flatMap((item, i) => typeArrays(item, `${path}[${i}]`));
  return Object.entries(schema as Record<string, unknown>).flatMap(([key, value]) =>
    key === 'type' && Array.isArray(value) ? [`${path}.type = ${JSON.stringify(value)}`] : typeArrays(value, `${path}.${key}`),
  );
}

describe('portable tool schemas', function () {
  this.timeout(60_000);
  const servers: [string, () => CatalogServer][] = [
    ['database', () => createDatabase({ config: parseDatabaseConfig({}) })],
    ['filesystem', () => createFilesystem({ config: parseFilesystemConfig({ FS_ROOTS: '/tmp', FS_ALLOW_WRITE: 'true' }) })],
    ['utility', () => createUtility({ store: new MemoryKvStore({ maxKeys: 10 }), maxValueBytes: 1024 })],
  ];
  for (const [name, build] of servers) {
    it(`${name}: no "type" arrays in tools/list`, async () => {
      const server = await startTestServer(build());
      const client = await connectClient(server.url);
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.length > 0);
        const found = tools.flatMap((tool) => [...typeArrays(tool.inputSchema, `${tool.name}.input`), ...typeArrays(tool.outputSchema, `${tool.name}.output`)]);
        assert.deepEqual(found, []);
      } finally {
        await client.close();
        await server.close();
      }
    });
  }
});
