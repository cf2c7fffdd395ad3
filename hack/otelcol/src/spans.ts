// The spans in the file exporter's output: one OTLP/JSON `ExportTraceServiceRequest` per line,
// flattened into one record per span with its attributes and its resource's attributes as plain
// values (OTLP/JSON wraps each value in `{ stringValue }`, `{ intValue }`, ...).

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface Span {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Attributes;
  resource: Attributes;
  scope: string;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  events: { name: string; attributes: Attributes }[];
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number };
  events?: { name?: string; attributes?: OtlpKeyValue[] }[];
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
}
interface OtlpTraces {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[] }[];
}

function anyValue(value: OtlpAnyValue | undefined): AttributeValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== undefined) return attributes(value.kvlistValue.values);
  return null;
}

function attributes(list: OtlpKeyValue[] | undefined): Attributes {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

/** The spans of one OTLP/JSON traces document. */
export function spansOfExport(document: OtlpTraces): Span[] {
  return (document.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributes(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: span.traceId ?? '',
        spanId: span.spanId ?? '',
        parentSpanId: span.parentSpanId ?? '',
        name: span.name ?? '',
        kind: span.kind ?? 0,
        attributes: attributes(span.attributes),
        resource,
        scope: scopeSpans.scope?.name ?? '',
        statusCode: span.status?.code ?? 0,
        events: (span.events ?? []).map((event) => ({ name: event.name ?? '', attributes: attributes(event.attributes) })),
        startTimeUnixNano: span.startTimeUnixNano ?? '',
        endTimeUnixNano: span.endTimeUnixNano ?? '',
      })),
    );
  });
}

/**
 * The spans of the exporter's JSON-lines file. A last line without its newline may still be
 * being written, so only complete lines count.
 */
export function spansOfJsonLines(text: string): Span[] {
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => spansOfExport(JSON.parse(line) as OtlpTraces));
}
