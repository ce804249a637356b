/** The timeline as stored: changes between two times, filtered and paged. */
import type { FastifyInstance } from 'fastify';
import { canonicalAddress } from '../../../capture/ip/address-format.js';
import { ChangeRecord, Page } from '../../../shapes/records.js';
import { ChangesQuery, withErrors } from '../../schemas/requests.js';

export async function changeRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ChangesQuery }>('/changes', { schema: { querystring: ChangesQuery, response: withErrors(Page(ChangeRecord)) } }, (request) => {
    const { capture, group, ...filter } = request.query;
    return app.store.changes({ ...filter, group: group === undefined ? undefined : canonicalAddress(group), captureId: capture });
  });
}
