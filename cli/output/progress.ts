/** A one-line progress bar on stderr while files are read, drawn only when stderr is a terminal. */
export class ProgressBar {
  private readonly enabled = process.stderr.isTTY === true;
  private lastDrawn = 0;

  /** The file source's progress handler. */
  readonly update = (progress: { bytesRead: number; totalBytes: number; frames: number }): void => {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDrawn < 200) return;
    this.lastDrawn = now;
    const fraction = Math.min(1, progress.bytesRead / Math.max(1, progress.totalBytes));
    const width = 30;
    const filled = Math.round(fraction * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${progress.frames} frames`);
  };

  done(): void {
    if (this.enabled && this.lastDrawn > 0) process.stderr.write('\r\x1b[K');
  }
}
