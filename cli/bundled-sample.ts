/** The sample `mcast demo` analyzes (samples/pim-sm, four FRR routers) and its topology file: named here, where the usage can name it without loading the demo. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SAMPLE_DIR = fileURLToPath(new URL('../../samples/pim-sm/', import.meta.url));
export const BUNDLED_SAMPLE = join(SAMPLE_DIR, 'pim-sm.pcapng.gz');
export const BUNDLED_TOPOLOGY = join(SAMPLE_DIR, 'topology.json');
