/**
 * socket.io on the fastify http server. Every client gets the overview stream (`counters`,
 * `upload:progress`) and, until it subscribes to a group, every `change`; after
 * `subscribe { group }` it gets only that group's changes. Client requests are acknowledged with
 * `{ ok: true, data }` or `{ ok: false, error }`. One handler file per area:
 *   socket-subscriptions.ts  subscribe / unsubscribe (client → server)
 *   socket-streams.ts        hub events relayed to rooms (server → client)
 * A handshake whose Host or Origin the access policy refuses is refused (403 over polling, a
 * failed upgrade over websocket).
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { AccessPolicy } from '../access.js';
import type { LiveHub } from './hub.js';
import { ALL_CHANGES_ROOM, registerSubscriptionHandlers } from './socket-subscriptions.js';
import { relayHubStreams } from './socket-streams.js';

export type Ack<T> = (reply: { ok: true; data: T } | { ok: false; error: string }) => void;

export interface LiveSocket {
  io: Server;
  /** Stops relaying hub events and closes every client connection. */
  close(): Promise<void>;
}

export function attachSocket(server: HttpServer, hub: LiveHub, access: AccessPolicy): LiveSocket {
  // serveClient: the browser client (socket.io/client-dist) at /socket.io/socket.io.min.js.
  const io = new Server(server, {
    serveClient: true,
    allowRequest: (request, callback) => {
      const refusal = access.refusal(request.headers, true);
      callback(refusal, refusal === null);
    },
  });
  const stopRelay = relayHubStreams(io, hub);
  io.on('connection', (socket) => {
    void socket.join(ALL_CHANGES_ROOM);
    registerSubscriptionHandlers(socket);
  });
  return {
    io,
    close: async () => {
      stopRelay();
      await io.close();
    },
  };
}
