// The shape of a successful tool result and what it costs on the wire. A result travels twice:
// as structuredContent, and as its JSON text in a text block (for clients that read only text),
// and that text is escaped again inside the JSON-RPC response. Caps that promise "at most N bytes"
// (FS_MAX_READ_BYTES, DATABASE_MAX_RESULT_BYTES) count with sentBytes, so they hold for what is sent.

/** The MCP CallToolResult shape the SDK expects from a tool callback. */
export interface ToolCallResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export function successResult(structured: Record<string, unknown>): ToolCallResult {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/** Bytes a value adds to the response, once as JSON and once as the JSON text of the text block. */
export function sentBytes(value: unknown): number {
  const json = JSON.stringify(value) ?? 'null';
  return Buffer.byteLength(json) + Buffer.byteLength(JSON.stringify(json)) - 2;
}
