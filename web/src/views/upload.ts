/** The upload button: sends a capture file as the raw body of POST /api/captures; progress arrives over socket.io. */
import { h } from '../dom.js';
import type { CaptureRecord } from '../../../shapes/records.js';

export function uploadButton(onDone: (capture: CaptureRecord) => void, onStatus: (text: string) => void): HTMLElement {
  const input = h('input', { id: 'upload-file', type: 'file', attrs: { accept: '.pcap,.pcapng,.gz,.cap' } });
  const button = h('button', { type: 'button', class: 'upload', title: 'analyze a pcap/pcapng file (optionally .gz) into the store' }, 'upload capture');
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    button.disabled = true;
    onStatus(`uploading ${file.name}`);
    try {
      const response = await fetch(`/api/captures?name=${encodeURIComponent(file.name)}`, {
        method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file,
      });
      const body: unknown = await response.json();
      if (!response.ok) throw new Error((body as { message?: string }).message ?? response.statusText);
      const capture = body as CaptureRecord;
      onStatus(`${capture.source}: ${capture.frames} frames analyzed`);
      onDone(capture);
    } catch (error) {
      onStatus(`upload failed: ${(error as Error).message}`);
    } finally {
      button.disabled = false;
      input.value = '';
    }
  });
  return h('span', { class: 'upload-holder' }, button, input);
}
