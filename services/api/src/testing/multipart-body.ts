export type MultipartPart =
  | { name: string; value: string }
  | { name: string; filename: string; data: Buffer };

/** A multipart/form-data body built by hand, so a test controls every part (and can send a thousand). */
export function multipartBody(parts: MultipartPart[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = '----ocellus-test-boundary';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `--${boundary}\r\ncontent-disposition: form-data; name="${part.name}"`;
    if ('value' in part) {
      chunks.push(Buffer.from(`${disposition}\r\n\r\n${part.value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(`${disposition}; filename="${part.filename}"\r\ncontent-type: image/png\r\n\r\n`),
        part.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
