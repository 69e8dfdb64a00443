import type { Rng } from '@ocellus/tensor';
import { type CanvasObject, canvasTransform, transformObjects, transformPlane } from './box-geometry.js';
import { gaussianBlur } from './gaussian-blur.js';
import { drawOnPaper, illuminationField, tintedColour } from './paper.js';
import { logUniformIn, type Range, uniformIn } from './random-range.js';

/** A digit canvas: white ink on black, `height x width` grey levels in [0, 1], with its objects. */
export interface CanvasSample<O extends CanvasObject = CanvasObject> {
  pixels: Float32Array;
  width: number;
  height: number;
  objects: readonly O[];
}

/** A photo-like canvas: `channels x height x width` in [0, 1] (CHW), objects in its pixels. */
export interface PhotoSample<O extends CanvasObject = CanvasObject> {
  pixels: Float32Array;
  channels: 1 | 3;
  width: number;
  height: number;
  objects: O[];
}

/** Every field has a default; ranges are drawn uniformly unless said otherwise. */
export interface PhotoLikeOptions {
  /** Output canvas; the input's by default. The content is resized to it, each axis on its own. */
  size?: { width: number; height: number };
  /** Zoom after resizing, log-uniform (default [0.8, 1.25]); [1, 1] turns it off. */
  zoom?: Range;
  /** Largest shift of the zoomed content from the centre, as a fraction of each side (default 0.1). */
  translate?: number;
  /** Least fraction of a moved box left on the canvas for its object to be kept (default 0.5). */
  minVisible?: number;
  /** Probability of dark ink on light paper (default 0.5); otherwise light ink on dark paper. */
  darkInk?: number;
  /** Grey level of light paper (default [0.7, 1]); dark paper is one minus a draw from it. */
  paper?: Range;
  /** Grey level of dark ink (default [0, 0.35]); light ink is one minus a draw from it. */
  ink?: Range;
  /** Largest loss of light across the sheet (gradient plus vignette), drawn in [0, unevenness] (default 0.4). */
  unevenness?: number;
  /** Three channels: ink pushed towards a random hue (chroma up to 0.5), paper tinted by up to 0.05. */
  rgb?: boolean;
  /** Blur sigma in output pixels (default [0, 1]). */
  blur?: Range;
  /** Gaussian noise sigma (default [0, 0.04]). */
  noise?: Range;
}

const DEFAULTS = {
  zoom: [0.8, 1.25] as Range,
  translate: 0.1,
  minVisible: 0.5,
  darkInk: 0.5,
  paper: [0.7, 1] as Range,
  ink: [0, 0.35] as Range,
  unevenness: 0.4,
  rgb: false,
  blur: [0, 1] as Range,
  noise: [0, 0.04] as Range,
};

/** Resize to `size`, zoom about the centre, shift by whole pixels: ink, boxes and masks alike. */
function moveContent<O extends CanvasObject>(
  sample: CanvasSample<O>,
  o: typeof DEFAULTS & PhotoLikeOptions,
  rng: Rng,
): { ink: Float32Array; objects: O[]; width: number; height: number } {
  const { width, height } = o.size ?? sample;
  const zoom = logUniformIn(rng, o.zoom, 'zoom');
  const resized = {
    width: Math.max(1, Math.round(zoom * width)),
    height: Math.max(1, Math.round(zoom * height)),
  };
  const offset = {
    x: (width - resized.width) / 2 + o.translate * width * (2 * rng.uniform() - 1),
    y: (height - resized.height) / 2 + o.translate * height * (2 * rng.uniform() - 1),
  };
  const t = canvasTransform(sample, resized, { width, height }, offset);
  return {
    ink: transformPlane(sample.pixels, sample.width, sample.height, t),
    objects: transformObjects(sample.objects, sample.width, sample.height, t, o.minVisible),
    width,
    height,
  };
}

/**
 * The photo-like version of a digit canvas, seeded: moved (resize, zoom, translate; boxes clipped to the
 * canvas, objects mostly off it dropped, masks following), blurred, drawn in dark ink on light paper or
 * light on dark under uneven light, in grey or coloured ink, with Gaussian noise, clipped to [0, 1].
 * Each step draws from its own fork of `rng`, so one seed gives one output and switching a step off
 * leaves the others' draws as they were. JPEG needs sharp and is async: `photoLikeAsync` adds it.
 */
export function photoLike<O extends CanvasObject>(
  sample: CanvasSample<O>,
  rng: Rng,
  options: PhotoLikeOptions = {},
): PhotoSample<O> {
  const o = { ...DEFAULTS, ...options };
  const [moveRng, blurRng, paperRng, lightRng, noiseRng] = [
    rng.fork(),
    rng.fork(),
    rng.fork(),
    rng.fork(),
    rng.fork(),
  ];
  const moved = moveContent(sample, o, moveRng);
  const { width, height } = moved;
  const ink = gaussianBlur(moved.ink, width, height, uniformIn(blurRng, o.blur, 'blur'));
  const dark = paperRng.uniform() < o.darkInk;
  const paperLevel = uniformIn(paperRng, o.paper, 'paper');
  const inkLevel = uniformIn(paperRng, o.ink, 'ink');
  const [paper, inkColour] = dark ? [paperLevel, inkLevel] : [1 - paperLevel, 1 - inkLevel];
  const channels = o.rgb ? 3 : 1;
  const paperColours = o.rgb ? tintedColour(paper, 0.05 * paperRng.uniform(), paperRng) : [paper];
  const inkColours = o.rgb ? tintedColour(inkColour, 0.5 * paperRng.uniform(), paperRng) : [inkColour];
  const light = illuminationField(width, height, o.unevenness * lightRng.uniform(), lightRng);
  const pixels = drawOnPaper(ink, paperColours, inkColours, light);
  const sigma = uniformIn(noiseRng, o.noise, 'noise');
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]! + (sigma > 0 ? sigma * noiseRng.normal() : 0);
    pixels[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return { pixels, channels, width, height, objects: moved.objects };
}
