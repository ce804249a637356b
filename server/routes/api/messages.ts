/** Control messages (IGMP, MLD, PIM) as stored, one line each, filtered and paged. */
import type { FastifyInstance } from 'fastify';
import { canonicalAddress } from '../../../capture/ip/address-format.js';
import { MessageRecord, Page } from '../../../shapes/records.js';
import { MessagesQuery, withErrors } from '../../schemas/requests.js';

export async function messageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: MessagesQuery }>('/messages', { schema: { querystring: MessagesQuery, response: withErrors(Page(MessageRecord)) } }, (request) => {
    const { capture, group, ...filter } = request.query;
    return app.store.messages({ ...filter, group: group === undefined ? undefined : canonicalAddress(group), captureId: capture });
  });
}
