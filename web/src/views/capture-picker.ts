/**
 * The capture picker: the store's captures are one network seen from several points, shown merged
 * ("all captures"); picking one narrows every view to it (api.ts adds `capture` to each read).
 */
import { getJson, pickCapture, pickedCaptureId } from '../api.js';
import { h, replace } from '../dom.js';
import { dateTime } from '../format.js';
import type { CaptureRecord } from '../../../shapes/records.js';

export interface CapturePicker {
  element: HTMLElement;
  /** Reads the captures again (after an upload); a pick no longer in the store goes back to all. */
  load(): Promise<void>;
  /** Shows `id` picked (null: all) without telling the listener. */
  set(id: number | null): void;
}

export function capturePicker(onPick: (id: number | null) => void): CapturePicker {
  const select = h('select', { id: 'capture-picker', attrs: { 'aria-label': 'captures shown' } });
  const show = (captures: CaptureRecord[]) => {
    const picked = pickedCaptureId();
    replace(select,
      h('option', { value: '' }, captures.length === 1 ? '1 capture' : `all ${captures.length} captures`),
      ...captures.map((capture) => h('option', {
        value: String(capture.id), title: `${capture.links.join(', ')}${capture.startTime === null ? '' : ` · from ${dateTime(capture.startTime)}`}`,
      }, `#${capture.id} ${capture.source}`)));
    select.value = picked === null ? '' : String(picked);
  };
  select.addEventListener('change', () => {
    pickCapture(select.value === '' ? null : Number(select.value));
    onPick(pickedCaptureId());
  });
  return {
    element: select,
    async load() {
      const captures = await getJson<CaptureRecord[]>('/captures');
      const picked = pickedCaptureId();
      if (picked !== null && !captures.some((capture) => capture.id === picked)) pickCapture(null);
      show(captures);
    },
    set(id) {
      pickCapture(id);
      select.value = id === null ? '' : String(id);
    },
  };
}
