/**
 * Differences between the analyzer and a router that are understood: the router does something
 * the wire does not show, or departs from the RFC (samples/<scenario>/known-differences.json,
 * each with its reason, summarized in samples/README.md). They are taken out of the scores; one
 * that no longer occurs is an error, so the list cannot go stale.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Category } from './frr-truth.js';

export interface KnownDifference {
  checkpoint: number;
  category: Category;
  /** 'missed': the router has it, the analyzer not; 'extra': the other way round. */
  direction: 'missed' | 'extra';
  item: string;
  reason: string;
}

export async function loadKnownDifferences(scenarioDir: string): Promise<KnownDifference[]> {
  try {
    return JSON.parse(await readFile(join(scenarioDir, 'known-differences.json'), 'utf8')) as KnownDifference[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export function differenceKey(difference: Pick<KnownDifference, 'checkpoint' | 'category' | 'direction' | 'item'>): string {
  return `${difference.checkpoint}|${difference.category}|${difference.direction}|${difference.item}`;
}
