/** Display formats: packet times in UTC, rates with units. */
export function clockTime(time: number): string {
  return new Date(time * 1000).toISOString().slice(11, 23);
}

export function dateTime(time: number): string {
  return `${new Date(time * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function bitRate(bps: number | null): string {
  if (bps === null) return '–';
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(2)} Mbit/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(1)} kbit/s`;
  return `${Math.round(bps)} bit/s`;
}

export function packetRate(pps: number | null): string {
  return pps === null ? '–' : `${pps >= 100 ? Math.round(pps) : pps.toFixed(1)} pps`;
}

/** Link-local groups (224.0.0.0/24, ff02::/16, and ranges within them) are never routed. */
export function isRoutable(group: string): boolean {
  return !group.startsWith('224.0.0.') && !group.toLowerCase().startsWith('ff02:');
}

/** The group's page, at a moment when given (an event's time: the tree as it was then). */
export function groupHref(group: string, at?: number): string {
  return `#/group/${encodeURIComponent(group)}${at === undefined ? '' : `?at=${at}`}`;
}

/** A group range (an RP mapping's 239.0.0.0/8) has no page of its own: its link lists the groups it covers. */
export function groupRangeHref(range: string, at?: number): string {
  return `#/groups?within=${encodeURIComponent(range)}${at === undefined ? '' : `&at=${at}`}`;
}
