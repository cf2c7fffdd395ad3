// Generates structural JSON schemas (CRD openAPIV3Schema dialect) for the Kubernetes types that
// the McpServer API embeds (EnvVar, ResourceRequirements, Affinity...), from the typed models of
// @kubernetes/client-node: field types and formats come from each model's attributeTypeMap,
// descriptions and optionality from its .d.ts documentation. We reuse the library's models
// instead of writing Kubernetes' types by hand; the output is committed and drift-checked.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import type { JsonSchema } from '../../operator/src/api/json-schema.ts';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface ModelDoc {
  description?: string;
  properties: Map<string, { description?: string; optional: boolean }>;
}

/**
 * Fields that the OpenAPI spec types as resource.Quantity but the generated client flattens to
 * a string: a CRD must accept both `1` and `"500m"` there, as kube-apiserver does.
 */
const QUANTITY_FIELDS: Record<string, { map: boolean }> = {
  'V1ResourceRequirements.limits': { map: true },
  'V1ResourceRequirements.requests': { map: true },
  'V1ResourceFieldSelector.divisor': { map: false },
  'V1EmptyDirVolumeSource.sizeLimit': { map: false },
};

/** Kubernetes' resource.Quantity grammar (the pattern controller-gen emits). */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

export function quantitySchema(description?: string): JsonSchema {
  return {
    ...(description ? { description } : {}),
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern: QUANTITY_PATTERN,
    'x-kubernetes-int-or-string': true,
  };
}

const require = createRequire(import.meta.url);
const modelsDir = path.join(
  path.dirname(require.resolve('@kubernetes/client-node/package.json')),
  'dist/gen/models',
);

async function loadAttributes(model: string): Promise<Attribute[]> {
  const mod = (await import(path.join(modelsDir, `${model}.js`))) as Record<string, { attributeTypeMap?: Attribute[] }>;
  const cls = mod[model];
  if (!cls?.attributeTypeMap) throw new Error(`@kubernetes/client-node has no model ${model}`);
  return cls.attributeTypeMap;
}

function cleanDoc(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .filter((line) => line.length > 0)
    .join(' ')
    .replace(/\\'/g, "'")
    .replace(/\\"/g, '"')
    .trim();
}

function leadingDoc(node: ts.Node, source: ts.SourceFile): string | undefined {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const last = ranges.at(-1);
  if (!last) return undefined;
  const raw = source.text.slice(last.pos, last.end);
  if (!raw.startsWith('/**')) return undefined;
  const text = cleanDoc(raw.slice(3, -2));
  return text.length > 0 ? text : undefined;
}

async function loadDoc(model: string): Promise<ModelDoc> {
  const file = path.join(modelsDir, `${model}.d.ts`);
  const source = ts.createSourceFile(file, await readFile(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const doc: ModelDoc = { properties: new Map() };
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || node.name?.text !== model) return;
    doc.description = leadingDoc(node, source);
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member) || !member.name || member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) continue;
      const name = ts.isStringLiteral(member.name) ? member.name.text : member.name.getText(source);
      doc.properties.set(name, { description: leadingDoc(member, source), optional: member.questionToken !== undefined });
    }
  });
  return doc;
}

/** Builds the inlined structural schema of one client-node model, following nested models. */
export class K8sSchemaBuilder {
  private readonly cache = new Map<string, JsonSchema>();
  private readonly inProgress = new Set<string>();

  async model(model: string): Promise<JsonSchema> {
    const cached = this.cache.get(model);
    if (cached) return structuredClone(cached);
    if (this.inProgress.has(model)) throw new Error(`recursive Kubernetes type ${model} cannot be inlined in a CRD`);
    this.inProgress.add(model);
    const [attributes, doc] = await Promise.all([loadAttributes(model), loadDoc(model)]);
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const attribute of attributes) {
      const propDoc = doc.properties.get(attribute.name);
      const quantity = QUANTITY_FIELDS[`${model}.${attribute.name}`];
      let schema: JsonSchema;
      if (quantity) {
        schema = quantity.map
          ? { type: 'object', additionalProperties: quantitySchema() }
          : quantitySchema();
      } else {
        schema = await this.typeSchema(attribute.type, attribute.format);
      }
      const description = propDoc?.description ?? (schema.description as string | undefined);
      properties[attribute.baseName] = orderKeys({ ...schema, ...(description ? { description } : {}) });
      if (propDoc && !propDoc.optional) required.push(attribute.baseName);
    }
    const result: JsonSchema = {
      type: 'object',
      ...(doc.description ? { description: doc.description } : {}),
      properties,
      ...(required.length > 0 ? { required } : {}),
    };
    this.inProgress.delete(model);
    this.cache.set(model, result);
    return structuredClone(result);
  }

  private async typeSchema(type: string, format: string): Promise<JsonSchema> {
    const array = /^Array<(.+)>$/.exec(type);
    if (array?.[1]) return { type: 'array', items: await this.typeSchema(array[1], format) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map?.[1]) return { type: 'object', additionalProperties: await this.typeSchema(map[1], format) };
    switch (type) {
      case 'string':
        return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
      case 'boolean':
        return { type: 'boolean' };
      case 'number':
        if (format === 'int32' || format === 'int64') return { type: 'integer', format };
        return { type: 'number', ...(format ? { format } : {}) };
      case 'Date':
        return { type: 'string', format: 'date-time' };
      case 'any':
        // Free-form JSON (e.g. managedFields.fieldsV1): kept as is.
        return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      case 'V1ObjectMeta':
        // Embedded ObjectMeta (ephemeral volume claim templates): controller-gen and
        // kube-apiserver treat it as an opaque object; inlining it would only bloat the CRD.
        return { type: 'object', description: 'Standard object metadata.' };
      case 'IntOrString':
        return { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true };
      default:
        if (/^V\d/.test(type) || /^(Core|Admissionregistration|Storage|Discovery|Events|Flowcontrol)V/.test(type)) {
          return this.model(type);
        }
        throw new Error(`unsupported client-node attribute type ${type}`);
    }
  }
}

/** Puts description first so the YAML reads like kube-apiserver's. */
function orderKeys(schema: JsonSchema): JsonSchema {
  const { description, ...rest } = schema;
  return description === undefined ? rest : { description, ...rest };
}
