import { errorBodySchema } from '@ocellus/contracts';

/** The error statuses a route documents, all with the one error body. */
export function errorResponses<const S extends readonly number[]>(...statuses: S) {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as {
    [K in S[number]]: typeof errorBodySchema;
  };
}
