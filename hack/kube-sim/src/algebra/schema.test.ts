import assert from 'node:assert/strict';
import { formatFieldError, applyDefaults, celRules, formatInvalid, prune, pruneWithUnknownFields, validate, type JSONSchemaProps } from './schema.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['catalog'],
      properties: {
        catalog: { type: 'string', minLength: 1, maxLength: 10, pattern: '^[a-z][a-z0-9-]*$' },
        replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
        ratio: { type: 'number', exclusiveMinimum: true, minimum: 0, exclusiveMaximum: true, maximum: 1, multipleOf: 0.25 },
        port: { 'x-kubernetes-int-or-string': true },
        transport: {
          type: 'object',
          default: {},
          properties: { type: { type: 'string', enum: ['streamable-http', 'stdio'], default: 'streamable-http' }, path: { type: 'string', default: '/mcp' } },
        },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 2, minItems: 1, 'x-kubernetes-list-type': 'set' },
        tools: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, timeout: { type: 'integer', default: 30 } } },
        },
        env: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 2, minProperties: 1 },
        since: { type: 'string', format: 'date-time' },
        data: { type: 'string', format: 'byte' },
        note: { type: 'string', nullable: true },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        mode: { type: 'string', anyOf: [{ enum: ['a'] }, { enum: ['b'] }] },
        choice: { type: 'string', oneOf: [{ pattern: '^x' }, { pattern: 'y$' }] },
        notFoo: { type: 'string', not: { enum: ['foo'] } },
      },
      'x-kubernetes-validations': [{ rule: 'self.replicas <= 5', message: 'too many' }],
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

const msgs = (obj: unknown): string[] => validate(schema, obj).map(formatFieldError);

describe('algebra/schema', () => {
  describe('validate: kube-apiserver message texts', () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['valid', { catalog: 'weather', replicas: 2 }, []],
      ['required', {}, ['spec.catalog: Required value']],
      ['minimum', { catalog: 'a', replicas: -1 }, ['spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0']],
      ['maximum', { catalog: 'a', replicas: 11 }, ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10']],
      ['integer type', { catalog: 'a', replicas: 1.5 }, ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']],
      ['string for integer', { catalog: 'a', replicas: 'two' }, ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']],
      ['null not nullable', { catalog: 'a', replicas: null }, ['spec.replicas: Invalid value: "null": spec.replicas in body must be of type integer: "null"']],
      ['nullable', { catalog: 'a', note: null }, []],
      [
        'exclusive bounds',
        { catalog: 'a', ratio: 0 },
        ['spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0'],
      ],
      ['exclusive max', { catalog: 'a', ratio: 1 }, ['spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1']],
      ['multipleOf', { catalog: 'a', ratio: 0.3 }, ['spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.25']],
      ['enum', { catalog: 'a', transport: { type: 'tcp' } }, ['spec.transport.type: Unsupported value: "tcp": supported values: "streamable-http", "stdio"']],
      ['maxLength', { catalog: 'abcdefghijk' }, ['spec.catalog: Too long: may not be more than 10 bytes']],
      ['minLength + pattern', { catalog: '' }, ["spec.catalog: Invalid value: \"\": spec.catalog in body should be at least 1 chars long", "spec.catalog: Invalid value: \"\": spec.catalog in body should match '^[a-z][a-z0-9-]*$'"]],
      ['pattern', { catalog: 'Bad' }, ["spec.catalog: Invalid value: \"Bad\": spec.catalog in body should match '^[a-z][a-z0-9-]*$'"]],
      ['int-or-string ok', { catalog: 'a', port: 'http' }, []],
      ['int-or-string int', { catalog: 'a', port: 80 }, []],
      ['int-or-string bad', { catalog: 'a', port: true }, ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"']],
      ['maxItems', { catalog: 'a', tags: ['a', 'b', 'c'] }, ['spec.tags: Too many: 3: must have at most 2 items']],
      ['minItems', { catalog: 'a', tags: [] }, ['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items']],
      ['set duplicates', { catalog: 'a', tags: ['a', 'a'] }, ['spec.tags[1]: Duplicate value: "a"']],
      [
        'map-list duplicates',
        { catalog: 'a', tools: [{ name: 'x' }, { name: 'x' }] },
        ['spec.tools[1]: Duplicate value: map[string]interface {}{"name":"x"}'],
      ],
      ['items required', { catalog: 'a', tools: [{ timeout: 1 }] }, ['spec.tools[0].name: Required value']],
      ['additionalProperties schema', { catalog: 'a', env: { A: 1 } }, ['spec.env.A: Invalid value: "integer": spec.env.A in body must be of type string: "integer"']],
      ['maxProperties', { catalog: 'a', env: { A: 'a', B: 'b', C: 'c' } }, ['spec.env: Too many: 3: must have at most 2 items']],
      ['minProperties', { catalog: 'a', env: {} }, ['spec.env: Invalid value: 0: spec.env in body should have at least 1 properties']],
      ['date-time', { catalog: 'a', since: 'yesterday' }, ['spec.since: Invalid value: "yesterday": spec.since in body must be of type date-time: "yesterday"']],
      ['date-time ok', { catalog: 'a', since: '2025-01-02T03:04:05Z' }, []],
      ['byte', { catalog: 'a', data: 'not base64!' }, ['spec.data: Invalid value: "not base64!": spec.data in body must be of type byte: "not base64!"']],
      ['byte ok', { catalog: 'a', data: 'aGVsbG8=' }, []],
      ['preserve unknown', { catalog: 'a', extra: { anything: [1, { b: 2 }] } }, []],
      ['embedded resource', { catalog: 'a', template: { spec: {} } }, ['spec.template.apiVersion: Required value: must not be empty', 'spec.template.kind: Required value: must not be empty']],
      ['anyOf', { catalog: 'a', mode: 'c' }, ['spec.mode: Invalid value: "c": spec.mode in body must validate at least one schema (anyOf)']],
      ['anyOf ok', { catalog: 'a', mode: 'b' }, []],
      ['oneOf none', { catalog: 'a', choice: 'q' }, ['spec.choice: Invalid value: "q": spec.choice in body must validate one and only one schema (oneOf)']],
      ['oneOf both', { catalog: 'a', choice: 'xy' }, ['spec.choice: Invalid value: "xy": spec.choice in body must validate one and only one schema (oneOf)']],
      ['oneOf one', { catalog: 'a', choice: 'x1' }, []],
      ['not', { catalog: 'a', notFoo: 'foo' }, ['spec.notFoo: Invalid value: "foo": spec.notFoo in body must not validate the schema (not)']],
      ['object type', { catalog: 'a', transport: 'http' }, ['spec.transport: Invalid value: "string": spec.transport in body must be of type object: "string"']],
    ];
    for (const [name, spec, want] of cases) {
      it(name, () => assert.deepEqual(msgs({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'x' }, spec }), want));
    }
    it('does not validate root metadata against the schema', () => {
      assert.deepEqual(validate({ type: 'object', required: ['metadata'], properties: { metadata: { type: 'string' } } }, { metadata: { name: 'x' } }), []);
    });
    it('validates a sub-tree with a path prefix', () => {
      assert.deepEqual(validate({ type: 'integer', minimum: 1 }, 0, 'spec.replicas').map(formatFieldError), [
        'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
      ]);
    });
    it('map-list key defaults count for uniqueness', () => {
      const s: JSONSchemaProps = {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port', 'protocol'],
        items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } },
      };
      assert.equal(validate(s, [{ port: 80 }, { port: 80, protocol: 'TCP' }], 'ports').length, 1);
      assert.equal(validate(s, [{ port: 80 }, { port: 80, protocol: 'UDP' }], 'ports').length, 0);
    });
  });

  describe('formatInvalid', () => {
    it('uses brackets only for several errors, like errors.NewInvalid', () => {
      const errs = validate(schema, { spec: { replicas: -1 } });
      const out = formatInvalid('McpServer', 'mcpfleet.dev', 'x', errs);
      assert.equal(
        out.message,
        'McpServer.mcpfleet.dev "x" is invalid: [spec.catalog: Required value, spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0]',
      );
      assert.deepEqual(out.details, {
        name: 'x',
        group: 'mcpfleet.dev',
        kind: 'McpServer',
        causes: [
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.catalog' },
          { reason: 'FieldValueInvalid', message: 'Invalid value: -1: spec.replicas in body should be greater than or equal to 0', field: 'spec.replicas' },
        ],
      });
      const one = formatInvalid('McpServer', 'mcpfleet.dev', 'x', errs.slice(0, 1));
      assert.equal(one.message, 'McpServer.mcpfleet.dev "x" is invalid: spec.catalog: Required value');
    });
    it('omits the group for core kinds and handles no errors', () => {
      assert.equal(formatInvalid('ConfigMap', '', 'c', []).message, 'ConfigMap "c" is invalid');
    });
    it('maps types to StatusCause reasons', () => {
      const errs = validate(schema, { spec: { catalog: 'a', transport: { type: 'x' }, tags: ['a', 'a', 'b'], replicas: 'x' } });
      assert.deepEqual(formatInvalid('K', 'g', 'n', errs).details.causes.map((c) => c.reason), [
        'FieldValueTypeInvalid',
        'FieldValueTooMany',
        'FieldValueDuplicate',
        'FieldValueNotSupported',
      ]);
    });
  });

  describe('applyDefaults', () => {
    it('defaults fields whose parent exists, nested defaults and items', () => {
      const out = applyDefaults(schema, { spec: { catalog: 'a', tools: [{ name: 't' }, { name: 'u', timeout: 5 }] } });
      assert.deepEqual(out, {
        spec: { catalog: 'a', replicas: 1, transport: { type: 'streamable-http', path: '/mcp' }, tools: [{ name: 't', timeout: 30 }, { name: 'u', timeout: 5 }] },
      });
    });
    it('does not create missing parents and replaces non-nullable nulls', () => {
      assert.deepEqual(applyDefaults(schema, { status: {} }), { status: {} });
      assert.deepEqual(applyDefaults(schema, { spec: { catalog: 'a', replicas: null } }), {
        spec: { catalog: 'a', replicas: 1, transport: { type: 'streamable-http', path: '/mcp' } },
      });
    });
    it('keeps explicit values and does not mutate the input', () => {
      const input = { spec: { catalog: 'a', replicas: 3, transport: { type: 'stdio' } } };
      const out = applyDefaults(schema, input);
      assert.deepEqual(out.spec, { catalog: 'a', replicas: 3, transport: { type: 'stdio', path: '/mcp' } });
      assert.deepEqual(input, { spec: { catalog: 'a', replicas: 3, transport: { type: 'stdio' } } });
    });
    it('defaults additionalProperties values', () => {
      const s: JSONSchemaProps = { type: 'object', additionalProperties: { type: 'object', properties: { on: { type: 'boolean', default: true } } } };
      assert.deepEqual(applyDefaults(s, { a: {}, b: { on: false } }), { a: { on: true }, b: { on: false } });
    });
  });

  describe('prune', () => {
    it('drops unknown fields, keeps apiVersion/kind/metadata at the root and embedded resources', () => {
      const obj = {
        apiVersion: 'mcpfleet.dev/v1alpha1',
        kind: 'McpServer',
        metadata: { name: 'x', labels: { a: 'b' } },
        spec: {
          catalog: 'a',
          bogus: 1,
          transport: { type: 'stdio', junk: true },
          tools: [{ name: 't', nope: 1 }],
          env: { A: 'x' },
          extra: { kept: { deep: 1 } },
          template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { any: 1 } },
        },
        status: { ready: true, junk: 1 },
        topLevel: 1,
      };
      const { object, unknownFields } = pruneWithUnknownFields(schema, obj);
      assert.deepEqual(object, {
        apiVersion: 'mcpfleet.dev/v1alpha1',
        kind: 'McpServer',
        metadata: { name: 'x', labels: { a: 'b' } },
        spec: {
          catalog: 'a',
          transport: { type: 'stdio' },
          tools: [{ name: 't' }],
          env: { A: 'x' },
          extra: { kept: { deep: 1 } },
          template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { any: 1 } },
        },
        status: { ready: true },
      });
      assert.deepEqual(unknownFields.sort(), ['spec.bogus', 'spec.tools[0].nope', 'spec.transport.junk', 'status.junk', 'topLevel']);
    });
    it('prunes embedded resources that do not preserve unknown fields', () => {
      const s: JSONSchemaProps = { type: 'object', properties: { t: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } } } };
      assert.deepEqual(prune(s, { t: { apiVersion: 'v1', kind: 'X', metadata: {}, spec: {}, other: 1 } }), { t: { apiVersion: 'v1', kind: 'X', metadata: {}, spec: {} } });
    });
    it('keeps everything with additionalProperties: true', () => {
      assert.deepEqual(prune({ type: 'object', additionalProperties: true }, { a: { b: 1 } }), { a: { b: 1 } });
    });
  });

  describe('celRules', () => {
    it('lists x-kubernetes-validations with their paths', () => {
      const s: JSONSchemaProps = {
        type: 'object',
        properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a > 0' }], properties: { items: { type: 'array', items: { type: 'object', 'x-kubernetes-validations': [{ rule: 'has(self.n)', message: 'n required' }] } } } } },
      };
      assert.deepEqual(celRules(s), [
        { path: 'spec', rule: 'self.a > 0', message: 'failed rule: self.a > 0' },
        { path: 'spec.items[*]', rule: 'has(self.n)', message: 'n required' },
      ]);
      assert.deepEqual(celRules(schema), [{ path: 'spec', rule: 'self.replicas <= 5', message: 'too many' }]);
    });
  });
});
