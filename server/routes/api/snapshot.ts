/** The network at T: the whole snapshot, or its links or routers alone. Default T: the end of the data. */
import type { FastifyInstance } from 'fastify';
import { AtList } from '../../../shapes/api.js';
import { LinkState, NetworkSnapshot, Router } from '../../../shapes/snapshot.js';
import { AtQuery, withErrors } from '../../schemas/requests.js';
import { atOrEnd } from './query-time.js';

export async function snapshotRoutes(app: FastifyInstance): Promise<void> {
  const stateAt = async (query: AtQuery) => app.store.stateAt(await atOrEnd(app.store, query), query.capture);

  app.get<{ Querystring: AtQuery }>('/snapshot', { schema: { querystring: AtQuery, response: withErrors(NetworkSnapshot) } },
    (request) => stateAt(request.query));

  app.get<{ Querystring: AtQuery }>('/links', { schema: { querystring: AtQuery, response: withErrors(AtList(LinkState)) } }, async (request) => {
    const snapshot = await stateAt(request.query);
    return { at: snapshot.at, items: snapshot.links };
  });

  app.get<{ Querystring: AtQuery }>('/routers', { schema: { querystring: AtQuery, response: withErrors(AtList(Router)) } }, async (request) => {
    const snapshot = await stateAt(request.query);
    return { at: snapshot.at, items: snapshot.routers };
  });
}
