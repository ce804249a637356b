/**
 * packet.bad-checksum: a router or host sending IGMP/MLD/PIM messages whose checksum does not
 * verify (RFC 1071; RFC 3376 §4.1.2, RFC 3810 §5.1.2, RFC 7761 §4.9): every receiver drops them,
 * so what they say never happens. Holds while the sender keeps sending them.
 */
import type { BadChecksums } from '../model/network-analyzer.js';
import type { Condition } from './tracker.js';

/** How long after its last bad message a sender is still reported. */
const QUIET_AFTER = 60;

export function badChecksums(at: number, seen: Iterable<BadChecksums>): Condition[] {
  const conditions: Condition[] = [];
  for (const entry of seen) {
    if (at - entry.lastSeen > QUIET_AFTER) continue;
    conditions.push({
      kind: 'packet.bad-checksum', severity: entry.count >= 3 ? 'error' : 'warning', link: entry.link, group: null, source: null, router: entry.sender,
      since: entry.firstSeen,
      detail: { sender: entry.sender, mac: entry.mac, messageKind: entry.kind, count: entry.count, lastSeen: entry.lastSeen },
      explanation: `${entry.sender} sent ${entry.count} ${entry.kind} message(s) with a bad checksum on ${entry.link}: every receiver drops them.`,
      rule: entry.kind.startsWith('pim') ? 'RFC 7761 §4.9' : entry.kind.startsWith('mld') ? 'RFC 3810 §5.1.2' : 'RFC 3376 §4.1.2',
    });
  }
  return conditions;
}
