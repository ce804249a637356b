/** Inferred forwarding trees at T, all or one group's. */
import type { FastifyInstance } from 'fastify';
import { canonicalAddress } from '../../../capture/ip/address-format.js';
import { AtList } from '../../../shapes/api.js';
import { Tree } from '../../../shapes/trees.js';
import { TreesQuery, withErrors } from '../../schemas/requests.js';
import { atOrEnd } from './query-time.js';

export async function treeRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: TreesQuery }>('/trees', { schema: { querystring: TreesQuery, response: withErrors(AtList(Tree)) } }, async (request) => {
    const group = request.query.group === undefined ? undefined : canonicalAddress(request.query.group);
    const snapshot = await app.store.stateAt(await atOrEnd(app.store, request.query), request.query.capture);
    return { at: snapshot.at, items: group === undefined ? snapshot.trees : snapshot.trees.filter((tree) => tree.group === group) };
  });
}
