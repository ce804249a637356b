/** Control messages (IGMP, MLD, PIM) as stored, one line each, filtered and paged. */
import type { FastifyInstance } from 'fastify';
import { addressText, pageOf, pageProperties, rangeProperties, withErrors, type PageQuery, type RangeQuery } from '../../schemas/common.js';
import { messageSchema } from '../../schemas/records.js';

interface MessagesQuery extends RangeQuery, PageQuery {
  link?: string;
  kind?: string;
  group?: string;
}

export async function messageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: MessagesQuery }>('/messages', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { ...rangeProperties, ...pageProperties, link: { type: 'string', minLength: 1 }, kind: { type: 'string', minLength: 1 }, group: addressText },
      },
      response: withErrors(pageOf(messageSchema)),
    },
  }, (request) => {
    const { capture, ...filter } = request.query;
    return app.store.messages({ ...filter, captureId: capture });
  });
}
