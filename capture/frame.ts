/**
 * A captured frame as it leaves a source (file reader or live capture) and enters the decoders.
 *
 * Time is kept exactly as whole seconds + nanoseconds (pcapng resolutions up to 1 ns survive),
 * and `time` gives the float epoch seconds the state machines run on.
 */
export interface Frame {
  /** 1-based position in the merged stream the analysis sees (what error records cite). */
  number: number;
  /** Link name: pcapng `if_name`, else the capture file's base name, else the live interface name. */
  link: string;
  /** LINKTYPE_* value of the interface the frame was captured on (1 Ethernet, 113 SLL, ...). */
  linkType: number;
  seconds: number;
  nanos: number;
  /** Bytes on the wire (may exceed data.length when the capture was cut at snaplen). */
  originalLength: number;
  data: Uint8Array;
}

export function frameTime(frame: Pick<Frame, 'seconds' | 'nanos'>): number {
  return frame.seconds + frame.nanos / 1e9;
}

/** Orders frames by capture time; ties keep their source order (the merge is stable). */
export function compareFrameTime(a: Pick<Frame, 'seconds' | 'nanos'>, b: Pick<Frame, 'seconds' | 'nanos'>): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}
