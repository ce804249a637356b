/**
 * Ethernet II / IEEE 802.3 frames (LINKTYPE_ETHERNET = 1).
 *
 *   dst MAC (6) | src MAC (6) | type-or-length (2) | [VLAN tag (4)]* | payload
 *
 * - type-or-length ≥ 0x0600 is an EtherType (IEEE 802.3 §3.2.6); below it is an 802.3 length
 *   followed by an LLC header, reported as etherType 0 with the LLC bytes as payload.
 * - VLAN tags (IEEE 802.1Q): TPID 0x8100 (C-tag), 0x88a8 (802.1ad S-tag), 0x9100 (pre-standard
 *   QinQ); each tag is TCI (2: PCP 3 bits, DEI 1, VLAN ID 12) + the next type (2). Any depth.
 * - A trailing FCS, when a capture keeps one, is left in the payload (the IP length bounds it).
 */
import { ok, truncated, type Decoded } from '../decode-error.js';
import { formatMac } from '../ip/address-format.js';
import type { LinkFrame } from './link-frame.js';
import { readUint16 } from '../bytes.js';

const ETHERNET_HEADER_LENGTH = 14;
const DST_MAC_OFFSET = 0;
const SRC_MAC_OFFSET = 6;
const TYPE_OFFSET = 12;
const VLAN_TAG_LENGTH = 4;
const VLAN_ID_MASK = 0x0fff;
/** Smallest EtherType; smaller values are IEEE 802.3 lengths. */
const MIN_ETHERTYPE = 0x0600;

const VLAN_TPIDS = new Set([0x8100, 0x88a8, 0x9100]);

export function isVlanTpid(etherType: number): boolean {
  return VLAN_TPIDS.has(etherType);
}

export interface VlanTags {
  vlans: number[];
  etherType: number;
  /** Offset of the first byte after the last tag. */
  end: number;
}

/**
 * Reads the stack of VLAN tags that starts at `offset`, given the TPID that announced the first
 * one. Shared with the Linux cooked captures, where libpcap reinserts tags the kernel stripped.
 */
export function readVlanTags(data: Uint8Array, offset: number, tpid: number): Decoded<VlanTags> {
  const vlans: number[] = [];
  let etherType = tpid;
  let at = offset;
  while (isVlanTpid(etherType)) {
    if (data.length < at + VLAN_TAG_LENGTH) {
      return truncated('link', at, VLAN_TAG_LENGTH, data.length - at, 'VLAN tag');
    }
    vlans.push((readUint16(data, at)) & VLAN_ID_MASK);
    etherType = readUint16(data, at + 2);
    at += VLAN_TAG_LENGTH;
  }
  return ok({ vlans, etherType, end: at });
}

export function decodeEthernet(data: Uint8Array): Decoded<LinkFrame> {
  if (data.length < ETHERNET_HEADER_LENGTH) {
    return truncated('link', 0, ETHERNET_HEADER_LENGTH, data.length, 'Ethernet header');
  }
  const typeOrLength = readUint16(data, TYPE_OFFSET);
  const tags = readVlanTags(data, ETHERNET_HEADER_LENGTH, typeOrLength);
  if (!tags.ok) return tags;
  const { vlans, etherType, end } = tags.value;
  return ok({
    srcMac: formatMac(data, SRC_MAC_OFFSET),
    dstMac: formatMac(data, DST_MAC_OFFSET),
    vlans,
    etherType: etherType < MIN_ETHERTYPE ? 0 : etherType,
    payload: data.subarray(end),
  });
}
