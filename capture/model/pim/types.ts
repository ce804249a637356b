/**
 * PIM-SM state as a passive observer of each link reconstructs it (RFC 7761, RFC 5059).
 *
 * Inputs are decoded PIM messages with their IP ends and the link they were seen on. Outputs are
 * change records (what happened, in packet time) and JSON-friendly snapshots. Every time is
 * absolute packet-time seconds; no wall clock is ever read. In snapshots an `expiresAt` of null
 * means "never" (a holdtime of 0xffff).
 */
import type { AddressFamily, LanPruneDelay, PimMessage } from '../../protocols/pim.js';

export type { AddressFamily, LanPruneDelay } from '../../protocols/pim.js';

/** One PIM message as seen on a link. */
export interface ObservedPim {
  /** Packet time, epoch seconds. */
  time: number;
  link: string;
  /** IP source and destination. */
  src: string;
  dst: string;
  srcMac: string | null;
  message: PimMessage;
}

/** Protocol defaults, used whenever the wire does not say otherwise (RFC 7761 §4.11, RFC 5059 §5). */
export interface PimDefaults {
  /** Default_Hello_Holdtime, for a Hello without a Holdtime option: 3.5 × Hello_Period = 105 s. */
  helloHoldtime: number;
  /** Propagation_Delay_default, seconds (§4.3.3): 0.5. */
  propagationDelay: number;
  /** t_override_default, seconds (§4.3.3): 2.5. */
  overrideInterval: number;
  /** Assert_Time, seconds (§4.11): 180. */
  assertTime: number;
  /** Register_Suppression_Time, seconds (§4.11): 60; a DR probes at most 1.5 × this after a Register-Stop. */
  registerSuppressionTime: number;
  /** Register_Probe_Time, seconds (§4.11): 5. */
  registerProbeTime: number;
  /** Keepalive_Period, seconds (§4.11): 210; how long a silent (S,G) register state is kept. */
  keepalivePeriod: number;
  /** BS_Timeout, seconds (RFC 5059 §5): 130; a BSR unheard for this long is gone. */
  bootstrapTimeout: number;
  /** Hash mask length when no Bootstrap gave one (RFC 5059 §3.3 suggests 30 for IPv4, 126 for IPv6). */
  hashMaskLengthIPv4: number;
  hashMaskLengthIPv6: number;
}

/** Resource limits: exceeding one drops the new state and records a `limit-exceeded` change. */
export interface PimLimits {
  maxNeighborsPerLink: number;
  /** Join/Prune rows, one per (link, downstream router, upstream, entry). */
  maxJoinStates: number;
  maxAsserts: number;
  /** RP rows, over every way of learning them. */
  maxRps: number;
  maxRegisters: number;
}

export type PimOptions = PimDefaults & PimLimits;

export type JoinEntryType = '*,G' | 'S,G' | 'S,G,rpt';

/** Downstream state of one entry on one link as the upstream router holds it (RFC 7761 §4.5). */
export type JoinState = 'join' | 'prune-pending' | 'pruned';

/** Where an RP mapping was seen. */
export type RpSource = 'bsr' | 'c-rp-adv' | 'register' | 'join';

/** RFC 7761 §4.4.1 register state at the DR: JOIN, PRUNE, JOIN-PENDING. */
export type RegisterState = 'registering' | 'suppressed' | 'probing';

export type LimitName = keyof PimLimits;

/** Why a Join/Prune row ended: its Expiry Timer, or the upstream router's neighbor state ended. */
export type JoinEndReason = 'holdtime-expired' | 'upstream-down';

/** The entry a Join/Prune row or change is about. */
export interface JoinEntryDetail {
  from: string;
  upstream: string;
  type: JoinEntryType;
  source: string | null;
  group: string;
}

export interface AssertDetail {
  source: string | null;
  group: string;
  winner: string;
  rpt: boolean;
  metricPreference: number;
  metric: number;
}

export interface RegisterDetail {
  source: string;
  group: string;
  dr: string;
  rp: string;
}

export interface RpDetail {
  rp: string;
  groupPrefix: string;
  learnedFrom: RpSource;
  priority: number | null;
}

/** What each change kind carries. */
export interface PimChangeDetails {
  'neighbor-up': { address: string; holdtime: number; drPriority: number | null; generationId: number | null };
  'neighbor-down': { address: string; reason: 'goodbye' | 'holdtime-expired' };
  'neighbor-restart': { address: string; previousGenerationId: number; generationId: number };
  'dr-changed': { from: string | null; to: string | null };
  /** A new Join, or a Join where the row was pruned or prune-pending. */
  join: JoinEntryDetail & { rp: string | null; holdtime: number };
  /** A Prune received: the row is prune-pending until `effectiveAt`. */
  prune: JoinEntryDetail & { holdtime: number; effectiveAt: number };
  /** A Prune took effect; `removedJoins` are the downstream routers whose Join state ended with it. */
  pruned: JoinEntryDetail & { removedJoins: string[] };
  /** A Join (or a (*,G) Join without the (S,G,rpt) Prune) cancelled a pending or standing Prune. */
  'prune-overridden': JoinEntryDetail & { overriddenBy: string };
  'join-expired': JoinEntryDetail & { reason: JoinEndReason };
  'prune-expired': JoinEntryDetail & { reason: JoinEndReason };
  'assert-winner': AssertDetail & { previous: string | null };
  'assert-cancel': AssertDetail;
  'assert-expired': AssertDetail & { reason: 'assert-timer' | 'winner-neighbor-down' | 'winner-restarted' };
  'rp-learned': RpDetail;
  'rp-expired': RpDetail & { reason: 'holdtime-expired' | 'withdrawn' };
  'bsr-elected': { address: string; priority: number; previous: string | null };
  'bsr-expired': { address: string };
  'register-started': RegisterDetail;
  'register-stopped': RegisterDetail & { suppressedUntil: number };
  'register-probe': RegisterDetail;
  'register-resumed': RegisterDetail & { reason: 'data-register' | 'probe-unanswered' };
  /** Keepalive_Period without a message while registering, or no Null-Register probe by the end of a suppression. */
  'register-expired': RegisterDetail & { reason: 'keepalive-expired' | 'no-probe' };
  'limit-exceeded': { limit: LimitName; max: number; dropped: string };
}

export type PimChangeKind = keyof PimChangeDetails;

export type PimChange = {
  [K in PimChangeKind]: {
    time: number;
    /** The link of per-link state (neighbors, DR, joins, asserts); null for domain-wide RP, BSR and register state. */
    link: string | null;
    /** The group and source of (S,G) / (*,G) state; null where a change is about neither (an RP mapping's prefix is in its detail). */
    group: string | null;
    source: string | null;
    kind: K;
    detail: PimChangeDetails[K];
  };
}[PimChangeKind];

export interface NeighborSnapshot {
  address: string;
  mac: string | null;
  holdtime: number;
  expiresAt: number | null;
  drPriority: number | null;
  generationId: number | null;
  secondaryAddresses: string[];
  lanPruneDelay: LanPruneDelay | null;
  /** When it came up (or last restarted, by a new Generation ID). */
  since: number;
  lastHelloAt: number;
}

/** The PIM routers of one address family on one link. */
export interface LinkSnapshot {
  link: string;
  family: AddressFamily;
  neighbors: NeighborSnapshot[];
  dr: string | null;
}

export interface JoinSnapshot extends JoinEntryDetail {
  link: string;
  /** (*,G): the RP named in the entry; null otherwise. */
  rp: string | null;
  state: JoinState;
  holdtime: number;
  since: number;
  /** Prune-pending: when the Prune takes effect unless overridden. */
  pruneEffectiveAt: number | null;
  expiresAt: number | null;
}

export interface AssertSnapshot extends AssertDetail {
  link: string;
  since: number;
  expiresAt: number;
}

export interface RpSnapshot extends RpDetail {
  holdtime: number | null;
  since: number;
  expiresAt: number | null;
}

export interface BsrSnapshot {
  address: string;
  priority: number;
  hashMaskLength: number;
  since: number;
  expiresAt: number;
}

export interface RegisterSnapshot extends RegisterDetail {
  state: RegisterState;
  since: number;
  lastRegisterAt: number | null;
  lastNullRegisterAt: number | null;
  registerStopAt: number | null;
  suppressedUntil: number | null;
  /**
   * The DR's Register_Suppression_Time as the wire shows it: the mean of its Register-Stop → first
   * Null-Register intervals plus Register_Probe_Time (RFC 7761 §4.4.1); null before any.
   */
  observedSuppressionTime: number | null;
}

export interface PimSnapshot {
  time: number;
  links: LinkSnapshot[];
  joins: JoinSnapshot[];
  asserts: AssertSnapshot[];
  rps: RpSnapshot[];
  /** The elected BSR of each address family. */
  bsrs: BsrSnapshot[];
  registers: RegisterSnapshot[];
}

/** The RP a group maps to (RFC 7761 §4.7.2), and how it was chosen. */
export interface RpMapping {
  rp: string;
  groupPrefix: string;
  learnedFrom: RpSource;
  priority: number | null;
  /** The §4.7.2 hash value when the hash chose between RPs of equal priority; null otherwise. */
  hash: number | null;
}

/** One thing with a timer: `deadline` is when it next needs attention, Infinity for never. */
export interface Timed {
  deadline: number;
}

/** A mechanism whose timers `PimState.advance` runs, in time order across mechanisms. */
export interface Expiring {
  nextDeadline(): number;
  /** Handles everything due exactly at `at` (the earliest deadline). */
  expireAt(at: number, out: PimChange[]): void;
}

