import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupRecordType } from '../../../../capture/message-kinds.js';
import { GROUP_RECORD_ACTIONS, type RowContext } from '../../../../capture/model/membership/group-record-actions.js';
import { GroupState, lowerGroupTimer, lowerSourceTimer, SourceDelta } from '../../../../capture/model/membership/group-state.js';
import type { FilterMode } from '../../../../capture/model/membership/types.js';

// Every row of RFC 3376 §6.4.1 / §6.4.2, at now = 100 s with GMI = 260 s: a timer set to GMI reads 360.
// "Send Q(G,S)" / "Send Q(G)" change nothing here: the query's effect comes when it is seen (lowerSourceTimer,
// lowerGroupTimer below, applied by link-membership.ts onQuery).
const NOW = 100;
const GMI_AT = 360;
const LMQT_AT = 102;

interface State {
  mode: FilterMode;
  sources: Record<string, number>;
  excluded: string[];
  groupTimer: number | null;
}

function build(state: State): GroupState {
  const group = new GroupState('239.1.1.1');
  group.mode = state.mode;
  for (const [source, expiresAt] of Object.entries(state.sources)) group.sources.set(source, expiresAt);
  for (const source of state.excluded) group.excluded.add(source);
  group.groupTimer = state.groupTimer;
  return group;
}

function read(group: GroupState): State {
  return {
    mode: group.mode,
    sources: Object.fromEntries([...group.sources].sort(([a], [b]) => a.localeCompare(b))),
    excluded: [...group.excluded].sort(),
    groupTimer: group.groupTimer,
  };
}

function apply(state: State, type: GroupRecordType, sources: string[], maxSourcesPerGroup = 100) {
  const group = build(state);
  const context: RowContext = {
    now: NOW, groupMembershipInterval: 260, maxSourcesPerGroup, delta: new SourceDelta(),
  };
  GROUP_RECORD_ACTIONS[group.mode][type](group, new Set(sources), context);
  return { after: read(group), delta: context.delta };
}

// Sources are one-letter names; the algebra does not look at addresses.
const INCLUDE_A: State = { mode: 'INCLUDE', sources: { a: 150, b: 200 }, excluded: [], groupTimer: null };
const RECORD_B = ['b', 'c'];

describe('RFC 3376 §6.4 rows, router in INCLUDE (A={a,b}), record B={b,c}', () => {
  const rows: [GroupRecordType, string, State][] = [
    ['IS_IN', 'INCLUDE (A+B); (B)=GMI',
      { mode: 'INCLUDE', sources: { a: 150, b: GMI_AT, c: GMI_AT }, excluded: [], groupTimer: null }],
    ['IS_EX', 'EXCLUDE (A*B, B-A); (B-A)=0, Delete (A-B), Group Timer=GMI',
      { mode: 'EXCLUDE', sources: { b: 200 }, excluded: ['c'], groupTimer: GMI_AT }],
    ['ALLOW', 'INCLUDE (A+B); (B)=GMI',
      { mode: 'INCLUDE', sources: { a: 150, b: GMI_AT, c: GMI_AT }, excluded: [], groupTimer: null }],
    ['BLOCK', 'INCLUDE (A); Send Q(G,A*B)',
      { mode: 'INCLUDE', sources: { a: 150, b: 200 }, excluded: [], groupTimer: null }],
    ['TO_EX', 'EXCLUDE (A*B, B-A); (B-A)=0, Delete (A-B), Send Q(G,A*B), Group Timer=GMI',
      { mode: 'EXCLUDE', sources: { b: 200 }, excluded: ['c'], groupTimer: GMI_AT }],
    ['TO_IN', 'INCLUDE (A+B); (B)=GMI, Send Q(G,A-B)',
      { mode: 'INCLUDE', sources: { a: 150, b: GMI_AT, c: GMI_AT }, excluded: [], groupTimer: null }],
  ];
  for (const [type, row, expected] of rows) {
    it(`${type}: ${row}`, () => assert.deepEqual(apply(INCLUDE_A, type, RECORD_B).after, expected));
  }
});

const EXCLUDE_XY: State = { mode: 'EXCLUDE', sources: { a: 150, b: 200 }, excluded: ['c', 'd'], groupTimer: 300 };
const RECORD_A = ['b', 'c', 'e'];

describe('RFC 3376 §6.4 rows, router in EXCLUDE (X={a,b}, Y={c,d}), group timer 300, record A={b,c,e}', () => {
  const rows: [GroupRecordType, string, State][] = [
    ['IS_IN', 'EXCLUDE (X+A, Y-A); (A)=GMI',
      { mode: 'EXCLUDE', sources: { a: 150, b: GMI_AT, c: GMI_AT, e: GMI_AT }, excluded: ['d'], groupTimer: 300 }],
    ['IS_EX', 'EXCLUDE (A-Y, Y*A); (A-X-Y)=GMI, Delete (X-A), Delete (Y-A), Group Timer=GMI',
      { mode: 'EXCLUDE', sources: { b: 200, e: GMI_AT }, excluded: ['c'], groupTimer: GMI_AT }],
    ['ALLOW', 'EXCLUDE (X+A, Y-A); (A)=GMI',
      { mode: 'EXCLUDE', sources: { a: 150, b: GMI_AT, c: GMI_AT, e: GMI_AT }, excluded: ['d'], groupTimer: 300 }],
    ['BLOCK', 'EXCLUDE (X+(A-Y), Y); (A-X-Y)=Group Timer, Send Q(G,A-Y)',
      { mode: 'EXCLUDE', sources: { a: 150, b: 200, e: 300 }, excluded: ['c', 'd'], groupTimer: 300 }],
    ['TO_EX', 'EXCLUDE (A-Y, Y*A); (A-X-Y)=Group Timer, Delete (X-A), Delete (Y-A), Send Q(G,A-Y), Group Timer=GMI',
      { mode: 'EXCLUDE', sources: { b: 200, e: 300 }, excluded: ['c'], groupTimer: GMI_AT }],
    ['TO_IN', 'EXCLUDE (X+A, Y-A); (A)=GMI, Send Q(G,X-A), Send Q(G)',
      { mode: 'EXCLUDE', sources: { a: 150, b: GMI_AT, c: GMI_AT, e: GMI_AT }, excluded: ['d'], groupTimer: 300 }],
  ];
  for (const [type, row, expected] of rows) {
    it(`${type}: ${row}`, () => assert.deepEqual(apply(EXCLUDE_XY, type, RECORD_A).after, expected));
  }
});

describe('timer details of the rows', () => {
  it('a Q(G,S) seen lowers only the queried timers larger than LMQT (RFC 3376 §6.6.1)', () => {
    const group = build({ mode: 'INCLUDE', sources: { a: 101, b: 200, c: 300 }, excluded: [], groupTimer: null });
    for (const source of ['a', 'b']) lowerSourceTimer(group, source, LMQT_AT);
    assert.deepEqual(read(group).sources, { a: 101, b: LMQT_AT, c: 300 });
  });

  it('a Q(G) seen lowers only a group timer larger than LMQT', () => {
    const low = build({ mode: 'EXCLUDE', sources: {}, excluded: [], groupTimer: 101 });
    lowerGroupTimer(low, LMQT_AT);
    assert.equal(read(low).groupTimer, 101);
    const high = build({ mode: 'EXCLUDE', sources: {}, excluded: [], groupTimer: 300 });
    lowerGroupTimer(high, LMQT_AT);
    assert.equal(read(high).groupTimer, LMQT_AT);
  });

  it('(A-X-Y)=Group Timer keeps a group timer below LMQT as it is', () => {
    const state: State = { mode: 'EXCLUDE', sources: {}, excluded: [], groupTimer: 101 };
    assert.deepEqual(apply(state, 'BLOCK', ['n']).after.sources, { n: 101 });
  });

  it('records what moved between the lists', () => {
    const { delta } = apply(EXCLUDE_XY, 'IS_EX', RECORD_A);
    assert.deepEqual(
      { added: delta.added, removed: delta.removed, excludedAdded: delta.excludedAdded, excludedRemoved: delta.excludedRemoved },
      { added: ['e'], removed: ['a'], excludedAdded: [], excludedRemoved: ['d'] },
    );
    const allow = apply(EXCLUDE_XY, 'ALLOW', ['c']).delta;
    assert.deepEqual([allow.added, allow.excludedRemoved], [['c'], ['c']]);
  });

  it('drops sources beyond maxSourcesPerGroup; moves between X and Y are never dropped', () => {
    const { after, delta } = apply(INCLUDE_A, 'ALLOW', ['c', 'd'], 3);
    assert.deepEqual(after.sources, { a: 150, b: 200, c: GMI_AT });
    assert.deepEqual(delta.dropped, ['d']);
    const move = apply({ ...EXCLUDE_XY }, 'ALLOW', ['c', 'd'], 4);
    assert.deepEqual(move.delta.dropped, []);
    assert.deepEqual(move.after.excluded, []);
  });
});
