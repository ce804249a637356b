/** Data flows at T, and one flow's per-second packets and bytes over time (on one link, or summed over links). */
import type { FastifyInstance } from 'fastify';
import { addressText, atQuery, rangeProperties, withErrors, type AtQuery, type RangeQuery } from '../../schemas/common.js';
import { counterPointSchema } from '../../schemas/records.js';
import { atList, flowSchema } from '../../schemas/snapshot.js';
import { atOrEnd, rangeOrAll } from './query-time.js';

interface SeriesQuery extends RangeQuery {
  source: string;
  group: string;
  link?: string;
}

export async function flowRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: AtQuery }>('/flows', { schema: { querystring: atQuery, response: withErrors(atList(flowSchema)) } }, async (request) => {
    const snapshot = await app.store.stateAt(await atOrEnd(app.store, request.query), request.query.capture);
    return { at: snapshot.at, items: snapshot.flows };
  });

  app.get<{ Querystring: SeriesQuery }>('/flows/series', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false, required: ['source', 'group'],
        properties: { ...rangeProperties, source: addressText, group: addressText, link: { type: 'string', minLength: 1 } },
      },
      response: withErrors({
        type: 'object', required: ['source', 'group', 'link', 'from', 'to', 'items'],
        properties: {
          source: { type: 'string' }, group: { type: 'string' }, link: { type: ['string', 'null'] }, from: { type: 'number' }, to: { type: 'number' },
          items: { type: 'array', items: counterPointSchema },
        },
      }),
    },
  }, async (request) => {
    const { source, group, link, capture } = request.query;
    const { from, to } = await rangeOrAll(app.store, request.query);
    const items = await app.store.flowSeries({ source, group, link, from, to, captureId: capture });
    return { source, group, link: link ?? null, from, to, items };
  });
}
