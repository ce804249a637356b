/** Every frame of a run written to a pcapng file, one interface per link (`mcast capture --write`). */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Frame } from '../../capture/frame.js';
import { InputError } from '../../capture/input-error.js';
import { PcapngWriter } from '../../capture/sources/pcapng-writer.js';
import type { Sink } from '../run.js';

export class PcapngSink implements Sink {
  private readonly stream: WriteStream;
  private readonly writer: PcapngWriter;
  /** Rejects (with an InputError) when the file cannot be written. */
  readonly failure: Promise<never>;

  /** `links`: the run's inputs by index, each written as one interface. */
  constructor(readonly path: string, links: readonly { link: string; linkType: number }[]) {
    this.stream = createWriteStream(path);
    this.failure = new Promise<never>((_resolve, reject) => this.stream.once('error', (error) => reject(new InputError(`cannot write ${path}: ${error.message}`))));
    this.failure.catch(() => undefined);
    this.writer = new PcapngWriter(this.stream, links.map((link) => ({ name: link.link, linkType: link.linkType, snaplen: 65535 })));
  }

  frame(frame: Frame, input: number): void {
    this.writer.write({ interfaceId: input, seconds: frame.seconds, nanos: frame.nanos, data: frame.data, originalLength: frame.originalLength });
  }

  finish(): Promise<void> {
    return Promise.race([this.writer.end(), this.failure]);
  }
}
