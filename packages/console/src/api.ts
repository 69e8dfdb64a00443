import { type ErrorBody, errorBodySchema } from '@ocellus/contracts';
import type { z } from 'zod';
import { askKey } from './key.js';

/** A reply that was not 2xx: the API's own `{error, code, issues}` body when it sent one. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
  ) {
    super(body?.error ?? `the API answered ${status}`);
  }
}

const KEY_ITEM = 'ocellus.key';

/** The bearer key lives in this tab's session storage only: never in local storage, cookies or the URL. */
const storedKey = {
  get: () => sessionStorage.getItem(KEY_ITEM),
  set: (key: string) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

function send(path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = storedKey.get();
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  return fetch(path, { ...init, headers });
}

async function failureOf(response: Response): Promise<ApiFailure> {
  const parsed = errorBodySchema.safeParse(await response.json().catch(() => null));
  return new ApiFailure(response.status, parsed.success ? parsed.data : null);
}

/**
 * Fetches from the API with the stored key; on 401/403 asks for a key once (the dialog says why) and
 * retries. Throws ApiFailure for any other non-2xx reply.
 */
export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  let response = await send(path, init);
  if (response.status === 401 || response.status === 403) {
    const failure = await failureOf(response);
    storedKey.clear();
    const key = await askKey(failure.message);
    if (key === null) throw failure;
    storedKey.set(key);
    response = await send(path, init);
  }
  if (!response.ok) throw await failureOf(response);
  return response;
}

/** `api()` and the reply's JSON parsed by its contract schema. */
export async function apiJson<S extends z.ZodType>(
  path: string,
  schema: S,
  init?: RequestInit,
): Promise<z.infer<S>> {
  const response = await api(path, init);
  return schema.parse(await response.json());
}

export const jsonBody = (value: unknown): RequestInit => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** The message a failure shows: the API's own text when it sent one. */
export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
