/**
 * Findings as intervals. Each family (querier.ts, pim.ts, forwarding.ts, ...) says which
 * conditions hold at a moment; the tracker opens a finding when its condition first holds, keeps
 * it (with the latest detail) while it does, and closes it when it no longer does. Events (a
 * neighbor's holdtime ran out, the DR changed) open findings of their own, which their family
 * closes. Packet time only: a file and a live capture give the same findings.
 */
import type { Finding, FindingKind, Severity } from '../../shapes/findings.js';

/** A condition as a family states it: everything of a finding but its interval. */
export interface Condition {
  kind: FindingKind;
  severity: Severity;
  link: string | null;
  group: string | null;
  source: string | null;
  router: string | null;
  detail: Record<string, unknown>;
  explanation: string;
  rule: string;
  /** When the condition began, when the evidence says (a first bad packet); else when it was first seen to hold. */
  since?: number;
  /**
   * Seconds the condition must hold before it is a finding: what the protocol itself takes to
   * settle (a Join travelling upstream, a Prune's override interval). The finding still begins
   * when the condition did.
   */
  holdsFor?: number;
}

/** What makes a condition the same condition: its kind and where it is. */
/**
 * Kinds whose router is who should act (the forwarder a black hole waits on, the router a loss is
 * next to), not what the finding is about: the same place with another router named is the same finding.
 */
const ROUTER_NAMED_ONLY = new Set<FindingKind>(['tree.black-hole', 'tree.ttl-limited', 'stream.loss']);

export function conditionKey(condition: Pick<Condition, 'kind' | 'link' | 'group' | 'source' | 'router'>): string {
  const router = ROUTER_NAMED_ONLY.has(condition.kind) ? null : condition.router;
  return [condition.kind, condition.link, condition.group, condition.source, router].map((part) => part ?? '*').join('|');
}

/** Told when a finding opens or closes, at the packet time it is noticed. */
export type FindingListener = (time: number, change: 'opened' | 'closed', finding: Finding) => void;

/** A finding and its number in the run (0, 1, ... in the order they opened): what a store keeps it under. */
export interface NumberedFinding {
  serial: number;
  finding: Finding;
}

export class FindingsTracker {
  private readonly open = new Map<string, Finding>();
  private readonly closed: Finding[] = [];
  /** Which open findings the periodic evaluation owns (the rest are events, closed by their family). */
  private readonly evaluated = new Set<string>();
  /** Counts every finding opened or closed: a reader holding an older count has stale findings. */
  revision = 0;
  /** Conditions holding for less than their `holdsFor`: when each was first seen. */
  private readonly pending = new Map<string, number>();
  /** Each finding's number, in the order they opened. */
  private readonly serials = new Map<Finding, number>();
  /** Findings opened, closed or refreshed since the last `takeChanged`. */
  private readonly changed = new Set<Finding>();

  constructor(private readonly listener: FindingListener | null = null) {}

  /** The conditions holding at `at`, from the periodic evaluation: opens the new, closes the gone. */
  holding(at: number, conditions: readonly Condition[]): void {
    const now = new Set<string>();
    for (const condition of conditions) {
      const key = conditionKey(condition);
      if (now.has(key)) continue;
      now.add(key);
      if (!this.open.has(key) && condition.holdsFor !== undefined) {
        const first = this.pending.get(key) ?? Math.min(at, condition.since ?? at);
        this.pending.set(key, first);
        if (at - first < condition.holdsFor) continue;
        this.pending.delete(key);
        condition.since = first;
      }
      this.raise(at, condition);
      this.evaluated.add(key);
    }
    for (const key of [...this.pending.keys()]) if (!now.has(key)) this.pending.delete(key);
    for (const key of [...this.evaluated]) {
      if (now.has(key)) continue;
      this.evaluated.delete(key);
      this.close(key, at);
    }
  }

  /** Opens (or refreshes) a finding for a condition that began at `at`. */
  raise(at: number, condition: Condition): void {
    const key = conditionKey(condition);
    const found = this.open.get(key);
    if (found) {
      found.router = condition.router ?? found.router;
      found.detail = condition.detail;
      found.explanation = condition.explanation;
      found.severity = condition.severity;
      this.changed.add(found);
      return;
    }
    const { since, holdsFor: _holdsFor, ...fields } = condition;
    const finding: Finding = { ...fields, at: Math.min(at, since ?? at), until: null };
    this.open.set(key, finding);
    this.number(finding);
    this.revision++;
    this.listener?.(at, 'opened', { ...finding });
  }

  /** Ends the finding of a condition, if open. */
  close(key: string, at: number): void {
    const found = this.open.get(key);
    if (!found) return;
    this.open.delete(key);
    found.until = Math.max(at, found.at);
    this.closed.push(found);
    this.changed.add(found);
    this.revision++;
    this.listener?.(at, 'closed', { ...found });
  }

  /** A finding that is one moment (an event): opened and closed at `at`. */
  moment(at: number, condition: Condition): void {
    this.close(conditionKey(condition), at);
    const { since: _since, holdsFor: _holdsFor, ...fields } = condition;
    const finding: Finding = { ...fields, at, until: at };
    this.closed.push(finding);
    this.number(finding);
    this.revision++;
    this.listener?.(at, 'opened', { ...finding });
    this.listener?.(at, 'closed', { ...finding });
  }

  private number(finding: Finding): void {
    this.serials.set(finding, this.serials.size);
    this.changed.add(finding);
  }

  /** Whether a condition is waiting out its holdsFor: it should be looked at again within a second. */
  get waiting(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Copies of the findings opened, closed or refreshed (an open one's detail) since the last call,
   * with their numbers, in the order they began: what a store writes instead of every finding again.
   */
  takeChanged(): NumberedFinding[] {
    const changed = [...this.changed].map((finding) => ({ serial: this.serials.get(finding)!, finding: { ...finding } }));
    this.changed.clear();
    return changed.sort((a, b) => a.finding.at - b.finding.at || a.finding.kind.localeCompare(b.finding.kind) || a.serial - b.serial);
  }

  /** Every finding so far, in the order they began. */
  all(): Finding[] {
    return [...this.closed, ...this.open.values()].map((finding) => ({ ...finding })).sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind));
  }

  /** The findings holding at `at`: begun by then and not ended before it (a moment holds at its own time). */
  at(at: number): Finding[] {
    return this.all().filter((finding) => finding.at <= at && (finding.until === null || finding.until > at || finding.until === finding.at && finding.at === at));
  }
}
