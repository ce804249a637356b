/**
 * A checkpoint of a run's state, so that a collector restarted after a crash or a stop carries on
 * from where it was instead of analyzing the stream again from its start (cli/commands/collect.ts).
 *
 * The state is the object graph under a root (the run with its analyzer and sinks, the collector),
 * taken as it is: plain objects, arrays, Maps, Sets, typed arrays, numbers of every kind (Infinity,
 * -0) and the instances of the classes named in `STATE_CLASSES`, with shared references and cycles
 * kept (less the caches named in `CACHE_FIELDS`). Functions and the instances of `WIRING_CLASSES` (promises, database handles: what a run
 * is built with) are not state. They are written as a mark, and restoring takes them from a freshly
 * built root of the same shape: `restoreCheckpoint(fresh, bytes)` lays the saved state over `fresh`,
 * object by object, keeping fresh's wiring where the mark stands. A mark where nothing fresh
 * stands (a callback kept inside a Map's value, say) cannot be restored, and throws; so does an
 * instance of a class named in neither list, when the checkpoint is taken (a class added to the
 * model and forgotten here fails the checkpoint tests, rather than coming back empty).
 *
 * The bytes are V8's structured serialization (node:v8) of that graph.
 */
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import TinyQueue from 'tinyqueue';
import { FindingsEngine, RouterNameIndex } from '../capture/findings/engine.js';
import { ThreeKeyMap } from '../capture/three-key-map.js';
import { BranchFindings } from '../capture/findings/branches.js';
import { ForwardingFindings } from '../capture/findings/forwarding.js';
import { MembershipExpiries } from '../capture/findings/membership.js';
import { PimFindings } from '../capture/findings/pim.js';
import { QuerierFindings } from '../capture/findings/querier.js';
import { StreamFindings } from '../capture/findings/streams.js';
import { FindingsTracker } from '../capture/findings/tracker.js';
import { DataPathCorrelator } from '../capture/model/data-paths.js';
import { FlowMirror } from '../capture/model/flow-mirror.js';
import { FlowTracker } from '../capture/model/flows.js';
import { LatencyTracker } from '../capture/model/latency.js';
import { ChangeLog } from '../capture/model/membership/changes.js';
import { GroupState, SourceDelta } from '../capture/model/membership/group-state.js';
import { LinkMembership } from '../capture/model/membership/link-membership.js';
import { QuerierElection } from '../capture/model/membership/querier.js';
import { LinkParameters } from '../capture/model/membership/timers.js';
import { NetworkAnalyzer } from '../capture/model/network-analyzer.js';
import { AssertState } from '../capture/model/pim/asserts.js';
import { JoinPruneState } from '../capture/model/pim/join-state.js';
import { LinkNeighbors, NeighborTable } from '../capture/model/pim/neighbors.js';
import { PimState } from '../capture/model/pim/pim-state.js';
import { RegisterTracker } from '../capture/model/pim/registers.js';
import { RpKnowledge } from '../capture/model/pim/rp.js';
import { TimerQueue } from '../capture/model/pim/timer-queue.js';
import { RouterRegistry } from '../capture/model/routers.js';
import { SequenceGapDetector } from '../capture/model/sequence-gaps.js';
import { StreamQuality } from '../capture/model/stream-quality.js';
import { SwitchoverTimer } from '../capture/model/switchover.js';
import { CaptureWriter } from '../store/capture-writer.js';
import { PostgresDatabase } from '../store/postgres.js';
import { SqliteDatabase } from '../store/sqlite.js';
import { Collector } from './collector.js';
import { AnalysisRun } from './run.js';
import { FindingsSink } from './sinks/findings-sink.js';
import { StoreSink } from './sinks/store-sink.js';

/** A class, by the two things a checkpoint needs of it (private constructors included). */
interface Class {
  readonly name: string;
  readonly prototype: object;
}

/** The classes whose instances are a run's state (restored with their prototype, fields and all). */
const STATE_CLASSES: readonly Class[] = [
  AnalysisRun, Collector, StoreSink, FindingsSink, CaptureWriter, TinyQueue, ThreeKeyMap,
  NetworkAnalyzer, FlowTracker, FlowMirror, StreamQuality, SequenceGapDetector, SwitchoverTimer, DataPathCorrelator, LatencyTracker, RouterRegistry,
  LinkMembership, GroupState, SourceDelta, QuerierElection, LinkParameters, ChangeLog,
  PimState, NeighborTable, LinkNeighbors, JoinPruneState, RpKnowledge, RegisterTracker, AssertState, TimerQueue,
  FindingsEngine, RouterNameIndex, FindingsTracker, PimFindings, QuerierFindings, StreamFindings, BranchFindings, MembershipExpiries, ForwardingFindings,
];

/**
 * Fields of state classes that are caches, recomputed on demand: left out. A restored object keeps
 * the fresh root's value where there is one, else the field stays unset (the class builds it on first use).
 */
const CACHE_FIELDS = new Map<Class, ReadonlySet<string>>([
  [NetworkAnalyzer, new Set(['memo', 'controlQuietUntil', 'controlTimersAt'])], [LatencyTracker, new Set(['latest'])], [LinkMembership, new Set(['groupSnapshots', 'sortedGroups'])],
  [CaptureWriter, new Set(['lastRows', 'lastLists'])],
  ...[NeighborTable, JoinPruneState, AssertState, RpKnowledge, RegisterTracker].map((pimClass): [Class, ReadonlySet<string>] => [pimClass, new Set(['latest'])]),
]);

/** The classes whose instances are wiring: kept from the fresh root. */
const WIRING_CLASSES: readonly Class[] = [Promise, Error, SqliteDatabase, PostgresDatabase];

const CLASS_BY_NAME = new Map<string, Class>(STATE_CLASSES.map((stateClass) => [stateClass.name, stateClass]));
const CLASS_BY_PROTOTYPE = new Map<object, Class>(STATE_CLASSES.map((stateClass) => [stateClass.prototype, stateClass]));

/** Marks in the serialized graph: a state class's instance, wiring to take from the fresh root, a cache left out. */
const INSTANCE = '@instance';
const WIRING = '@wiring';
const CACHE = '@cache';

export class CheckpointError extends Error {}

/**
 * What writes a checkpoint: a state is restored only by the mcast that wrote it (its classes' fields
 * are its own). The number goes up whenever a state class's fields change within a version
 * (2: findings numbered for the store, flows kept by link, source and group; 3: the store's writer holds
 * no batch inserters; 4: the routers' lookup by link holds a map per link, the
 * querier findings their members per link).
 */
export const CHECKPOINT_FORMAT = `mcast ${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version} checkpoint 4`;

/** An object literal (or one without a prototype), as opposed to a class instance. */
function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === Object.prototype || prototype === null;
}

export function takeCheckpoint(root: object): Uint8Array {
  const encoded = new Map<object, unknown>();
  const encode = (value: unknown, path: string): unknown => {
    if (typeof value === 'function') return { [WIRING]: true };
    if (typeof value !== 'object' || value === null) return value;
    const known = encoded.get(value);
    if (known !== undefined) return known;
    if (ArrayBuffer.isView(value) || value instanceof Date) return value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      encoded.set(value, out);
      value.forEach((item, index) => out.push(encode(item, `${path}[${index}]`)));
      return out;
    }
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      encoded.set(value, out);
      for (const [key, item] of value) out.set(encode(key, `${path} key`), encode(item, `${path}.get()`));
      return out;
    }
    if (value instanceof Set) {
      const out = new Set<unknown>();
      encoded.set(value, out);
      for (const item of value) out.add(encode(item, `${path} item`));
      return out;
    }
    const plain = isPlainObject(value);
    const stateClass = plain ? null : CLASS_BY_PROTOTYPE.get(Object.getPrototypeOf(value) as object);
    if (stateClass === undefined) {
      if (WIRING_CLASSES.some((known) => value instanceof (known as unknown as new () => object))) return { [WIRING]: true };
      throw new CheckpointError(`checkpoint: ${(value as object).constructor.name} at ${path} is neither state nor wiring (pipeline/checkpoint.ts)`);
    }
    const fields: Record<string, unknown> = {};
    const out = plain ? fields : { [INSTANCE]: stateClass!.name, fields };
    encoded.set(value, out);
    const caches = stateClass ? CACHE_FIELDS.get(stateClass) : undefined;
    for (const key of Object.keys(value)) {
      if (plain && (key === INSTANCE || key === WIRING || key === CACHE)) throw new CheckpointError(`a field is named ${key}`);
      fields[key] = caches?.has(key) ? { [CACHE]: true } : encode((value as Record<string, unknown>)[key], `${path}.${key}`);
    }
    return out;
  };
  return serialize(encode(root, 'root'));
}

/** Lays the state in `bytes` over `fresh` (a root built as the checkpointed one was) and returns it. */
export function restoreCheckpoint<T extends object>(fresh: T, bytes: Uint8Array): T {
  const restored = new Map<object, unknown>();
  /** `value` as saved; `current` what the fresh root holds at that place (`hasCurrent`: a fresh object stands there). */
  const decode = (value: unknown, path: string, hasCurrent: boolean, current: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const known = restored.get(value);
    if (known !== undefined) return known;
    if (ArrayBuffer.isView(value) || value instanceof Date) return value;
    if (Array.isArray(value)) {
      const target = hasCurrent && Array.isArray(current) && current.length === value.length ? current : new Array<unknown>(value.length);
      restored.set(value, target);
      const overlaid = target === current;
      value.forEach((item, index) => { target[index] = decode(item, `${path}[${index}]`, overlaid, overlaid ? target[index] : undefined); });
      return target;
    }
    if (value instanceof Map) {
      const target = hasCurrent && current instanceof Map ? current : new Map<unknown, unknown>();
      target.clear();
      restored.set(value, target);
      for (const [key, item] of value) target.set(decode(key, `${path} key`, false, undefined), decode(item, `${path}.get()`, false, undefined));
      return target;
    }
    if (value instanceof Set) {
      const target = hasCurrent && current instanceof Set ? current : new Set<unknown>();
      target.clear();
      restored.set(value, target);
      for (const item of value) target.add(decode(item, `${path} item`, false, undefined));
      return target;
    }
    const saved = value as Record<string, unknown>;
    if (saved[CACHE] === true) return hasCurrent ? current : undefined;
    if (saved[WIRING] === true) {
      if (!hasCurrent) throw new CheckpointError(`checkpoint: nothing fresh to take the wiring at ${path} from`);
      return current;
    }
    let target: Record<string, unknown>;
    let fields: Record<string, unknown>;
    if (typeof saved[INSTANCE] === 'string') {
      const name = saved[INSTANCE];
      const stateClass = CLASS_BY_NAME.get(name);
      if (!stateClass) throw new CheckpointError(`checkpoint: unknown class ${name} at ${path}`);
      fields = saved.fields as Record<string, unknown>;
      target = hasCurrent && typeof current === 'object' && current !== null && Object.getPrototypeOf(current) === stateClass.prototype
        ? current as Record<string, unknown>
        : Object.create(stateClass.prototype) as Record<string, unknown>;
    } else {
      fields = saved;
      target = hasCurrent && typeof current === 'object' && current !== null && isPlainObject(current) ? current : {};
    }
    restored.set(value, target);
    const overlaid = target === current;
    if (overlaid) {
      for (const key of Object.keys(target)) if (!(key in fields) && typeof target[key] !== 'function') delete target[key];
    }
    for (const [key, item] of Object.entries(fields)) {
      const here = overlaid && key in target;
      target[key] = decode(item, `${path}.${key}`, here, here ? target[key] : undefined);
    }
    return target;
  };
  let saved: unknown;
  try {
    saved = deserialize(bytes);
  } catch (error) {
    throw new CheckpointError(`checkpoint: unreadable (${(error as Error).message})`);
  }
  return decode(saved, 'root', true, fresh) as T;
}
