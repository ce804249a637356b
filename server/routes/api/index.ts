/** The REST API, one file per area, registered under /api. */
import type { FastifyInstance } from 'fastify';
import { captureRoutes } from './captures.js';
import { changeRoutes } from './changes.js';
import { flowRoutes } from './flows.js';
import { groupRoutes } from './groups.js';
import { messageRoutes } from './messages.js';
import { findingRoutes } from './findings.js';
import { snapshotRoutes } from './snapshot.js';
import { treeRoutes } from './trees.js';

export async function apiRoutes(app: FastifyInstance): Promise<void> {
  for (const routes of [captureRoutes, snapshotRoutes, groupRoutes, flowRoutes, treeRoutes, changeRoutes, messageRoutes, findingRoutes]) {
    await app.register(routes);
  }
}
