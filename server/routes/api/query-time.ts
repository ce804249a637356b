/** Defaults for time parameters: `at` is the end of the data, `from`/`to` its whole span. */
import type { StoreReader } from '../../../store/store-api.js';
import type { AtQuery, RangeQuery } from '../../schemas/requests.js';
import { HttpError } from './http-error.js';

export async function atOrEnd(store: StoreReader, query: AtQuery): Promise<number> {
  if (query.at !== undefined) return query.at;
  return (await store.timeRange(query.capture))?.end ?? 0;
}

export async function rangeOrAll(store: StoreReader, query: RangeQuery): Promise<{ from: number; to: number }> {
  const range = query.from === undefined || query.to === undefined ? await store.timeRange(query.capture) : null;
  const from = query.from ?? range?.start ?? 0;
  const to = query.to ?? range?.end ?? 0;
  if (from > to) throw new HttpError(400, `from (${from}) is after to (${to})`);
  return { from, to };
}
