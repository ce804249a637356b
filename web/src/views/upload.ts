/**
 * The upload button: sends a capture file as the raw body of POST /api/captures; progress arrives
 * over socket.io, and the outcome — frames analyzed, where a damaged file stopped, or why it was
 * refused — follows it in a message area of its own, never in the connection badge.
 */
import { h, replace } from '../dom.js';
import type { UploadResult } from '../../../shapes/api.js';
import type { UploadProgress } from '../../../shapes/live.js';

export interface UploadButton {
  element: HTMLElement;
  /** Progress of an upload: shown while this page's upload is under way, so it never hides the outcome. */
  progress(progress: UploadProgress): void;
}

export function uploadButton(onDone: (capture: UploadResult) => void): UploadButton {
  const input = h('input', { id: 'upload-file', type: 'file', attrs: { accept: '.pcap,.pcapng,.gz,.cap' } });
  const button = h('button', { type: 'button', class: 'upload', title: 'analyze a pcap/pcapng file (optionally .gz) into the store' }, 'upload capture');
  const message = h('span', { id: 'upload-message', class: 'upload-message', attrs: { role: 'status' } });
  const say = (text: string, tone: 'info' | 'warning' | 'error') => {
    replace(message, text);
    message.className = `upload-message upload-${tone}`;
  };
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    button.disabled = true;
    say(`uploading ${file.name}…`, 'info');
    try {
      const response = await fetch(`/api/captures?name=${encodeURIComponent(file.name)}`, {
        method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file,
      });
      const body: unknown = await response.json();
      if (!response.ok) throw new Error((body as { message?: string }).message ?? response.statusText);
      const capture = body as UploadResult;
      const analyzed = `${capture.source}: ${capture.frames} frames analyzed`;
      if (capture.problems.length > 0) say(`${analyzed}; ${capture.problems.join('; ')}`, 'warning');
      else say(analyzed, 'info');
      onDone(capture);
    } catch (error) {
      say(`upload failed: ${(error as Error).message}`, 'error');
    } finally {
      button.disabled = false;
      input.value = '';
    }
  });
  return {
    element: h('span', { class: 'upload-holder' }, button, input, message),
    progress(progress) {
      if (!button.disabled) return;
      say(`${progress.phase} ${progress.name}: ${Math.round(progress.bytes / 1024)} KiB${progress.frames > 0 ? `, ${progress.frames} frames` : ''}`, 'info');
    },
  };
}
