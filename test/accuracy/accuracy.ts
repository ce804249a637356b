/**
 * `npm run accuracy`: precision and recall of the analyzer against the routers' own state, per
 * sample scenario and category, summed over every checkpoint (explained differences, listed in
 * known-differences.json, left out and counted apart); `--verbose` lists each difference.
 */
import { CATEGORIES } from './frr-truth.js';
import { categoryTotal, precision, recall, scenariosWithTruth, scoreScenario } from './scenarios.js';

const verbose = process.argv.includes('--verbose');
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

for (const scenario of await scenariosWithTruth()) {
  const { checkpoints } = await scoreScenario(scenario);
  console.log(`\n${scenario} (${checkpoints.length} checkpoints)`);
  console.log(`${'category'.padEnd(15)} ${'truth'.padStart(6)} ${'ours'.padStart(6)} ${'match'.padStart(6)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'explained'.padStart(9)}`);
  for (const category of CATEGORIES) {
    const total = categoryTotal(checkpoints, category);
    if (total.truth + total.ours + total.explained === 0) continue; // nothing of this kind in the sample
    console.log(`${category.padEnd(15)} ${String(total.truth).padStart(6)} ${String(total.ours).padStart(6)} ${String(total.matched).padStart(6)} `
      + `${percent(precision(total)).padStart(9)} ${percent(recall(total)).padStart(7)} ${String(total.explained).padStart(9)}`);
    if (!verbose) continue;
    for (const checkpoint of checkpoints) {
      const row = checkpoint.scores.find((entry) => entry.category === category)!;
      for (const item of row.missed) console.log(`    checkpoint ${checkpoint.checkpoint}: missed    ${item}`);
      for (const item of row.extra) console.log(`    checkpoint ${checkpoint.checkpoint}: extra     ${item}`);
      for (const known of row.explained) console.log(`    checkpoint ${checkpoint.checkpoint}: explained ${known.direction} ${known.item} (${known.reason})`);
    }
  }
}
