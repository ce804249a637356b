/**
 * The dashboard shell: header with navigation and the replay slider, one view at a time chosen
 * by the URL hash (#/ overview, #/group/<group>, #/groups?within=<range>, #/map?tree=..., #/findings,
 * #/events?group=...; `at=T` the moment, `capture=ID` the capture picked), and the socket.io
 * connection that feeds views live changes and counters.
 */
import { pickedCaptureId } from './api.js';
import { h, replace } from './dom.js';
import type { CountersMessage, LiveChange, UploadProgress } from '../../shapes/live.js';
import type { Router } from '../../shapes/snapshot.js';
import type { DashboardContext, View } from './view.js';
import { eventsView } from './views/events.js';
import { findingsView } from './views/findings.js';
import { groupView } from './views/group.js';
import { groupRangeView } from './views/group-range.js';
import { mapView } from './views/map.js';
import { overviewView } from './views/overview.js';
import { capturePicker } from './views/capture-picker.js';
import { timeSlider } from './views/time-slider.js';
import { uploadButton } from './views/upload.js';

/** Live changes arrive in bursts: the view's state is fetched again once they settle. */
const LIVE_REFRESH_MS = 1000;

const routerNames = new Map<string, string>();
const liveRates = new Map<string, { pps: number; bps: number }>();
const socket = io({ transports: ['websocket', 'polling'] });
const status = h('span', { id: 'live-status', class: 'status' }, 'connecting');
const viewRoot = h('main', { id: 'view' });
let current: View | null = null;
let subscribed: string | null = null;
let liveRefresh: ReturnType<typeof setTimeout> | undefined;

const slider = timeSlider(() => {
  keepMomentInUrl();
  void refresh();
});

const picker = capturePicker(async () => {
  // The picked capture's own span (and the merged one's, back to all).
  await slider.load().catch(() => undefined);
  keepMomentInUrl();
  void refresh();
});

/** The capture the URL names (`capture=ID`), or null for all. */
function captureInUrl(): number | null {
  const id = Number(new URLSearchParams(location.hash.split('?')[1] ?? '').get('capture') ?? Number.NaN);
  return Number.isInteger(id) && id > 0 ? id : null;
}

/** The URL names the moment shown (…?at=T; none while following the end) and the capture picked, so a view can be shared and reloaded as it is. */
function keepMomentInUrl(): void {
  const [path, search] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search ?? '');
  const at = slider.at();
  if (at === null) params.delete('at');
  else params.set('at', String(at));
  const capture = pickedCaptureId();
  if (capture === null) params.delete('capture');
  else params.set('capture', String(capture));
  const query = params.toString();
  const hash = `#${path || '/'}${query === '' ? '' : `?${query}`}`;
  // replaceState: no new history entry per slider step, and no hashchange (the view is already shown).
  if (hash !== location.hash) history.replaceState(null, '', hash);
}

const context: DashboardContext = {
  at: () => slider.at(),
  atQuery: () => {
    const at = slider.at();
    return at === null ? {} : { at };
  },
  routerName: (id) => routerNames.get(id) ?? id,
  rememberRouters(routers: Router[]) {
    for (const router of routers) {
      const name = router.name ?? router.id;
      routerNames.set(router.id, name);
      for (const entry of router.interfaces) for (const address of entry.addresses) routerNames.set(address, name);
    }
  },
  liveRate: (link, source, group) => liveRates.get(`${link}|${source}|${group}`),
};

async function refresh(): Promise<void> {
  const view = current;
  if (view === null) return;
  try {
    await view.refresh();
  } catch (error) {
    if (view === current) viewRoot.prepend(h('p', { class: 'error' }, (error as Error).message));
  }
}

/** Subscribes the socket to the group shown (only its changes then arrive), or to everything. */
function subscribe(group: string | null): void {
  if (group === subscribed) return;
  subscribed = group;
  if (group === null) socket.emit('unsubscribe', () => undefined);
  else socket.emit('subscribe', { group }, () => undefined);
}

function route(): void {
  current?.dispose?.();
  const [path, search] = location.hash.replace(/^#/, '').split('?');
  const parts = (path ?? '').split('/').filter((part) => part.length > 0);
  const params = new URLSearchParams(search ?? '');
  const at = Number(params.get('at') ?? Number.NaN);
  if (Number.isFinite(at)) slider.set(at);
  // A link without `capture` (an event's group link) keeps the capture picked.
  const capture = captureInUrl();
  if (capture !== null && capture !== pickedCaptureId()) {
    picker.set(capture);
    void slider.load().catch(() => undefined);
  }
  const group = parts[0] === 'group' && parts[1] !== undefined ? decodeURIComponent(parts[1]) : null;
  // A group range is no group: its page lists the groups it covers.
  const range = parts[0] === 'groups' ? params.get('within') ?? '' : group?.includes('/') ? group : null;
  if (range !== null) {
    current = groupRangeView(context, range);
    subscribe(null);
  } else if (group !== null) {
    current = groupView(context, group);
    subscribe(group);
  } else if (parts[0] === 'map') {
    current = mapView(context, params.get('tree'));
    subscribe(null);
  } else if (parts[0] === 'findings') {
    current = findingsView(context);
    subscribe(null);
  } else if (parts[0] === 'events') {
    current = eventsView(context, {
      area: params.get('area') ?? undefined, kind: params.get('kind') ?? undefined, link: params.get('link') ?? undefined, group: params.get('group') ?? undefined,
    });
    subscribe(null);
  } else {
    current = overviewView(context);
    subscribe(null);
  }
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) link.classList.toggle('active', link.hash === `#/${parts[0] ?? ''}`);
  replace(viewRoot, current.element);
  keepMomentInUrl();
  void refresh();
}

socket.on('connect', () => {
  replace(status, 'live');
  status.className = 'status status-live';
  const group = subscribed;
  subscribed = null;
  subscribe(group);
});
socket.on('disconnect', () => {
  replace(status, 'disconnected');
  status.className = 'status status-down';
});
socket.on('change', (change: LiveChange) => {
  slider.extend(change.time);
  current?.onChange?.(change);
  if (slider.at() !== null) return;
  clearTimeout(liveRefresh);
  liveRefresh = setTimeout(() => void refresh(), LIVE_REFRESH_MS);
});
socket.on('counters', (counters: CountersMessage) => {
  for (const flow of counters.flows) liveRates.set(`${flow.link}|${flow.source}|${flow.group}`, { pps: flow.pps, bps: flow.bps });
  slider.extend(counters.time);
  current?.onCounters?.(counters);
});
const upload = uploadButton(async () => {
  await Promise.all([slider.load(), picker.load()]);
  await refresh();
});
socket.on('upload:progress', (progress: UploadProgress) => upload.progress(progress));

document.body.append(
  h('header', null,
    h('span', { class: 'brand' }, 'mcast'),
    h('nav', null, h('a', { href: '#/' }, 'Overview'), h('a', { href: '#/map' }, 'Map'), h('a', { href: '#/findings' }, 'Findings'), h('a', { href: '#/events' }, 'Events')),
    slider.element,
    picker.element,
    upload.element,
    status),
  viewRoot);
window.addEventListener('hashchange', route);
picker.set(captureInUrl());
await Promise.all([picker.load(), slider.load(true)]).catch(() => undefined);
route();
