/** Collects the change records one call produces, stamped with the link and family. */
import type { AddressFamily, MembershipChange, MembershipChangeDetails, MembershipChangeKind } from './types.js';

export class ChangeLog {
  records: MembershipChange[] = [];

  constructor(private readonly link: string, private readonly family: AddressFamily) {}

  add<K extends MembershipChangeKind>(time: number, kind: K, group: string | null, detail: MembershipChangeDetails[K]): void {
    this.records.push({ time, link: this.link, family: this.family, kind, group, source: null, detail } as MembershipChange);
  }

  /** Hands the collected records over and starts a new list. */
  take(): MembershipChange[] {
    const taken = this.records;
    this.records = [];
    return taken;
  }
}
