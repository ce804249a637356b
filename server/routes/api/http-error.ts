/** An error with an HTTP status the app's error handler replies with (its message is the reason). */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
