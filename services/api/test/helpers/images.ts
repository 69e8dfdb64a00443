import { greyImage } from '@ocellus/vision/testing';

export const whitePng = (width = 16, height = 16) => greyImage(width, height, () => 255);
export const blackPng = (width = 16, height = 16) => greyImage(width, height, () => 0);
export const leftHalfPng = (width = 16, height = 16) =>
  greyImage(width, height, (x) => (x < width / 2 ? 255 : 0));
