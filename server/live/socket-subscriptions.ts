/** `subscribe { group }` / `unsubscribe`: a client narrows the change stream to one group, or widens it again. */
import type { Socket } from 'socket.io';
import { isMulticast } from '../../capture/addresses.js';
import { canonicalAddress } from '../../capture/ip/address-format.js';
import type { Ack } from './socket.js';

/** Sockets that want every change (those not subscribed to a group). */
export const ALL_CHANGES_ROOM = 'changes:all';

export function groupRoom(group: string): string {
  return `group:${group}`;
}

function currentGroupRoom(socket: Socket): string | undefined {
  return [...socket.rooms].find((room) => room.startsWith('group:'));
}

/** A no-op acknowledgement for clients that emit without a callback. */
function ackOf<T>(callback: unknown): Ack<T> {
  return typeof callback === 'function' ? (callback as Ack<T>) : () => undefined;
}

export function registerSubscriptionHandlers(socket: Socket): void {
  socket.on('subscribe', async (request: unknown, callback: unknown) => {
    const ack = ackOf<{ group: string }>(callback);
    const asked = (request as { group?: unknown } | null)?.group;
    const group = typeof asked === 'string' ? canonicalAddress(asked) : null;
    if (group === null || !isMulticast(group)) {
      ack({ ok: false, error: 'subscribe takes { group: "<multicast address>" }' });
      return;
    }
    const previous = currentGroupRoom(socket);
    if (previous !== undefined) await socket.leave(previous);
    await socket.leave(ALL_CHANGES_ROOM);
    await socket.join(groupRoom(group));
    ack({ ok: true, data: { group } });
  });

  // Clients may send `unsubscribe` with or without a payload before the acknowledgement.
  socket.on('unsubscribe', async (...args: unknown[]) => {
    const ack = ackOf<{ group: null }>(args.at(-1));
    const previous = currentGroupRoom(socket);
    if (previous !== undefined) await socket.leave(previous);
    await socket.join(ALL_CHANGES_ROOM);
    ack({ ok: true, data: { group: null } });
  });
}
