import assert from 'node:assert/strict';
import {
  SelectorError,
  fieldSelectorFields,
  labelSelectorFromObject,
  labelSelectorString,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.ts';

describe('algebra/selectors', () => {
  describe('parseLabelSelector + matchesLabels', () => {
    const labels = { app: 'web', tier: 'frontend', 'app.kubernetes.io/name': 'mcp', n: '5' };
    const cases: [string, boolean][] = [
      ['', true],
      ['app=web', true],
      ['app==web', true],
      ['app=db', false],
      ['app!=db', true],
      ['app!=web', false],
      ['missing!=x', true],
      ['app in (web,db)', true],
      ['app in (db)', false],
      ['app notin (db)', true],
      ['app notin (web)', false],
      ['missing notin (web)', true],
      ['tier', true],
      ['missing', false],
      ['!missing', true],
      ['!tier', false],
      ['app=web,tier=frontend', true],
      ['app=web,tier=backend', false],
      ['app.kubernetes.io/name=mcp', true],
      ['  app = web , tier  ', true],
      ['n>4', true],
      ['n<4', false],
      ['app=', false],
      ['empty=', false],
    ];
    for (const [sel, want] of cases) {
      it(`${JSON.stringify(sel)} → ${want}`, () => {
        assert.equal(matchesLabels(parseLabelSelector(sel), labels), want);
      });
    }
    it('matches an empty label value with "key="', () => {
      assert.equal(matchesLabels(parseLabelSelector('empty='), { empty: '' }), true);
    });
    it('treats absent labels as no labels', () => {
      assert.equal(matchesLabels(parseLabelSelector('!a'), undefined), true);
      assert.equal(matchesLabels(parseLabelSelector('a'), null), false);
    });
  });

  describe('malformed label selectors', () => {
    const cases: [string, string][] = [
      ['app=web,', "found '', expected: identifier after ','"],
      [',app', "found ',', expected: !, identifier, or 'end of string'"],
      ['app in web', "found 'web', expected: '('"],
      ['app in ()', "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"],
      ['app web', "found 'web', expected: in, notin, =, ==, !=, gt, lt"],
      ['app=web tier=x', "found 'tier', expected: ',' or 'end of string'"],
      ['!app=web', "found '=', expected: ',' or 'end of string'"],
      ['app in (a b)', "found 'b', expected: ',', ')' or identifier"],
      [
        'bad key!=x',
        "found 'key', expected: in, notin, =, ==, !=, gt, lt",
      ],
    ];
    for (const [sel, msg] of cases) {
      it(`rejects ${JSON.stringify(sel)}`, () => {
        assert.throws(() => parseLabelSelector(sel), (e: unknown) => e instanceof SelectorError && e.message === msg);
      });
    }
    it('validates label keys and values like kube-apiserver', () => {
      assert.throws(() => parseLabelSelector('-app=x'), /key: Invalid value: "-app": name part must consist of alphanumeric characters/);
      assert.throws(() => parseLabelSelector('app=-x'), /values\[0\]\[app\]: Invalid value: "-x": a valid label must be an empty string/);
      assert.throws(() => parseLabelSelector('app=' + 'a'.repeat(64)), /must be no more than 63 bytes/);
    });
  });

  describe('labelSelectorFromObject', () => {
    it('combines matchLabels and matchExpressions', () => {
      const sel = labelSelectorFromObject({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['frontend', 'edge'] },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      });
      assert.equal(labelSelectorString(sel), 'app=web,!legacy,tier in (edge,frontend)');
      assert.equal(matchesLabels(sel, { app: 'web', tier: 'edge' }), true);
      assert.equal(matchesLabels(sel, { app: 'web', tier: 'edge', legacy: 'y' }), false);
      assert.equal(matchesLabels(sel, { app: 'web' }), false);
    });
    it('empty selector matches everything, null matches nothing', () => {
      assert.equal(matchesLabels(labelSelectorFromObject({}), { a: 'b' }), true);
      assert.equal(matchesLabels(labelSelectorFromObject(null), { a: 'b' }), false);
    });
    it('rejects unknown operators and empty value sets', () => {
      assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Has' }] }), /"Has" is not a valid label selector operator/);
      assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), /values set can't be empty/);
    });
  });

  describe('field selectors', () => {
    const pod = {
      metadata: { name: 'web-1', namespace: 'prod' },
      spec: { nodeName: 'node-a', replicas: 3 },
      status: { phase: 'Running' },
      involvedObject: { name: 'web' },
    };
    const cases: [string, boolean][] = [
      ['', true],
      ['metadata.name=web-1', true],
      ['metadata.name==web-1', true],
      ['metadata.name!=web-1', false],
      ['metadata.namespace=prod,status.phase=Running', true],
      ['status.phase=Pending', false],
      ['spec.nodeName=node-a', true],
      ['spec.nodeName=', false],
      ['spec.missing=', true],
      ['spec.replicas=3', true],
      ['involvedObject.name=web', true],
    ];
    for (const [sel, want] of cases) {
      it(`${JSON.stringify(sel)} → ${want}`, () => assert.equal(matchesFields(parseFieldSelector(sel), pod), want));
    }
    it('unescapes values', () => {
      const sel = parseFieldSelector('metadata.name=a\\,b\\=c');
      assert.deepEqual(sel.requirements, [{ field: 'metadata.name', operator: '=', value: 'a,b=c' }]);
      assert.equal(matchesFields(sel, { metadata: { name: 'a,b=c' } }), true);
    });
    it('rejects terms without an operator with the fields package message', () => {
      assert.throws(() => parseFieldSelector('metadata.name'), { message: "invalid selector: 'metadata.name'; can't understand 'metadata.name'" });
    });
    it('lists referenced fields', () => {
      assert.deepEqual(fieldSelectorFields(parseFieldSelector('a=1,b!=2,a=3')), ['a', 'b']);
    });
  });
});
