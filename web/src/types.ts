/** The REST and socket.io shapes the dashboard reads (server/schemas, server/live/hub.ts). */

export interface Capture {
  id: number;
  source: string;
  startTime: number | null;
  endTime: number | null;
  frames: number;
  links: string[];
  status: string;
}

export interface Range {
  start: number | null;
  end: number | null;
}

export interface RouterInterface {
  link: string;
  addresses: string[];
  mac: string | null;
}

export interface Router {
  id: string;
  name: string | null;
  interfaces: RouterInterface[];
}

export interface Link {
  name: string;
  querier: string | null;
  igmpVersion: number | null;
  mldQuerier: string | null;
  mldVersion: number | null;
  dr: string | null;
  pimNeighbors: string[];
}

export interface Membership {
  link: string;
  group: string;
  mode: string;
  sources: string[];
  excluded: string[];
  reporters: string[];
  version: number;
}

export interface Join {
  link: string;
  from: string;
  upstream: string;
  type: string;
  source: string | null;
  group: string;
  state: string;
}

export interface Flow {
  link: string;
  source: string;
  group: string;
  pps: number | null;
  bps: number | null;
  forwarders: string[];
  duplicated: boolean;
}

export interface TreeEdge {
  router: string;
  in: string | null;
  out: string;
  carriesData: boolean;
  wanted: boolean;
}

export interface TreeNode {
  router: string;
  in: string | null;
  isRp: boolean;
  isFirstHop: boolean;
}

export interface Tree {
  source: string;
  group: string;
  rp: string | null;
  kind: 'SPT' | 'RPT' | 'SSM';
  switchoverAt: number | null;
  edges: TreeEdge[];
  nodes: TreeNode[];
}

export interface Anomaly {
  kind: string;
  link: string;
  group: string;
  source?: string | null;
  /** unwanted-data: the router forwarding; duplicate-forwarding: the forwarders' MACs. */
  router?: string;
  forwarders?: string[];
}

export interface Snapshot {
  at: number;
  routers: Router[];
  links: Link[];
  memberships: Membership[];
  joins: Join[];
  flows: Flow[];
  trees: Tree[];
  anomalies: Anomaly[];
}

export interface GroupSummary {
  group: string;
  family: 4 | 6;
  links: { link: string; members: number; mode: string }[];
  flows: number;
  sources: string[];
  treeKinds: string[];
}

export interface GroupDetail {
  at: number;
  group: string;
  rp: string | null;
  memberships: Membership[];
  flows: Flow[];
  joins: Join[];
  trees: Tree[];
  anomalies: Anomaly[];
}

export interface Change {
  id?: number;
  time: number;
  area: string;
  kind: string;
  link: string | null;
  group: string | null;
  source: string | null;
  detail: unknown;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface CounterPoint {
  time: number;
  packets: number;
  bytes: number;
}

export interface Counters {
  time: number;
  flows: { link: string; source: string; group: string; pps: number; bps: number }[];
  links: { link: string; pps: number; bps: number }[];
}

export interface UploadProgress {
  name: string;
  phase: 'receiving' | 'analyzing';
  bytes: number;
  total: number | null;
  frames: number;
}
