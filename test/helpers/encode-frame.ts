/** Ethernet framing and Frame records around encoded IP packets, for frame-level tests. */
import type { Frame } from '../../capture/frame.js';
import { concat } from './encode-ip.js';

export function macBytes(mac: string): number[] {
  return mac.split(':').map((byte) => parseInt(byte, 16));
}

/** An Ethernet II frame; `vlans` adds 802.1Q tags outer → inner. */
export function ethernetFrame(dstMac: string, srcMac: string, etherType: number, payload: Uint8Array, vlans: number[] = []): Uint8Array {
  const tags = vlans.flatMap((vlan) => [0x81, 0x00, vlan >> 8, vlan & 0xff]);
  return concat(macBytes(dstMac), macBytes(srcMac), tags, [etherType >> 8, etherType & 0xff], payload);
}

export function frameOf(data: Uint8Array, options: { number?: number; link?: string; time?: number; linkType?: number } = {}): Frame {
  const time = options.time ?? 1_700_000_000;
  return {
    number: options.number ?? 1,
    link: options.link ?? 'lan1',
    linkType: options.linkType ?? 1,
    seconds: Math.floor(time),
    nanos: Math.round((time - Math.floor(time)) * 1e9),
    originalLength: data.length,
    data,
  };
}
