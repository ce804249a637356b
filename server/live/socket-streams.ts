/** Hub events relayed to socket.io rooms: changes and findings to the group's room and the all-changes room; the overview stream to everyone. */
import type { Server } from 'socket.io';
import type { LiveHub } from './hub.js';
import { ALL_CHANGES_ROOM, groupRoom } from './socket-subscriptions.js';

/** Starts relaying; returns the function that stops it. */
export function relayHubStreams(io: Server, hub: LiveHub): () => void {
  const stops = [
    hub.on('change', (change) => {
      const rooms = change.group === null ? [ALL_CHANGES_ROOM] : [ALL_CHANGES_ROOM, groupRoom(change.group)];
      io.to(rooms).emit('change', change);
    }),
    hub.on('finding', (event) => {
      const rooms = event.finding.group === null ? [ALL_CHANGES_ROOM] : [ALL_CHANGES_ROOM, groupRoom(event.finding.group)];
      io.to(rooms).emit('finding', event);
    }),
    hub.on('counters', (counters) => io.emit('counters', counters)),
    hub.on('upload:progress', (progress) => io.emit('upload:progress', progress)),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
