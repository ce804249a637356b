/** What every link-layer decoder hands to the network layer. */

/** Linux cooked-capture packet types (`sll_pkttype`, linux/if_packet.h PACKET_*). */
export type LinuxPacketType = 'host' | 'broadcast' | 'multicast' | 'otherhost' | 'outgoing';

export interface LinkFrame {
  /** Source MAC, when the link layer carries one (Ethernet, SLL with a 6-byte address). */
  srcMac: string | null;
  /** Destination MAC (Ethernet only). */
  dstMac: string | null;
  /** 802.1Q / 802.1ad VLAN IDs, outer → inner; empty when untagged. */
  vlans: number[];
  /** 0x0800 IPv4, 0x86dd IPv6, other EtherTypes as seen; 0 for 802.3/LLC frames and non-IP families. */
  etherType: number;
  /** The bytes after the link header (network-layer packet, possibly followed by Ethernet padding). */
  payload: Uint8Array;
  /** Linux cooked captures (SLL, SLL2) only: how the packet met the capturing host. */
  packetType?: LinuxPacketType;
}

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
