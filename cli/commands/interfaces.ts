/**
 * `mcast interfaces [--json]`: the devices libpcap can capture on (through cap's deviceList), with
 * their addresses, state and the link type their frames will have.
 *
 * cap tells the link type only once a device is opened, and opening forces promiscuous mode; so the
 * link type is predicted without opening, from the ARPHRD type Linux publishes in
 * /sys/class/net/IF/type, the way libpcap maps it (Ethernet and loopback → Ethernet, tunnels without
 * a link header → raw IP, anything else → Linux cooked capture).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SYS_CLASS_NET } from '../../capture/sources/interface-counters.js';
import { LiveCaptureError, listDevices } from '../../capture/sources/live-capture.js';
import { InputError } from '../../capture/input-error.js';
import { formatTable } from '../output/format-table.js';

const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
const ARPHRD_IEEE80211_RADIOTAP = 803;
/** ARPHRD_TUNNEL, ARPHRD_TUNNEL6, ARPHRD_SIT, ARPHRD_NONE (tun): IP packets with no link header. */
const ARPHRD_RAW_IP = new Set([768, 769, 776, 65534]);

const LINKTYPE_NAMES: Readonly<Record<number, string>> = { 1: 'ethernet', 101: 'raw-ip', 113: 'linux-sll', 127: 'ieee802-11-radiotap' };

export function linkTypeOfArphrd(arphrd: number): number {
  if (arphrd === ARPHRD_ETHER || arphrd === ARPHRD_LOOPBACK) return 1;
  if (arphrd === ARPHRD_IEEE80211_RADIOTAP) return 127;
  if (ARPHRD_RAW_IP.has(arphrd)) return 101;
  return 113;
}

export interface InterfaceInfo {
  name: string;
  description: string | null;
  /** LINKTYPE_* the capture will see, null when /sys does not tell (not Linux, or a pseudo-device). */
  linkType: number | null;
  linkTypeName: string | null;
  state: string | null;
  addresses: string[];
  loopback: boolean;
}

async function readSys(device: string, file: string): Promise<string | null> {
  return readFile(join(SYS_CLASS_NET, device, file), 'utf8').then((text) => text.trim(), () => null);
}

export async function listInterfaces(): Promise<InterfaceInfo[]> {
  let devices;
  try {
    devices = listDevices();
  } catch (error) {
    if (error instanceof LiveCaptureError) throw new InputError(error.message);
    throw new InputError(`cannot list interfaces: ${(error as Error).message}`);
  }
  return Promise.all(devices.map(async (device) => {
    const arphrd = await readSys(device.name, 'type');
    const linkType = device.name === 'any' ? 113 : arphrd === null ? null : linkTypeOfArphrd(Number(arphrd));
    return {
      name: device.name,
      description: device.description ?? null,
      linkType,
      linkTypeName: linkType === null ? null : LINKTYPE_NAMES[linkType] ?? `linktype-${linkType}`,
      state: await readSys(device.name, 'operstate'),
      addresses: device.addresses.map((address) => address.addr),
      loopback: device.flags === 'PCAP_IF_LOOPBACK',
    };
  }));
}

export async function interfacesCommand(options: { json: boolean }): Promise<void> {
  const interfaces = await listInterfaces();
  if (options.json) {
    process.stdout.write(`${JSON.stringify(interfaces, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatTable(['interface', 'link type', 'state', 'addresses'], interfaces.map((entry) => [
    entry.name, entry.linkTypeName ?? '-', entry.state ?? '-', entry.addresses.join(' ') || '-',
  ]))}\n`);
}
