/** Raster formats served, by their sharp name. */
export type AcceptedFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'heif';

/** What the first bytes of an upload say it is, read before any decoder sees it. */
export type Sniffed =
  | { kind: 'accepted'; format: AcceptedFormat }
  /** A format recognised but not served (vector, document, other raster); `name` is for the message. */
  | { kind: 'refused'; name: string }
  | { kind: 'unknown' };

interface Signature<F> {
  format: F;
  matches: (bytes: Uint8Array) => boolean;
}

interface AcceptedSignature extends Signature<AcceptedFormat> {
  /** libvips loader classes for the format; unblocking a class unblocks its file, buffer and source loaders. */
  loaders: string[];
}

const startsWith =
  (...prefix: number[]) =>
  (bytes: Uint8Array): boolean =>
    bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

const at = (offset: number, text: string) => (bytes: Uint8Array) =>
  startsWith(...ascii(text))(bytes.subarray(offset));

// ISO/IEC 23008-12 (HEIF) and the AV1 image format's brands, major or compatible, in the leading `ftyp` box.
const HEIF_BRANDS = new Set([
  'mif1',
  'mif2',
  'msf1',
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
  'avif',
  'avis',
]);

function ftypBrands(bytes: Uint8Array): string[] | null {
  if (bytes.length < 16 || !at(4, 'ftyp')(bytes)) return null;
  const size = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  const end = Math.min(size, bytes.length);
  const brands = [String.fromCharCode(...bytes.subarray(8, 12))];
  for (let i = 16; i + 4 <= end; i += 4) brands.push(String.fromCharCode(...bytes.subarray(i, i + 4)));
  return brands;
}

const isHeif = (bytes: Uint8Array) => ftypBrands(bytes)?.some((brand) => HEIF_BRANDS.has(brand)) ?? false;

const ACCEPTED: readonly AcceptedSignature[] = [
  {
    format: 'png',
    matches: startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    loaders: ['VipsForeignLoadPng'],
  },
  // Ultra HDR is a JPEG with a gain map, which libvips 8.18 loads with its own loader.
  {
    format: 'jpeg',
    matches: startsWith(0xff, 0xd8, 0xff),
    loaders: ['VipsForeignLoadJpeg', 'VipsForeignLoadUhdr'],
  },
  { format: 'webp', matches: (b) => at(0, 'RIFF')(b) && at(8, 'WEBP')(b), loaders: ['VipsForeignLoadWebp'] },
  {
    format: 'gif',
    matches: (b) => at(0, 'GIF87a')(b) || at(0, 'GIF89a')(b),
    loaders: ['VipsForeignLoadNsgif'],
  },
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  {
    format: 'tiff',
    matches: (b) =>
      startsWith(0x49, 0x49, 0x2a, 0x00)(b) ||
      startsWith(0x4d, 0x4d, 0x00, 0x2a)(b) ||
      startsWith(0x49, 0x49, 0x2b, 0x00)(b) ||
      startsWith(0x4d, 0x4d, 0x00, 0x2b)(b),
    loaders: ['VipsForeignLoadTiff'],
  },
  { format: 'heif', matches: isHeif, loaders: ['VipsForeignLoadHeif'] },
];

/** The only libvips loaders the service needs; every other one (svg, pdf, magick, ...) stays blocked. */
export const ACCEPTED_LOADERS: readonly string[] = ACCEPTED.flatMap((s) => s.loaders);

/** Markup (SVG, XML, HTML) after an optional byte-order mark and white space, in UTF-8 or UTF-16. */
function isMarkup(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  let text: string;
  if (startsWith(0xfe, 0xff)(head)) text = new TextDecoder('utf-16be').decode(head.subarray(2));
  else if (startsWith(0xff, 0xfe)(head)) text = new TextDecoder('utf-16le').decode(head.subarray(2));
  else text = new TextDecoder('utf-8').decode(startsWith(0xef, 0xbb, 0xbf)(head) ? head.subarray(3) : head);
  return /^[\s\0]*</.test(text);
}

// Named so the 415 says what was sent; anything not accepted is refused whether or not it is listed.
const REFUSED: readonly Signature<string>[] = [
  { format: 'SVG or other XML/HTML markup', matches: isMarkup },
  { format: 'gzip (such as SVGZ)', matches: startsWith(0x1f, 0x8b) },
  { format: 'PDF', matches: at(0, '%PDF') },
  { format: 'PostScript', matches: at(0, '%!') },
  { format: 'EPS', matches: startsWith(0xc5, 0xd0, 0xd3, 0xc6) },
  { format: 'BMP', matches: at(0, 'BM') },
  { format: 'ICO', matches: startsWith(0x00, 0x00, 0x01, 0x00) },
  { format: 'Photoshop', matches: at(0, '8BPS') },
  { format: 'JPEG 2000', matches: (b) => at(4, 'jP  ')(b) || startsWith(0xff, 0x4f, 0xff, 0x51)(b) },
  { format: 'JPEG XL', matches: (b) => at(4, 'JXL ')(b) || startsWith(0xff, 0x0a)(b) },
  { format: 'OpenEXR', matches: startsWith(0x76, 0x2f, 0x31, 0x01) },
  { format: 'FITS', matches: at(0, 'SIMPLE  =') },
  { format: 'Radiance HDR', matches: at(0, '#?') },
  { format: 'MATLAB', matches: at(0, 'MATLAB') },
  {
    format: 'libvips native',
    matches: (b) => startsWith(0x08, 0xf2, 0xa6, 0xb6)(b) || startsWith(0xb6, 0xa6, 0xf2, 0x08)(b),
  },
  {
    format: 'PNM/PAM/PFM',
    matches: (b) =>
      b.length >= 3 && b[0] === 0x50 && /^[1-7Ff]\s$/.test(String.fromCharCode(b[1] ?? 0, b[2] ?? 0)),
  },
  { format: 'an ISO media file that is not HEIF/AVIF (video?)', matches: (b) => ftypBrands(b) !== null },
];

/** Reads the upload's signature; only `accepted` may ever reach sharp (REFERENCE.md "Limits and safety"). */
export function sniffImageFormat(bytes: Uint8Array): Sniffed {
  const accepted = ACCEPTED.find((s) => s.matches(bytes));
  if (accepted) return { kind: 'accepted', format: accepted.format };
  const refused = REFUSED.find((s) => s.matches(bytes));
  return refused ? { kind: 'refused', name: refused.format } : { kind: 'unknown' };
}
