/** Rows of the store's tables as the API's records (store-api.ts). */
import type { CaptureRecord, ChangeRecord, FindingRecord, MessageRecord } from './store-api.js';
import type { SqlDatabase } from './database.js';

export interface CaptureRow {
  id: number;
  source: string;
  fingerprint: string;
  start_time: number | null;
  end_time: number | null;
  frames: number;
  decode_errors: number;
  links: string;
  status: CaptureRecord['status'];
  analyzed_at: number;
}

export interface ChangeRow {
  id: number;
  capture_id: number;
  time: number;
  area: ChangeRecord['area'];
  kind: string;
  link: string | null;
  grp: string | null;
  source: string | null;
  detail: string;
}

export interface MessageRow {
  id: number;
  capture_id: number;
  time: number;
  frame: number;
  link: string;
  kind: string;
  src: string | null;
  dst: string | null;
  groups: string | null;
  summary: string;
}

export function captureRecord(row: CaptureRow): CaptureRecord {
  return {
    id: row.id, source: row.source, fingerprint: row.fingerprint, startTime: row.start_time, endTime: row.end_time,
    frames: row.frames, decodeErrors: row.decode_errors, links: JSON.parse(row.links) as string[], status: row.status, analyzedAt: row.analyzed_at,
  };
}

export function changeRecord(row: ChangeRow): ChangeRecord {
  return {
    id: row.id, captureId: row.capture_id, time: row.time, area: row.area, kind: row.kind,
    link: row.link, group: row.grp, source: row.source, detail: JSON.parse(row.detail) as unknown,
  };
}

export function messageRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id, captureId: row.capture_id, time: row.time, frame: row.frame, link: row.link, kind: row.kind,
    src: row.src, dst: row.dst, groups: row.groups, summary: row.summary,
  };
}

export async function readCapture(db: SqlDatabase, id: number): Promise<CaptureRecord | null> {
  const row = await db.get<CaptureRow>('SELECT * FROM captures WHERE id = ?', [id]);
  return row ? captureRecord(row) : null;
}

export interface FindingRow {
  id: number;
  capture_id: number;
  kind: FindingRecord['kind'];
  severity: FindingRecord['severity'];
  time: number;
  until: number | null;
  link: string | null;
  grp: string | null;
  source: string | null;
  router: string | null;
  detail: string;
  explanation: string;
  rule: string;
}

export function findingRecord(row: FindingRow): FindingRecord {
  return {
    id: row.id, captureId: row.capture_id, kind: row.kind, severity: row.severity, at: row.time, until: row.until,
    link: row.link, group: row.grp, source: row.source, router: row.router,
    detail: JSON.parse(row.detail) as Record<string, unknown>, explanation: row.explanation, rule: row.rule,
  };
}
