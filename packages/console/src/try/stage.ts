import type { Box, Rle } from '@ocellus/contracts';
import { decodeMask } from '@ocellus/vision/rle';
import { h } from '../dom.js';

/** One colour per class index (Okabe-Ito, told apart with colour-blindness), as RGB. */
const PALETTE: readonly (readonly [number, number, number])[] = [
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [240, 228, 66],
  [0, 114, 178],
  [213, 94, 0],
  [204, 121, 167],
  [255, 255, 255],
  [153, 153, 153],
  [120, 200, 60],
];
const colour = (index: number) => PALETTE[index % PALETTE.length] ?? [255, 255, 255];
export const cssColour = (index: number) => `rgb(${colour(index).join(' ')})`;

export interface Size {
  width: number;
  height: number;
}

/**
 * The upload with what the model found on top: boxes are elements placed in percent of the image (so they
 * follow it on any screen), masks and attention are painted on a canvas at the upload's own size.
 */
export class Stage {
  readonly element: HTMLElement;
  private readonly overlay: HTMLCanvasElement;

  constructor(
    url: string,
    private readonly size: Size,
  ) {
    const image = h('img', { src: url, alt: 'the uploaded image', className: 'upload' });
    if (size.width < 128) image.classList.add('pixelated');
    this.overlay = h('canvas', { width: size.width, height: size.height, className: 'overlay' });
    this.overlay.setAttribute('aria-hidden', 'true');
    this.element = h('div', { className: 'stage' }, image, this.overlay);
  }

  /** A box `[x1, y1, x2, y2]` in upload pixels with its caption; returns the element to show or hide. */
  addBox(box: Box, index: number, caption: string): HTMLElement {
    const [x1, y1, x2, y2] = box;
    const { width, height } = this.size;
    const element = h('div', { className: 'box' }, h('span', { className: 'tag' }, caption));
    Object.assign(element.style, {
      left: `${(100 * x1) / width}%`,
      top: `${(100 * y1) / height}%`,
      width: `${(100 * (x2 - x1)) / width}%`,
      height: `${(100 * (y2 - y1)) / height}%`,
      borderColor: cssColour(index),
    });
    const tag = element.firstElementChild;
    if (tag instanceof HTMLElement) tag.style.backgroundColor = cssColour(index);
    this.element.append(element);
    return element;
  }

  clear(): void {
    this.overlay.getContext('2d')?.clearRect(0, 0, this.size.width, this.size.height);
  }

  /** Paints instance masks (COCO RLE at the upload's size), each translucent in its class colour. */
  paintMasks(masks: readonly { mask: Rle; index: number }[]): void {
    const context = this.overlay.getContext('2d');
    if (!context) return;
    const { width, height } = this.size;
    const pixels = context.createImageData(width, height);
    for (const { mask, index } of masks) {
      const inside = decodeMask(mask);
      const [r, g, b] = colour(index);
      for (let i = 0; i < inside.length; i++) {
        if (inside[i] === 0) continue;
        pixels.data.set([r, g, b, 115], i * 4);
      }
    }
    context.putImageData(pixels, 0, 0);
  }

  /** Paints one token's attention weights (`rows x columns`) over the part of the upload the grid covers. */
  paintAttention(weights: readonly number[], [rows, columns]: readonly [number, number], box: Box): void {
    const context = this.overlay.getContext('2d');
    if (!context) return;
    this.clear();
    const [x1, y1, x2, y2] = box;
    const cellWidth = (x2 - x1) / columns;
    const cellHeight = (y2 - y1) / rows;
    const peak = Math.max(...weights, Number.MIN_VALUE);
    weights.forEach((weight, i) => {
      context.fillStyle = `rgb(255 60 0 / ${(0.75 * weight) / peak})`;
      context.fillRect(
        x1 + (i % columns) * cellWidth,
        y1 + Math.floor(i / columns) * cellHeight,
        cellWidth,
        cellHeight,
      );
    });
  }
}
