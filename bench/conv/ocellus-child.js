// The Ocellus side of bench:conv, one process per OCELLUS_THREADS value (set by the parent): answers
// "<shape> <pass> <budget>" with {"seconds", "cpuSeconds"} per call (see measureCalls) of the tensor package's conv kernels, or
// of another build of them (OCELLUS_KERNELS: the path of a copied dist/kernels/index.js, for A/B runs).
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { measureCalls } from '../lenet/harness.js';
import { SHAPES } from './shapes.js';

const {
  conv2dBackward,
  conv2dForward,
  conv2dGeometry,
  convTranspose2dBackward,
  convTranspose2dForward,
  convTranspose2dGeometry,
} = await import(process.env.OCELLUS_KERNELS ?? '@ocellus/tensor/kernels');

const random = (length, seed) => {
  const out = new Float32Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
};

/**
 * Each pass writes into buffers it reuses, as the conv ops do through the tensor package's recycling pool
 * (outputs unzeroed, gradients zeroed and added into). A fresh 1 MB array per call would mostly time the
 * page faults of first touching it: 3.4 ms against 0.4 ms for LeNet's first layer on the 2-core machine.
 */
export function prepare(s, pass) {
  const params = {
    n: s.n,
    h: s.h,
    w: s.w,
    kh: s.k,
    kw: s.k,
    stride: [s.stride, s.stride],
    padding: [s.pad, s.pad],
  };
  const geo = s.transposed
    ? convTranspose2dGeometry({ ...params, inChannels: s.c, outChannels: s.f })
    : conv2dGeometry({ ...params, c: s.c, outChannels: s.f });
  const x = random(s.n * s.c * s.h * s.w, 1);
  const w = random(s.c * s.f * s.k * s.k, 2);
  const bias = random(s.f, 3);
  const outLength = s.n * s.f * geo.oh * geo.ow;
  const g = random(outLength, 4);
  const [forward, backward] = s.transposed
    ? [convTranspose2dForward, convTranspose2dBackward]
    : [conv2dForward, conv2dBackward];
  const [out, dx, dw, db] = [outLength, x.length, w.length, s.f].map((n) => new Float32Array(n));
  if (pass === 'forward') return () => forward(x, w, bias, geo, out);
  if (pass === 'input') return () => backward(g, x, w, geo, { dx: dx.fill(0) });
  return () => backward(g, x, w, geo, { dw: dw.fill(0), db: db.fill(0) });
}

export const shapeNamed = (name) => {
  const s = SHAPES.find((shape) => shape.name === name);
  if (!s) throw new Error(`no shape ${name} in shapes.json`);
  return s;
};

// Serves the parent when run as a script; profile.js imports prepare() alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) await serve();

async function serve() {
  const prepared = new Map();
  console.log(JSON.stringify({ ready: true }));
  for await (const line of createInterface({ input: process.stdin })) {
    const [name, pass, budget] = line.split(' ');
    const key = `${name} ${pass}`;
    if (!prepared.has(key)) prepared.set(key, prepare(shapeNamed(name), pass));
    console.log(JSON.stringify(await measureCalls(prepared.get(key), Number(budget))));
  }
}
