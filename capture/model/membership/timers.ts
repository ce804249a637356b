/**
 * Protocol timer parameters of one link (RFC 3376 §8 for IGMP, RFC 3810 §9 for MLD, same values).
 *
 * Four base values — Robustness Variable, Query Interval, Query Response Interval, Last Member Query
 * Interval — start from configuration (RFC defaults 2, 125 s, 10 s, 1 s) and are replaced by what the
 * querier's queries show:
 *   QRV  (IGMPv3/MLDv2)           → Robustness Variable, 0 means "use the default"   (RFC 3376 §4.1.6, RFC 3810 §5.1.8)
 *   QQIC (IGMPv3/MLDv2)           → Query Interval, 0 means "use the default"         (RFC 3376 §4.1.7, RFC 3810 §5.1.9)
 *   Max Resp of a General Query   → Query Response Interval; IGMPv1's 0 means 10 s     (RFC 3376 §8.3, RFC 2236 §4)
 *   Max Resp of a Group(-and-Source)-Specific Query → Last Member Query Interval       (RFC 3376 §8.8, RFC 2236 §8.8)
 * An IGMPv2/MLDv1 query carries no QRV nor QQIC: only its Max Resp time is known.
 * The derived intervals below are computed from the current base values each time they are read.
 */
import type { ObservedQuery, ParametersSnapshot, ProtocolDefaults } from './types.js';

export const RFC_DEFAULTS: Readonly<ProtocolDefaults> = {
  robustness: 2,
  queryInterval: 125,
  queryResponseInterval: 10,
  lastMemberQueryInterval: 1,
};

/** RFC 2236 §4: an IGMPv1 query's Max Response Time of 0 is read as 10 s. */
const IGMPV1_RESPONSE_SECONDS = 10;

export class LinkParameters {
  robustness: number;
  queryInterval: number;
  queryResponseInterval: number;
  lastMemberQueryInterval: number;
  private readonly fromWire = { robustness: false, queryInterval: false, queryResponseInterval: false, lastMemberQueryInterval: false };

  constructor(private readonly configured: Readonly<ProtocolDefaults>) {
    this.robustness = configured.robustness;
    this.queryInterval = configured.queryInterval;
    this.queryResponseInterval = configured.queryResponseInterval;
    this.lastMemberQueryInterval = configured.lastMemberQueryInterval;
  }

  /** RFC 3376 §8.4 Group Membership Interval, RFC 3810 §9.4 Multicast Address Listening Interval: RV·QI + QRI. */
  get groupMembershipInterval(): number {
    return this.robustness * this.queryInterval + this.queryResponseInterval;
  }

  /** RFC 3376 §8.5, RFC 3810 §9.5: RV·QI + QRI/2. */
  get otherQuerierPresentInterval(): number {
    return this.robustness * this.queryInterval + this.queryResponseInterval / 2;
  }

  /** RFC 3376 §8.9, RFC 3810 §9.9: Last Member Query Count defaults to the Robustness Variable. */
  get lastMemberQueryCount(): number {
    return this.robustness;
  }

  /** RFC 3376 §8.10, RFC 3810 §9.10: LMQI·LMQC, the time the querier's Q(G)/Q(G,S) retransmissions span. */
  get lastMemberQueryTime(): number {
    return this.lastMemberQueryInterval * this.lastMemberQueryCount;
  }

  /** RFC 3376 §8.13, RFC 3810 §9.13: RV·QI + QRI. */
  get olderVersionHostPresentInterval(): number {
    return this.robustness * this.queryInterval + this.queryResponseInterval;
  }

  /** Takes the values a query from the querier shows; values that are no positive number count as absent. */
  adoptQuery(query: ObservedQuery): void {
    // RFC 3376 §4.1.6 / RFC 3810 §5.1.8: adopt the QRV of the most recent query; 0 → the configured value.
    if (query.qrv !== null) {
      const shown = isPositive(query.qrv);
      this.robustness = shown ? query.qrv : this.configured.robustness;
      this.fromWire.robustness = shown;
    }
    // RFC 3376 §4.1.7 / RFC 3810 §5.1.9: non-queriers adopt the QQI of the most recent query; 0 → configured.
    if (query.qqiSeconds !== null) {
      const shown = isPositive(query.qqiSeconds);
      this.queryInterval = shown ? query.qqiSeconds : this.configured.queryInterval;
      this.fromWire.queryInterval = shown;
    }
    if (query.group === null) {
      const responseSeconds = query.protocol === 'igmp' && query.version === 1 ? IGMPV1_RESPONSE_SECONDS : query.maxRespSeconds;
      if (isPositive(responseSeconds)) {
        this.queryResponseInterval = responseSeconds;
        this.fromWire.queryResponseInterval = true;
      }
    } else if (isPositive(query.maxRespSeconds)) {
      // RFC 3376 §8.8: the Max Resp Code of group-specific queries is the Last Member Query Interval.
      this.lastMemberQueryInterval = query.maxRespSeconds;
      this.fromWire.lastMemberQueryInterval = true;
    }
  }

  snapshot(): ParametersSnapshot {
    return {
      robustness: this.robustness,
      queryInterval: this.queryInterval,
      queryResponseInterval: this.queryResponseInterval,
      lastMemberQueryInterval: this.lastMemberQueryInterval,
      lastMemberQueryCount: this.lastMemberQueryCount,
      lastMemberQueryTime: this.lastMemberQueryTime,
      groupMembershipInterval: this.groupMembershipInterval,
      otherQuerierPresentInterval: this.otherQuerierPresentInterval,
      olderVersionHostPresentInterval: this.olderVersionHostPresentInterval,
      fromWire: { ...this.fromWire },
    };
  }
}

function isPositive(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}
