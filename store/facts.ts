/**
 * How each row of a NetworkSnapshot becomes a stored fact, and back: which snapshot list it comes
 * from, what identifies it (its key: while the key stays and the stored content is the same, the
 * fact's interval stays open), which columns are indexed, and which fields are volatile — timers
 * and counters, stored as null (timers) or 0 (counters, which the reader fills from the
 * per-second counters) so that they never open a new interval.
 */
import type { NetworkSnapshot } from '../shapes/snapshot.js';
import type { FactKind } from './store-api.js';

type Row = Record<string, unknown>;

export interface FactSpec {
  /** The snapshot list this kind's rows live in. */
  list: keyof Omit<NetworkSnapshot, 'at'>;
  key(row: Row): string;
  /** Volatile fields and the value a rebuilt row gets for each. */
  volatile: Readonly<Record<string, null | 0>>;
}

export interface FactColumns {
  link: string | null;
  group: string | null;
  source: string | null;
}

const text = (value: unknown): string => (value === null || value === undefined ? '*' : String(value));
/** The fields' texts joined by `|` (built without an intermediate list: every sync keys every row of a changed list). */
const keyOf = (...fields: string[]) => (row: Row) => {
  let key = text(row[fields[0]!]);
  for (let index = 1; index < fields.length; index++) key += `|${text(row[fields[index]!])}`;
  return key;
};

export const FACT_SPECS: Readonly<Record<FactKind, FactSpec>> = {
  router: { list: 'routers', key: keyOf('id'), volatile: {} },
  link: { list: 'links', key: keyOf('name'), volatile: { frames: 0, decodeErrors: 0 } },
  membership: { list: 'memberships', key: keyOf('link', 'group'), volatile: { expiresAt: null } },
  join: { list: 'joins', key: keyOf('link', 'from', 'upstream', 'type', 'source', 'group'), volatile: { expiresAt: null } },
  assert: { list: 'asserts', key: keyOf('link', 'source', 'group', 'rpt'), volatile: { expiresAt: null } },
  flow: { list: 'flows', key: keyOf('link', 'source', 'group'), volatile: { pps: 0, bps: 0, packets: 0, bytes: 0, sequenceGaps: null, lostPackets: null, quality: null } },
  tree: { list: 'trees', key: keyOf('source', 'group', 'kind'), volatile: { switchover: null } },
  rp: { list: 'rps', key: keyOf('rp', 'groupPrefix', 'learnedFrom'), volatile: { since: null, expiresAt: null } },
  bsr: { list: 'bsrs', key: keyOf('address'), volatile: { since: null, expiresAt: null } },
  register: {
    list: 'registers', key: keyOf('source', 'group', 'dr'),
    volatile: { since: null, lastRegisterAt: null, lastNullRegisterAt: null, registerStopAt: null, suppressedUntil: null, observedSuppressionTime: null },
  },
  anomaly: { list: 'anomalies', key: keyOf('kind', 'link', 'source', 'group', 'router'), volatile: { packets: null } },
  latency: { list: 'latencies', key: keyOf('link', 'group', 'host', 'kind'), volatile: {} },
};

export const FACT_KINDS = Object.keys(FACT_SPECS) as FactKind[];

/**
 * The row as stored JSON: volatile fields it has hold their rebuild value (null or 0), so the
 * content only changes when something that matters does, and parsing it gives the rebuilt row.
 */
export function factContent(spec: FactSpec, row: Row): string {
  const volatile = Object.keys(spec.volatile);
  if (volatile.length === 0) return JSON.stringify(row);
  const content = { ...row };
  for (const field of volatile) if (field in content) content[field] = spec.volatile[field];
  return JSON.stringify(content);
}

export function factColumns(kind: FactKind, row: Row): FactColumns {
  const string = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    link: string(kind === 'link' ? row.name : row.link),
    group: string(kind === 'rp' ? row.groupPrefix : row.group),
    source: string(row.source),
  };
}
