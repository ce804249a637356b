/** Reply schemas for the store's records (server/store/store-api.ts). */
import { nullableNumber, nullableString, stringArray } from './common.js';

export const captureSchema = {
  type: 'object', additionalProperties: true,
  required: ['id', 'source', 'startTime', 'endTime', 'frames', 'status'],
  properties: {
    id: { type: 'integer' }, source: { type: 'string' }, fingerprint: { type: 'string' }, startTime: nullableNumber, endTime: nullableNumber,
    frames: { type: 'integer' }, decodeErrors: { type: 'integer' }, links: stringArray,
    status: { type: 'string', enum: ['running', 'complete', 'stopped'] }, analyzedAt: { type: 'number' },
  },
} as const;

export const changeSchema = {
  type: 'object', additionalProperties: true,
  required: ['id', 'time', 'area', 'kind', 'link', 'group', 'source'],
  properties: {
    id: { type: 'integer' }, captureId: { type: 'integer' }, time: { type: 'number' }, area: { type: 'string' }, kind: { type: 'string' },
    link: nullableString, group: nullableString, source: nullableString, detail: {},
  },
} as const;

export const messageSchema = {
  type: 'object', additionalProperties: true,
  required: ['id', 'time', 'frame', 'link', 'kind', 'summary'],
  properties: {
    id: { type: 'integer' }, captureId: { type: 'integer' }, time: { type: 'number' }, frame: { type: 'integer' }, link: { type: 'string' },
    kind: { type: 'string' }, src: nullableString, dst: nullableString, groups: nullableString, summary: { type: 'string' },
  },
} as const;

export const counterPointSchema = {
  type: 'object', required: ['time', 'packets', 'bytes'],
  properties: { time: { type: 'number' }, packets: { type: 'number' }, bytes: { type: 'number' } },
} as const;

export const rangeSchema = {
  type: 'object', required: ['start', 'end'],
  properties: { start: nullableNumber, end: nullableNumber },
} as const;
