/** Data flows at T, one flow's per-second packets and bytes over time (on one link, or summed over links), and an RTP / MPEG-TS flow's per-second delivery quality per link. */
import type { FastifyInstance } from 'fastify';
import { canonicalAddress } from '../../../capture/ip/address-format.js';
import { AtList, FlowQuality, FlowSeries } from '../../../shapes/api.js';
import { FlowState } from '../../../shapes/snapshot.js';
import { AtQuery, FlowSeriesQuery, withErrors } from '../../schemas/requests.js';
import { atOrEnd, rangeOrAll } from './query-time.js';

export async function flowRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: AtQuery }>('/flows', { schema: { querystring: AtQuery, response: withErrors(AtList(FlowState)) } }, async (request) => {
    const snapshot = await app.store.stateAt(await atOrEnd(app.store, request.query), request.query.capture);
    return { at: snapshot.at, items: snapshot.flows };
  });

  app.get<{ Querystring: FlowSeriesQuery }>('/flows/series', { schema: { querystring: FlowSeriesQuery, response: withErrors(FlowSeries) } }, async (request) => {
    const { link, capture } = request.query;
    const [source, group] = [canonicalAddress(request.query.source), canonicalAddress(request.query.group)];
    const { from, to } = await rangeOrAll(app.store, request.query);
    const items = await app.store.flowSeries({ source, group, link, from, to, captureId: capture });
    return { source, group, link: link ?? null, from, to, items };
  });

  app.get<{ Querystring: FlowSeriesQuery }>('/flows/quality', { schema: { querystring: FlowSeriesQuery, response: withErrors(FlowQuality) } }, async (request) => {
    const { link, capture } = request.query;
    const [source, group] = [canonicalAddress(request.query.source), canonicalAddress(request.query.group)];
    const { from, to } = await rangeOrAll(app.store, request.query);
    const items = await app.store.mediaSeries({ source, group, link, from, to, captureId: capture });
    return { source, group, link: link ?? null, from, to, items };
  });
}
