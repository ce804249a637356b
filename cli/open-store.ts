/** The store a command was pointed at, or one line saying why it cannot be opened. */
import { InputError } from '../capture/input-error.js';
import { SchemaVersionError } from '../store/migrations.js';
import { SqlStore } from '../store/sql-store.js';

export async function openStore(path: string): Promise<SqlStore> {
  try {
    return await SqlStore.open(path);
  } catch (error) {
    if (error instanceof SchemaVersionError) throw new InputError(error.message);
    throw new InputError(`cannot open database ${withoutPassword(path)}: ${describeStoreError(error as NodeJS.ErrnoException)}`);
  }
}

function describeStoreError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'SQLITE_NOTADB': return 'not an SQLite database';
    case 'SQLITE_CANTOPEN': return 'cannot open or create the file (a directory, or in a missing or read-only directory?)';
    default: return error.message.replace(/^SQLITE_\w+: /, '');
  }
}

/** A postgres:// URL as it may be shown: its password replaced by `***`. */
export function withoutPassword(target: string): string {
  return target.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
