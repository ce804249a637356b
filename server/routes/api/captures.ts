/**
 * Captures: the list, one capture, the time span of the data, and uploads.
 *
 * POST /api/captures takes a pcap/pcapng file (optionally gzip-compressed) as the raw body
 * (`Content-Type: application/octet-stream`, name in `?name=` or the `X-File-Name` header). The
 * body streams to a temporary file (never held in memory), beyond the size limit the reply is
 * 413, then the file is analyzed into the store while progress goes out as `upload:progress`.
 * A file the reader cannot read as a capture is a 400 with the reader's reason.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { InputError } from '../../../capture/input-error.js';
import { ErrorReply, UploadResult } from '../../../shapes/api.js';
import { CaptureRecord, TimeRange } from '../../../shapes/records.js';
import { CaptureParams, CaptureQuery, UploadHeaders, UploadQuery, withErrors } from '../../schemas/requests.js';
import { HttpError } from './http-error.js';

const UPLOAD_CONTENT_TYPE = 'application/octet-stream';
/** How often (bytes) receiving progress is published. */
const PROGRESS_STEP = 1024 * 1024;

/** A file name safe to use inside our temporary directory: the base name, tame characters only. */
function safeFileName(name: string | undefined): string {
  const cleaned = basename(name ?? '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return cleaned.length > 0 ? cleaned.slice(0, 200) : 'upload.pcapng';
}

export async function captureRoutes(app: FastifyInstance): Promise<void> {
  // Only raw uploads are accepted here (anything else is 415), and the body stays a stream: the
  // upload handler writes it to disk itself, with its own limit.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(UPLOAD_CONTENT_TYPE, (_request, payload, done) => done(null, payload));

  app.get('/captures', { schema: { response: withErrors(Type.Array(CaptureRecord)) } }, () => app.store.captures());

  app.get<{ Params: CaptureParams }>('/captures/:id', { schema: { params: CaptureParams, response: withErrors(CaptureRecord) } }, async (request) => {
    const capture = await app.store.capture(request.params.id);
    if (capture === null) throw new HttpError(404, `no capture ${request.params.id}`);
    return capture;
  });

  app.get<{ Querystring: CaptureQuery }>('/range', { schema: { querystring: CaptureQuery, response: withErrors(TimeRange) } }, async (request) => {
    const [range, busiest] = await Promise.all([app.store.timeRange(request.query.capture), app.store.busiestMoment(request.query.capture)]);
    return { start: range?.start ?? null, end: range?.end ?? null, busiest: busiest.at, running: busiest.running };
  });

  app.post<{ Querystring: UploadQuery; Headers: UploadHeaders }>('/captures', {
    schema: { querystring: UploadQuery, headers: UploadHeaders, response: { ...withErrors(UploadResult), 413: ErrorReply, 501: ErrorReply } },
  }, async (request) => {
    const ingest = app.ingest;
    if (ingest === null) throw new HttpError(501, 'this server has no writable store: uploads are off');
    const limit = app.uploadLimit;
    const declared = request.headers['content-length'] ?? null;
    if (declared !== null && declared > limit) throw new HttpError(413, `upload of ${declared} bytes is over the limit of ${limit} bytes`);
    const name = safeFileName(request.query.name ?? request.headers['x-file-name']);
    const dir = await mkdtemp(join(tmpdir(), 'mcast-upload-'));
    try {
      const path = join(dir, name);
      let received = 0;
      let reported = 0;
      // Past the limit (a chunked body: no Content-Length to refuse up front) the rest is read and
      // dropped: failing the stream would reset the connection before the client sees the 413.
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          if (received > limit) {
            callback();
            return;
          }
          if (received - reported >= PROGRESS_STEP) {
            reported = received;
            app.hub.publishUploadProgress({ name, phase: 'receiving', bytes: received, total: declared, frames: 0 });
          }
          callback(null, chunk);
        },
      });
      await pipeline(request.body as Readable, meter, createWriteStream(path));
      if (received > limit) throw new HttpError(413, `upload of ${received} bytes is over the limit of ${limit} bytes`);
      if (received === 0) throw new HttpError(400, 'empty upload: send the capture file as the request body');
      app.hub.publishUploadProgress({ name, phase: 'receiving', bytes: received, total: declared ?? received, frames: 0 });
      try {
        return await ingest({ path, name }, ({ bytesRead, frames }) => app.hub.publishUploadProgress({ name, phase: 'analyzing', bytes: bytesRead, total: received, frames }));
      } catch (error) {
        // The reader's verdict on a file that is not a capture (bad magic, not gzip...) is the user's to fix.
        if (error instanceof InputError) throw new HttpError(400, error.message);
        throw error;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
