import assert from 'node:assert/strict';
import type { JsonSchema } from '../../operator/src/api/json-schema.ts';
import { structuralViolations } from './structural.ts';

const root = (spec: JsonSchema): JsonSchema => ({ type: 'object', properties: { spec } });

describe('structural schema checker', () => {
  const BAD: { name: string; schema: JsonSchema; problem: RegExp }[] = [
    { name: 'a node without type', schema: root({ properties: { a: { type: 'string' } } } as JsonSchema), problem: /type must be set/ },
    { name: '$ref', schema: root({ type: 'object', $ref: '#/x' } as unknown as JsonSchema), problem: /\$ref is not allowed/ },
    { name: 'type inside anyOf', schema: root({ type: 'string', anyOf: [{ type: 'string' }] }), problem: /type must not be set inside anyOf/ },
    { name: 'description inside oneOf', schema: root({ type: 'string', oneOf: [{ description: 'x' }] }), problem: /description must not be set inside/ },
    { name: 'default inside allOf', schema: root({ type: 'string', allOf: [{ default: 'x' }] }), problem: /default must not be set inside/ },
    { name: 'nullable inside not', schema: root({ type: 'string', not: { nullable: true } }), problem: /nullable must not be set inside/ },
    { name: 'additionalProperties inside anyOf', schema: root({ type: 'object', anyOf: [{ additionalProperties: true }] }), problem: /additionalProperties must not be set inside/ },
    { name: 'properties with additionalProperties', schema: root({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }), problem: /must not be set together/ },
    { name: 'array without items', schema: root({ type: 'array' }), problem: /must define items/ },
    { name: 'int-or-string with type', schema: root({ type: 'string', 'x-kubernetes-int-or-string': true }), problem: /must not set type/ },
    { name: 'list map without keys', schema: root({ type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'map' }), problem: /needs x-kubernetes-list-map-keys/ },
    { name: 'required field not in properties', schema: root({ type: 'object', properties: {}, required: ['a'] }), problem: /required field a is not in properties/ },
    { name: 'constrained metadata field', schema: { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } }, problem: /only metadata\.name and generateName/ },
    { name: 'unknown keyword', schema: root({ type: 'string', examples: ['x'] } as unknown as JsonSchema), problem: /unknown schema keyword examples/ },
  ];
  for (const c of BAD) {
    it(`reports ${c.name}`, () => {
      const problems = structuralViolations(c.schema).map((v) => v.problem);
      assert.ok(problems.some((p) => c.problem.test(p)), `got ${JSON.stringify(problems)}`);
    });
  }

  it('accepts int-or-string with its anyOf branches and a preserve-unknown-fields object', () => {
    assert.deepEqual(
      structuralViolations(
        root({
          type: 'object',
          properties: {
            port: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        }),
      ),
      [],
    );
  });
});
