/**
 * The receive counters Linux publishes per network interface, under /sys/class/net/IF/statistics/
 * (struct rtnl_link_stats64, Documentation/ABI/testing/sysfs-class-net-statistics). They are the
 * only loss figures a live capture through `cap` can see: cap does not expose pcap_stats, so drops
 * in libpcap's own ring buffer (the capture falling behind) never show up here.
 *
 * What they count: rx_packets / rx_bytes every frame the driver handed to the stack; rx_dropped
 * frames the stack discarded (no buffer, unknown protocol, ...); rx_missed_errors and rx_fifo_errors
 * frames the NIC could not take (hardware ring full); rx_errors frames with link errors. A veth or
 * bridge counts only what it is given, so on those rx_missed/fifo stay 0.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SYS_CLASS_NET = '/sys/class/net';

export interface InterfaceCounters {
  rxPackets: number;
  rxBytes: number;
  rxDropped: number;
  rxMissed: number;
  rxFifoErrors: number;
  rxErrors: number;
}

const COUNTER_FILES: Readonly<Record<keyof InterfaceCounters, string>> = {
  rxPackets: 'rx_packets',
  rxBytes: 'rx_bytes',
  rxDropped: 'rx_dropped',
  rxMissed: 'rx_missed_errors',
  rxFifoErrors: 'rx_fifo_errors',
  rxErrors: 'rx_errors',
};

const COUNTER_NAMES = Object.keys(COUNTER_FILES) as (keyof InterfaceCounters)[];

/** The interface's counters now, or null when it does not exist (or has gone). */
export async function readInterfaceCounters(device: string, root = SYS_CLASS_NET): Promise<InterfaceCounters | null> {
  const directory = join(root, device, 'statistics');
  try {
    const values = await Promise.all(COUNTER_NAMES.map((name) => readFile(join(directory, COUNTER_FILES[name]), 'utf8')));
    const counters = {} as InterfaceCounters;
    COUNTER_NAMES.forEach((name, index) => (counters[name] = Number(values[index]!.trim())));
    return counters;
  } catch {
    return null;
  }
}

/** What happened between two readings (counters only grow; a reset reads as the new value). */
export function counterDelta(later: InterfaceCounters, earlier: InterfaceCounters): InterfaceCounters {
  const delta = {} as InterfaceCounters;
  for (const name of COUNTER_NAMES) delta[name] = later[name] >= earlier[name] ? later[name] - earlier[name] : later[name];
  return delta;
}

/** Frames the kernel or the NIC lost on receive: the loss a capture can know about. */
export function kernelDrops(counters: InterfaceCounters): number {
  return counters.rxDropped + counters.rxMissed + counters.rxFifoErrors;
}
