/** The network at T: the whole snapshot, or its links or routers alone. Default T: the end of the data. */
import type { FastifyInstance } from 'fastify';
import { atQuery, withErrors, type AtQuery } from '../../schemas/common.js';
import { atList, linkSchema, routerSchema, snapshotSchema } from '../../schemas/snapshot.js';
import { atOrEnd } from './query-time.js';

export async function snapshotRoutes(app: FastifyInstance): Promise<void> {
  const stateAt = async (query: AtQuery) => app.store.stateAt(await atOrEnd(app.store, query), query.capture);

  app.get<{ Querystring: AtQuery }>('/snapshot', { schema: { querystring: atQuery, response: withErrors(snapshotSchema) } },
    (request) => stateAt(request.query));

  app.get<{ Querystring: AtQuery }>('/links', { schema: { querystring: atQuery, response: withErrors(atList(linkSchema)) } }, async (request) => {
    const snapshot = await stateAt(request.query);
    return { at: snapshot.at, items: snapshot.links };
  });

  app.get<{ Querystring: AtQuery }>('/routers', { schema: { querystring: atQuery, response: withErrors(atList(routerSchema)) } }, async (request) => {
    const snapshot = await stateAt(request.query);
    return { at: snapshot.at, items: snapshot.routers };
  });
}
