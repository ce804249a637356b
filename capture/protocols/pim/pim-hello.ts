/**
 * PIM Hello (type 0; RFC 7761 §4.9.2): after the 4-byte header, options until the end of the
 * message, each `type (2) | length (2) | value (length bytes)`, unpadded.
 *
 *   type  length  option                                             typed field
 *   1     2       Holdtime, seconds (RFC 7761 §4.9.2)                 holdtime
 *   2     4       LAN Prune Delay: T | 15-bit propagation delay ms,   lanPruneDelay
 *                 16-bit override interval ms (RFC 7761 §4.9.2)
 *   19    4       DR Priority (RFC 7761 §4.9.2)                       drPriority
 *   20    4       Generation ID (RFC 7761 §4.9.2)                     generationId
 *   21    4       State Refresh Capable: version, interval s,         stateRefresh
 *                 reserved (RFC 3973 §4.7.5.1)
 *   24    var     Address List: Encoded-Unicast addresses             secondaryAddresses
 *                 (RFC 7761 §4.9.2)
 *
 * Every option, known or not, is also listed in `options` with its raw value; names follow the
 * IANA PIM-Hello Options registry, plus 65001, Cisco's pre-RFC address list.
 */
import { fail, ok, truncated, type ChecksumStatus, type Decoded } from '../../decode-error.js';
import { readUint16, readUint32 } from '../../bytes.js';
import { decodeEncodedUnicast, encodedUnicastLength, type EncodedUnicast } from './pim-encoded-address.js';
import { PIM_HEADER_LENGTH } from './pim-header.js';

export interface PimHelloOption {
  type: number;
  name: string;
  /** The option's value bytes (a view into the decoded message). */
  value: Uint8Array;
}

export interface LanPruneDelay {
  /** T bit: the sender tracks Joins, so Join suppression may be disabled (RFC 7761 §4.3.3). */
  trackingSupport: boolean;
  propagationDelayMs: number;
  overrideIntervalMs: number;
}

export interface StateRefreshCapability {
  version: number;
  intervalSeconds: number;
}

export interface PimHello {
  kind: 'pim.hello';
  checksum: ChecksumStatus;
  options: PimHelloOption[];
  /** Seconds the neighbor is kept; 0 means "goodbye", 0xffff "never time out". */
  holdtime: number | null;
  lanPruneDelay: LanPruneDelay | null;
  drPriority: number | null;
  generationId: number | null;
  stateRefresh: StateRefreshCapability | null;
  /** Option 24: the sender's other addresses on the link. */
  secondaryAddresses: EncodedUnicast[];
}

const OPTION_HEADER_LENGTH = 4;

const OPTION_HOLDTIME = 1;
const OPTION_LAN_PRUNE_DELAY = 2;
const OPTION_DR_PRIORITY = 19;
const OPTION_GENERATION_ID = 20;
const OPTION_STATE_REFRESH = 21;
const OPTION_ADDRESS_LIST = 24;

const LAN_PRUNE_DELAY_T_BIT = 0x8000;

/** The one success value of the option fillers (shared: nothing to allocate per option). */
const FILLED: Decoded<true> = ok(true);

const OPTION_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'holdtime'],
  [2, 'lan-prune-delay'],
  [17, 'label-parameters'],
  [18, 'deprecated'],
  [19, 'dr-priority'],
  [20, 'generation-id'],
  [21, 'state-refresh-capable'],
  [22, 'bidirectional-capable'],
  [23, 'vci-capability'],
  [24, 'address-list'],
  [25, 'neighbor-list'],
  [26, 'join-attribute'],
  [27, 'pim-over-tcp-capable'],
  [28, 'pim-over-sctp-capable'],
  [29, 'pop-count'],
  [65001, 'address-list-old'],
]);

/** The fixed value length of each option with a typed field (option 24 is variable). */
const FIXED_OPTION_LENGTHS: ReadonlyMap<number, number> = new Map([
  [OPTION_HOLDTIME, 2],
  [OPTION_LAN_PRUNE_DELAY, 4],
  [OPTION_DR_PRIORITY, 4],
  [OPTION_GENERATION_ID, 4],
  [OPTION_STATE_REFRESH, 4],
]);

function helloOptionName(type: number): string {
  return OPTION_NAMES.get(type) ?? `unknown-${type}`;
}

export function decodeHello(bytes: Uint8Array, checksum: ChecksumStatus): Decoded<PimHello> {
  const hello: PimHello = {
    kind: 'pim.hello',
    checksum,
    options: [],
    holdtime: null,
    lanPruneDelay: null,
    drPriority: null,
    generationId: null,
    stateRefresh: null,
    secondaryAddresses: [],
  };
  let offset = PIM_HEADER_LENGTH;
  while (offset < bytes.length) {
    if (bytes.length - offset < OPTION_HEADER_LENGTH) {
      return truncated('pim', offset, OPTION_HEADER_LENGTH, bytes.length - offset, 'hello option header');
    }
    const type = readUint16(bytes, offset);
    const length = readUint16(bytes, offset + 2);
    const valueStart = offset + OPTION_HEADER_LENGTH;
    if (bytes.length - valueStart < length) {
      return truncated('pim', valueStart, length, bytes.length - valueStart, `hello option ${type} value`);
    }
    const fixedLength = FIXED_OPTION_LENGTHS.get(type);
    if (fixedLength !== undefined && length !== fixedLength) {
      return fail('pim', 'bad-length', offset + 2, `hello option ${type}: length ${length}, must be ${fixedLength}`);
    }
    const filled = fillTypedField(hello, bytes, type, valueStart, length);
    if (!filled.ok) return filled;
    hello.options.push({ type, name: helloOptionName(type), value: bytes.subarray(valueStart, valueStart + length) });
    offset = valueStart + length;
  }
  return ok(hello);
}

/** Sets the typed field for a known option whose length has been checked; others are list-only. */
function fillTypedField(hello: PimHello, bytes: Uint8Array, type: number, start: number, length: number): Decoded<true> {
  switch (type) {
    case OPTION_HOLDTIME:
      hello.holdtime = readUint16(bytes, start);
      break;
    case OPTION_LAN_PRUNE_DELAY: {
      const delayWord = readUint16(bytes, start);
      hello.lanPruneDelay = {
        trackingSupport: (delayWord & LAN_PRUNE_DELAY_T_BIT) !== 0,
        propagationDelayMs: delayWord & ~LAN_PRUNE_DELAY_T_BIT,
        overrideIntervalMs: readUint16(bytes, start + 2),
      };
      break;
    }
    case OPTION_DR_PRIORITY:
      hello.drPriority = readUint32(bytes, start);
      break;
    case OPTION_GENERATION_ID:
      hello.generationId = readUint32(bytes, start);
      break;
    case OPTION_STATE_REFRESH:
      hello.stateRefresh = { version: bytes[start]!, intervalSeconds: bytes[start + 1]! };
      break;
    case OPTION_ADDRESS_LIST:
      return decodeAddressList(hello.secondaryAddresses, bytes, start, start + length);
  }
  return FILLED;
}

/** Option 24's value is Encoded-Unicast addresses that must fill it exactly. */
function decodeAddressList(into: EncodedUnicast[], bytes: Uint8Array, start: number, end: number): Decoded<true> {
  const value = bytes.subarray(0, end);
  for (let offset = start; offset < end; ) {
    const address = decodeEncodedUnicast(value, offset, 'hello address list entry');
    if (!address.ok) return address;
    into.push(address.value);
    offset += encodedUnicastLength(address.value.family);
  }
  return FILLED;
}
