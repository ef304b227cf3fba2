import { readFileSync } from 'node:fs';

/** The package version, read from package.json: the same depth from `src/core` and `dist/core`. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
