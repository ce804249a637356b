/**
 * `npm run accuracy`: precision and recall of the analyzer against the routers' own state, per
 * sample scenario and category, summed over every checkpoint; `--verbose` lists each miss.
 */
import { CATEGORIES } from './frr-truth.js';
import { precision, recall, scenariosWithTruth, scoreScenario } from './scenarios.js';

const verbose = process.argv.includes('--verbose');
const percent = (value: number) => `${(value * 100).toFixed(1)}%`.padStart(7);

for (const scenario of await scenariosWithTruth()) {
  const checkpoints = await scoreScenario(scenario);
  console.log(`\n${scenario} (${checkpoints.length} checkpoints)`);
  console.log(`${'category'.padEnd(15)} ${'truth'.padStart(6)} ${'ours'.padStart(6)} ${'match'.padStart(6)} ${'precision'.padStart(9)} ${'recall'.padStart(7)}`);
  for (const category of CATEGORIES) {
    const rows = checkpoints.map((checkpoint) => checkpoint.scores.find((entry) => entry.category === category)!);
    const total = rows.reduce((sum, row) => ({ truth: sum.truth + row.truth, ours: sum.ours + row.ours, matched: sum.matched + row.matched }), { truth: 0, ours: 0, matched: 0 });
    console.log(`${category.padEnd(15)} ${String(total.truth).padStart(6)} ${String(total.ours).padStart(6)} ${String(total.matched).padStart(6)} ${percent(precision(total)).padStart(9)} ${percent(recall(total))}`);
    if (!verbose) continue;
    for (const [index, row] of rows.entries()) {
      for (const item of row.missed) console.log(`    checkpoint ${checkpoints[index]!.checkpoint}: missed  ${item}`);
      for (const item of row.extra) console.log(`    checkpoint ${checkpoints[index]!.checkpoint}: extra   ${item}`);
    }
  }
}
