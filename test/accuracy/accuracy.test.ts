/**
 * The analyzer against the routers, at every checkpoint of every lab sample: each category at
 * ≥ 99 % precision and recall, once the explained differences (known-differences.json, each with
 * its reason) are left out; and every explained difference must still occur.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATEGORIES } from './frr-truth.js';
import { differenceKey } from './known-differences.js';
import { categoryTotal, precision, recall, scenariosWithTruth, scoreScenario } from './scenarios.js';

const REQUIRED = 0.99;
const scenarios = await scenariosWithTruth();

test('there are lab samples with router truth to check against', () => {
  assert.ok(scenarios.length >= 2, `found ${scenarios.join(', ') || 'none'}`);
});

for (const scenario of scenarios) {
  test(`${scenario}: the analyzer agrees with the routers`, async () => {
    const { checkpoints, known } = await scoreScenario(scenario);
    assert.ok(checkpoints.length > 0);
    for (const category of CATEGORIES) {
      const total = categoryTotal(checkpoints, category);
      const misses = checkpoints.flatMap((checkpoint) => {
        const row = checkpoint.scores.find((entry) => entry.category === category)!;
        return [...row.missed.map((item) => `#${checkpoint.checkpoint} missed ${item}`), ...row.extra.map((item) => `#${checkpoint.checkpoint} extra ${item}`)];
      });
      assert.ok(precision(total) >= REQUIRED && recall(total) >= REQUIRED,
        `${category}: precision ${precision(total).toFixed(3)}, recall ${recall(total).toFixed(3)}\n  ${misses.join('\n  ')}`);
    }
    const seen = new Set(checkpoints.flatMap((checkpoint) => checkpoint.scores.flatMap((row) => row.explained.map(differenceKey))));
    const stale = known.filter((difference) => !seen.has(differenceKey(difference)));
    assert.deepEqual(stale, [], 'known differences that no longer occur: remove them from known-differences.json');
  });
}
