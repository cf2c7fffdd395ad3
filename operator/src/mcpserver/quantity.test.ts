import assert from 'node:assert/strict';
import { canonicalQuantity, kubeTime } from './quantity.ts';

describe('canonical quantities (as kube-apiserver stores them)', () => {
  const CASES: [string | number, string | number][] = [
    [1, '1'], ['1', '1'], ['0.5', '500m'], [0.5, '500m'], ['1000m', '1'], ['1.5', '1500m'], ['2000', '2k'], ['100m', '100m'],
    ['0.1', '100m'], ['1.1m', '1100u'], ['128974848', '128974848'], ['1000000', '1M'], ['1G', '1G'], ['129e6', '129e6'], ['1e3', '1e3'],
    ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['0.5Gi', '512Mi'], ['64Mi', '64Mi'], ['256Mi', '256Mi'], ['0.5Ki', '512'], ['1.5Ki', '1536'],
    ['0', '0'], ['0Mi', '0'], ['-1', '-1'], ['0.0000000001', '1n'], ['bogus', 'bogus'],
  ];
  for (const [input, expected] of CASES) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(canonicalQuantity(input), expected));
  }
  it('formats times in whole seconds', () => assert.equal(kubeTime(new Date('2026-11-22T01:02:03.456Z')), '2026-11-22T01:02:03Z'));
});
