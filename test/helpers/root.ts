import { join } from 'node:path';

/** The repository root, for every test helper. */
export const ROOT = join(__dirname, '../..');
