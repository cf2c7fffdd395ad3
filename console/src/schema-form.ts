// A form from a tool's input JSON Schema: one field per top-level property, typed inputs for
// strings, numbers, booleans and enums, JSON text for anything nested. Pure: fields from a
// schema, arguments from the form values (or the reasons they are invalid).

export type FieldKind = 'text' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: string[];
  defaultValue?: unknown;
}

interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  default?: unknown;
}

function kindOf(schema: PropertySchema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'string') return 'text';
  if (type === 'number') return 'number';
  if (type === 'integer') return 'integer';
  if (type === 'boolean') return 'boolean';
  return 'json';
}

export function fieldsOf(inputSchema: Record<string, unknown>): Field[] {
  const properties = (inputSchema.properties ?? {}) as Record<string, PropertySchema>;
  const required = new Set(Array.isArray(inputSchema.required) ? (inputSchema.required as string[]) : []);
  return Object.entries(properties).map(([name, schema]) => {
    const field: Field = { name, kind: kindOf(schema), required: required.has(name) };
    if (schema.description) field.description = schema.description;
    if (field.kind === 'enum') field.options = schema.enum as string[];
    if (schema.default !== undefined) field.defaultValue = schema.default;
    return field;
  });
}

export type FormValues = Record<string, string | boolean>;

export function initialValues(fields: readonly Field[]): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    if (f.kind === 'boolean') values[f.name] = f.defaultValue === true;
    else if (f.defaultValue !== undefined) values[f.name] = f.kind === 'json' ? JSON.stringify(f.defaultValue) : String(f.defaultValue);
    else values[f.name] = '';
  }
  return values;
}

/**
 * The form for `fields`, keeping what was typed into fields of the same name and kind: a reload
 * of the server's details (every status or metrics change) must not wipe a half-filled form.
 */
export function carriedValues(fields: readonly Field[], previous: readonly Field[], typed: FormValues): FormValues {
  const values = initialValues(fields);
  for (const field of fields) {
    const before = previous.find((p) => p.name === field.name);
    if (before?.kind === field.kind && Object.hasOwn(typed, field.name)) values[field.name] = typed[field.name]!;
  }
  return values;
}

/** The tool arguments, or the problems that keep the form from being sent. */
export function argumentsOf(fields: readonly Field[], values: FormValues): { ok: true; args: Record<string, unknown> } | { ok: false; problems: string[] } {
  const args: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const f of fields) {
    const value = values[f.name];
    if (f.kind === 'boolean') {
      args[f.name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') {
      if (f.required) problems.push(`${f.name} is required`);
      continue;
    }
    if (f.kind === 'number' || f.kind === 'integer') {
      const n = Number(text);
      if (!Number.isFinite(n) || (f.kind === 'integer' && !Number.isInteger(n))) problems.push(`${f.name} must be ${f.kind === 'integer' ? 'an integer' : 'a number'}`);
      else args[f.name] = n;
    } else if (f.kind === 'json') {
      try {
        args[f.name] = JSON.parse(text) as unknown;
      } catch {
        problems.push(`${f.name} must be JSON`);
      }
    } else {
      args[f.name] = typeof value === 'string' ? value : '';
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, args };
}

/** Raw JSON arguments typed by hand: must be an object. */
export function parseRawArguments(text: string): { ok: true; args: Record<string, unknown> } | { ok: false; problems: string[] } {
  try {
    const value = JSON.parse(text === '' ? '{}' : text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problems: ['the arguments must be a JSON object'] };
    return { ok: true, args: value as Record<string, unknown> };
  } catch (error) {
    return { ok: false, problems: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
}
