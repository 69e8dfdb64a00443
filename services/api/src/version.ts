import { createRequire } from 'node:module';

/** The service version reported by `GET /v2`, from this package's package.json. */
export const SERVER_VERSION: string = createRequire(import.meta.url)('../package.json').version;
