/**
 * The replay control: a slider over the stored data's time span. Dragging picks a moment (views
 * then show the state as it was); "live" follows the end of the data again; "play" steps forward.
 */
import { getJson } from '../api.js';
import { h, replace } from '../dom.js';
import { dateTime } from '../format.js';
import type { TimeRange } from '../../../shapes/records.js';

const SETTLE_MS = 150;
const PLAY_STEPS = 100;
const PLAY_INTERVAL_MS = 400;

export interface TimeSlider {
  element: HTMLElement;
  /** The moment chosen, or null when following the end. */
  at(): number | null;
  /** Reads the data's span; `opening`: the first load, which shows a finished capture at its busiest moment. */
  load(opening?: boolean): Promise<void>;
  /** Shows `at` (null: the end) without telling the listener: the caller refreshes itself. */
  set(at: number | null): void;
  /** Live data arrived up to `time`: the span grows. */
  extend(time: number): void;
}

export function timeSlider(onSelect: (at: number | null) => void): TimeSlider {
  const input = h('input', { id: 'time-slider', type: 'range', attrs: { min: '0', max: '0', step: 'any', 'aria-label': 'moment shown' } });
  const label = h('span', { id: 'time-label', class: 'mono' }, 'no data');
  const live = h('button', { id: 'time-live', type: 'button', class: 'active', title: 'follow the end of the data' }, 'live');
  const play = h('button', { id: 'time-play', type: 'button', title: 'replay from the moment shown' }, '▶ play');
  const element = h('div', { class: 'time-slider' }, play, input, live, label);
  let range: TimeRange = { start: null, end: null, busiest: null, running: false };
  let chosen: number | null = null;
  let settle: ReturnType<typeof setTimeout> | undefined;
  let player: ReturnType<typeof setInterval> | undefined;

  const show = () => {
    replace(label, range.end === null ? 'no data' : `${chosen === null ? 'end of data · ' : ''}${dateTime(chosen ?? range.end)}`);
    live.classList.toggle('active', chosen === null);
  };
  const choose = (at: number | null, immediately: boolean) => {
    chosen = at;
    show();
    clearTimeout(settle);
    if (immediately) onSelect(chosen);
    else settle = setTimeout(() => onSelect(chosen), SETTLE_MS);
  };
  const stop = () => {
    clearInterval(player);
    player = undefined;
    play.textContent = '▶ play';
  };

  input.addEventListener('input', () => {
    stop();
    const value = Number(input.value);
    choose(range.end !== null && value >= range.end ? null : value, false);
  });
  live.addEventListener('click', () => {
    stop();
    if (range.end !== null) input.value = String(range.end);
    choose(null, true);
  });
  play.addEventListener('click', () => {
    if (player !== undefined || range.start === null || range.end === null) {
      stop();
      return;
    }
    const { start, end } = range;
    const step = (end - start) / PLAY_STEPS;
    let at = chosen === null || chosen >= end ? start : chosen;
    play.textContent = '❚❚ pause';
    choose(at, true);
    player = setInterval(() => {
      at = Math.min(end, at + step);
      input.value = String(at);
      if (at >= end) stop();
      choose(at >= end ? null : at, true);
    }, PLAY_INTERVAL_MS);
  });

  return {
    element,
    at: () => chosen,
    async load(opening = false) {
      range = await getJson<TimeRange>('/range');
      // A finished capture ends after its routers stopped: its end shows an empty network.
      if (opening && chosen === null && !range.running && range.busiest !== null) chosen = range.busiest;
      input.min = String(range.start ?? 0);
      input.max = String(range.end ?? 0);
      input.value = String(chosen ?? range.end ?? 0);
      show();
    },
    set(at) {
      stop();
      chosen = at;
      input.value = String(at ?? range.end ?? 0);
      show();
    },
    extend(time) {
      if (range.end !== null && time <= range.end) return;
      range = { ...range, start: range.start ?? time, end: time };
      input.min = String(range.start);
      input.max = String(time);
      if (chosen === null) input.value = String(time);
      show();
    },
  };
}
