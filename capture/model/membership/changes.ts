/** Collects the change records one call produces, stamped with the link and family. */
import type { AddressFamily, MembershipChange, MembershipChangeDetails, MembershipChangeKind } from './types.js';

const NO_CHANGES: readonly MembershipChange[] = Object.freeze([]);

export class ChangeLog {
  records: MembershipChange[] = [];

  constructor(private readonly link: string, private readonly family: AddressFamily) {}

  add<K extends MembershipChangeKind>(time: number, kind: K, group: string | null, detail: MembershipChangeDetails[K]): void {
    this.records.push({ time, link: this.link, family: this.family, kind, group, source: null, detail } as MembershipChange);
  }

  /** Hands the collected records over and starts a new list (most calls change nothing: one shared empty list then). */
  take(): readonly MembershipChange[] {
    if (this.records.length === 0) return NO_CHANGES;
    const taken = this.records;
    this.records = [];
    return taken;
  }
}
