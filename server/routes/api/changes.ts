/** The timeline as stored: changes between two times, filtered and paged. */
import type { FastifyInstance } from 'fastify';
import { addressText, pageOf, pageProperties, rangeProperties, withErrors, type PageQuery, type RangeQuery } from '../../schemas/common.js';
import { changeSchema } from '../../schemas/records.js';

interface ChangesQuery extends RangeQuery, PageQuery {
  area?: string;
  kind?: string;
  link?: string;
  group?: string;
}

export async function changeRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ChangesQuery }>('/changes', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          ...rangeProperties, ...pageProperties,
          area: { type: 'string', enum: ['membership', 'pim', 'flow', 'tree'] },
          kind: { type: 'string', minLength: 1 }, link: { type: 'string', minLength: 1 }, group: addressText,
        },
      },
      response: withErrors(pageOf(changeSchema)),
    },
  }, (request) => {
    const { capture, ...filter } = request.query;
    return app.store.changes({ ...filter, captureId: capture });
  });
}
