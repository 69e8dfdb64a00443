// `node --import ./tensor-baseline.js ...` with OCELLUS_TENSOR_BASELINE=<dir>: @ocellus/tensor and its subpaths
// resolve to <dir>/dist (a copy of packages/tensor/dist, e.g. built before a change), so one benchmark run
// can measure Ocellus before and after side by side.
import { register } from 'node:module';

register('./tensor-baseline-hooks.js', import.meta.url, {
  data: { root: process.env.OCELLUS_TENSOR_BASELINE },
});
