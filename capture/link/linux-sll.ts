/**
 * Linux "cooked" captures (`tcpdump -i any`): LINKTYPE_LINUX_SLL = 113, LINKTYPE_LINUX_SLL2 = 276
 * (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html, .../LINKTYPE_LINUX_SLL2.html).
 *
 *   SLL  (16): packet type (2) | ARPHRD type (2) | address length (2) | address (8) | protocol (2)
 *   SLL2 (20): protocol (2) | reserved (2) | interface index (4) | ARPHRD type (2) |
 *              packet type (1) | address length (1) | address (8)
 *
 * All fields big-endian. The address is the sender's link-layer address (a MAC when its length is
 * 6); there is no destination. The protocol is an EtherType for the frames we care about (1 and
 * 4 mean Novell 802.3 / 802.2 LLC and are reported as etherType 0). libpcap reinserts VLAN tags
 * the kernel stripped, announced by a VLAN TPID in the protocol field.
 */
import { ok, truncated, type Decoded } from '../decode-error.js';
import { formatMac } from '../ip/address-format.js';
import { readVlanTags } from './ethernet.js';
import type { LinkFrame, LinuxPacketType } from './link-frame.js';
import { readUint16 } from '../bytes.js';

const MAC_LENGTH = 6;
/** Protocol values below this are Linux pseudo-protocols (ETH_P_802_3 = 1, ETH_P_802_2 = 4, ...). */
const MIN_ETHERTYPE = 0x0600;

/** linux/if_packet.h: PACKET_HOST 0 .. PACKET_OUTGOING 4. */
const PACKET_TYPES: readonly LinuxPacketType[] = ['host', 'broadcast', 'multicast', 'otherhost', 'outgoing'];

interface CookedHeaderLayout {
  name: string;
  length: number;
  packetTypeOffset: number;
  packetTypeSize: 1 | 2;
  addressLengthOffset: number;
  addressLengthSize: 1 | 2;
  addressOffset: number;
  protocolOffset: number;
}

const SLL: CookedHeaderLayout = {
  name: 'Linux SLL header', length: 16,
  packetTypeOffset: 0, packetTypeSize: 2,
  addressLengthOffset: 4, addressLengthSize: 2,
  addressOffset: 6, protocolOffset: 14,
};

const SLL2: CookedHeaderLayout = {
  name: 'Linux SLL2 header', length: 20,
  packetTypeOffset: 10, packetTypeSize: 1,
  addressLengthOffset: 11, addressLengthSize: 1,
  addressOffset: 12, protocolOffset: 0,
};

function readField(data: Uint8Array, offset: number, size: 1 | 2): number {
  return size === 1 ? data[offset]! : readUint16(data, offset);
}

function decodeCooked(data: Uint8Array, layout: CookedHeaderLayout): Decoded<LinkFrame> {
  if (data.length < layout.length) return truncated('link', 0, layout.length, data.length, layout.name);
  const addressLength = readField(data, layout.addressLengthOffset, layout.addressLengthSize);
  const protocol = readUint16(data, layout.protocolOffset);
  const tags = readVlanTags(data, layout.length, protocol);
  if (!tags.ok) return tags;
  const { vlans, etherType, end } = tags.value;
  return ok({
    srcMac: addressLength === MAC_LENGTH ? formatMac(data, layout.addressOffset) : null,
    dstMac: null,
    vlans,
    etherType: etherType < MIN_ETHERTYPE ? 0 : etherType,
    payload: data.subarray(end),
    // Codes past OUTGOING (loopback, user, kernel) carry no meaning for us: left undefined.
    packetType: PACKET_TYPES[readField(data, layout.packetTypeOffset, layout.packetTypeSize)],
  });
}

export function decodeLinuxSll(data: Uint8Array): Decoded<LinkFrame> {
  return decodeCooked(data, SLL);
}

export function decodeLinuxSll2(data: Uint8Array): Decoded<LinkFrame> {
  return decodeCooked(data, SLL2);
}
