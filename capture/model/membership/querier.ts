/**
 * Querier election as every router on the link runs it (RFC 3376 §6.6.2, RFC 2236 §3, RFC 3810 §7.6.2,
 * RFC 2710 §4): the router with the lowest address is the querier — IPv4 source address for IGMP, IPv6
 * link-local source address for MLD, compared as numbers. A router that hears a query from a lower address
 * sets its Other Querier Present timer to the Other Querier Present Interval and stays silent; when that
 * timer expires it starts querying itself. A passive observer therefore knows the querier from the
 * queries it sees: the lowest address heard, until it has been silent for the Other Querier Present
 * Interval; then the next query heard, from whichever router took over, names the new one.
 *
 * The querier's version is the version of its latest query; the link operates in it (RFC 3376 §7.3.1,
 * RFC 3810 §8.3.1: the querier uses the lowest version present on the link).
 */
import { compareAddresses } from '../../ip/address-format.js';
import type { QuerierSnapshot } from './types.js';

export { compareAddresses };

export type QueryOutcome =
  | 'first-query'     // no querier was known: the sender is the querier
  | 'lower-address'   // the sender wins the election against the known querier
  | 'refreshed'       // a query from the known querier
  | 'outranked'       // a query from a higher address while the querier is present: it does not win
  | 'no-address';     // sent from 0.0.0.0 / :: (a snooping switch's proxy query, RFC 4541 §2.1.1): never a querier

export interface QuerierState {
  address: string;
  version: number;
  since: number;
  lastQueryAt: number;
  otherQuerierExpiresAt: number;
}

export class QuerierElection {
  current: QuerierState | null = null;


  /**
   * Applies the election to a query heard at `time`. The caller then sets `current.otherQuerierExpiresAt`
   * (unless outranked), once the query's own parameters are adopted.
   */
  hear(sender: string, version: number, time: number): QueryOutcome {
    if (sender === '0.0.0.0' || sender === '::') return 'no-address';
    const current = this.current;
    if (current === null) {
      this.current = { address: sender, version, since: time, lastQueryAt: time, otherQuerierExpiresAt: time };
      return 'first-query';
    }
    if (sender === current.address) {
      current.version = version;
      current.lastQueryAt = time;
      return 'refreshed';
    }
    // RFC 3376 §6.6.2: a query from a lower address takes over the querier role.
    if (compareAddresses(sender, current.address) < 0) {
      this.current = { address: sender, version, since: time, lastQueryAt: time, otherQuerierExpiresAt: time };
      return 'lower-address';
    }
    return 'outranked';
  }

  /** RFC 3376 §6.6.2: the Other Querier Present timer expired; the querier is unknown until the next query. */
  expireIfSilent(now: number): QuerierState | null {
    const current = this.current;
    if (current === null || current.otherQuerierExpiresAt > now) return null;
    this.current = null;
    return current;
  }

  snapshot(): QuerierSnapshot | null {
    return this.current && { ...this.current };
  }
}
