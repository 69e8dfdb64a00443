import { multipartBody } from '@ocellus/api/testing';

/** Images as the `image` parts of a multipart upload. */
export const images = (...data: Buffer[]) =>
  multipartBody(data.map((d, i) => ({ name: 'image', filename: `image-${i}.png`, data: d })));
