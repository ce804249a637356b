/** Inferred forwarding trees at T, all or one group's. */
import type { FastifyInstance } from 'fastify';
import { addressText, atQuery, withErrors, type AtQuery } from '../../schemas/common.js';
import { atList, treeSchema } from '../../schemas/snapshot.js';
import { atOrEnd } from './query-time.js';

export async function treeRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: AtQuery & { group?: string } }>('/trees', {
    schema: { querystring: { ...atQuery, properties: { ...atQuery.properties, group: addressText } }, response: withErrors(atList(treeSchema)) },
  }, async (request) => {
    const { group } = request.query;
    const snapshot = await app.store.stateAt(await atOrEnd(app.store, request.query), request.query.capture);
    return { at: snapshot.at, items: group === undefined ? snapshot.trees : snapshot.trees.filter((tree) => tree.group === group) };
  });
}
