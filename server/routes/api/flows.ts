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

  /** One (source, group)'s addresses as the store keys them, and the time range asked (or the whole store's). */
  const seriesOf = async (query: FlowSeriesQuery) => {
    const { from, to } = await rangeOrAll(app.store, query);
    return { source: canonicalAddress(query.source), group: canonicalAddress(query.group), link: query.link, from, to, captureId: query.capture };
  };
  const reply = <T>(series: Awaited<ReturnType<typeof seriesOf>>, items: T[]) => {
    const { captureId: _captureId, ...shown } = series;
    return { ...shown, link: series.link ?? null, items };
  };

  app.get<{ Querystring: FlowSeriesQuery }>('/flows/series', { schema: { querystring: FlowSeriesQuery, response: withErrors(FlowSeries) } }, async (request) => {
    const series = await seriesOf(request.query);
    return reply(series, await app.store.flowSeries(series));
  });

  app.get<{ Querystring: FlowSeriesQuery }>('/flows/quality', { schema: { querystring: FlowSeriesQuery, response: withErrors(FlowQuality) } }, async (request) => {
    const series = await seriesOf(request.query);
    return reply(series, await app.store.mediaSeries(series));
  });
}
