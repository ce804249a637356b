/**
 * Input the user gave and can fix: a bad option value, a file that cannot be read or is not a
 * capture, a database that is not one, a port already taken. The CLI prints it as one line,
 * without a stack trace (exit code 2 for a usage mistake, 1 for the rest); the API answers 400
 * with its message. Messages name inputs as the user named them (an upload by its file name).
 */
export class InputError extends Error {
  constructor(message: string, readonly kind: 'usage' | 'input' = 'input') {
    super(message);
  }

  get exitCode(): number {
    return this.kind === 'usage' ? 2 : 1;
  }
}
