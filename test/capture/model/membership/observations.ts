/** Builders of observations for the membership tests: explicit packet times, never the wall clock. */
import type { GroupRecordType } from '../../../../capture/message-kinds.js';
import type {
  AddressFamily, MembershipChange, ObservedLeave, ObservedQuery, ObservedReport,
} from '../../../../capture/model/membership/index.js';

export const LINK = 'lan0';

type RecordSpec = [type: GroupRecordType, group: string, sources?: string[]];

function protocolOf(family: AddressFamily) {
  return family === 4 ? 'igmp' as const : 'mld' as const;
}

/** An IGMPv3 report (family 4) or MLDv2 report (family 6). */
export function sourceFilterReport(time: number, reporter: string, records: RecordSpec[], family: AddressFamily = 4): ObservedReport {
  return {
    time, link: LINK, family, protocol: protocolOf(family), version: family === 4 ? 3 : 2, reporter,
    records: records.map(([type, group, sources = []]) => ({ type, group, sources })),
  };
}

/** An IGMPv1/v2 report (family 4) or an MLDv1 report (family 6, version 1). */
export function olderReport(time: number, reporter: string, version: number, group: string, family: AddressFamily = 4): ObservedReport {
  return { time, link: LINK, family, protocol: protocolOf(family), version, reporter, records: [{ type: 'IS_EX', group, sources: [] }] };
}

/** An IGMPv2 Leave (family 4) or an MLDv1 Done (family 6). */
export function leave(time: number, reporter: string, group: string, family: AddressFamily = 4): ObservedLeave {
  return { time, link: LINK, family, protocol: protocolOf(family), version: family === 4 ? 2 : 1, reporter, group };
}

/** A query; defaults: IGMPv3/MLDv2 general query, Max Resp 10 s, S clear, QRV 2, QQI 125 s. */
export function query(time: number, querier: string, fields: Partial<ObservedQuery> = {}, family: AddressFamily = 4): ObservedQuery {
  return {
    time, link: LINK, family, protocol: protocolOf(family), version: family === 4 ? 3 : 2, querier,
    group: null, sources: [], maxRespSeconds: 10, suppressRouterSide: false, qrv: 2, qqiSeconds: 125,
    ...fields,
  };
}

/** Changes without the link and family stamps, for compact expectations. */
export function brief(changes: readonly MembershipChange[]): { time: number; kind: string; group?: string; detail: unknown }[] {
  return changes.map(({ time, kind, group, detail }) => (group === null ? { time, kind, detail } : { time, kind, group, detail }));
}

export function kinds(changes: readonly MembershipChange[]): string[] {
  return changes.map((change) => change.kind);
}
