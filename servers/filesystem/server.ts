// The filesystem catalog server: browse, read and search files under one or more root
// directories, and write them when FS_ALLOW_WRITE=true. Nothing leaves a root (see lib/paths.ts).
import { stat } from 'node:fs/promises';
import type { CatalogServer, ToolDefinition } from '../kit/tool.ts';
import type { FilesystemConfig } from './config.ts';
import { createFileInfoTool } from './tools/file_info.ts';
import { createListDirectoryTool } from './tools/list_directory.ts';
import { createReadFileTool } from './tools/read_file.ts';
import { createSearchFilesTool } from './tools/search_files.ts';
import { createWriteFileTool } from './tools/write_file.ts';

export interface FilesystemServerDeps {
  config: FilesystemConfig;
}

export function createServer(deps: FilesystemServerDeps): CatalogServer {
  const { config } = deps;
  const { roots } = config;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tools have heterogeneous schemas
  const tools: ToolDefinition<any, any>[] = [
    createListDirectoryTool({ roots }),
    createReadFileTool({ roots, maxReadBytes: config.maxReadBytes, allowHardLinks: config.allowHardLinks }),
    createFileInfoTool({ roots }),
    createSearchFilesTool({ roots }),
  ];
  if (config.allowWrite) tools.push(createWriteFileTool({ roots, maxWriteBytes: config.maxWriteBytes, allowHardLinks: config.allowHardLinks }));
  const rootList = roots.map((r, i) => `${i} = "${r.name}"`).join(', ');
  return {
    name: 'filesystem',
    version: '0.1.0',
    instructions: `Files under ${roots.length === 1 ? 'one root' : `${roots.length} roots (pass "root")`}: ${rootList}. Paths are relative to a root with "/" separators. ${config.allowWrite ? 'write_file is enabled.' : 'Read-only: writing is disabled (FS_ALLOW_WRITE=false).'}`,
    tools,
    async checkReady() {
      for (const root of roots) {
        const info = await stat(root.path).catch(() => undefined);
        if (!info?.isDirectory()) throw new Error(`root "${root.name}" (${root.path}) is missing or not a directory; check FS_ROOTS and the volume mounts`);
      }
    },
  };
}

