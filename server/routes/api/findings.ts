/**
 * What is wrong on the network, as stored (capture/findings/): errors first, then by when each
 * began; `from`/`to` keep those holding at some time in between, `severity` the least severe shown.
 */
import type { FastifyInstance } from 'fastify';
import { canonicalAddress } from '../../../capture/ip/address-format.js';
import { FindingRecord } from '../../../shapes/findings.js';
import { Page } from '../../../shapes/records.js';
import { FindingsQuery, withErrors } from '../../schemas/requests.js';

export async function findingRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: FindingsQuery }>('/findings', { schema: { querystring: FindingsQuery, response: withErrors(Page(FindingRecord)) } }, (request) => {
    const { capture, group, ...filter } = request.query;
    return app.store.findings({ ...filter, group: group === undefined ? undefined : canonicalAddress(group), captureId: capture });
  });
}
