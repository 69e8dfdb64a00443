import { h } from '../dom.js';

type ImageHandler = (image: Blob, name: string) => void;

const PAD_SIDE = 280;
/** About MNIST's stroke: 2-3 px of 28 at the pad's 10x scale. */
const PEN_WIDTH = 22;

/** A file picker that is also a drop target; paste anywhere on the page sends the pasted image too. */
function picker(onImage: ImageHandler, signal: AbortSignal): HTMLElement {
  const input = h('input', {
    type: 'file',
    accept: 'image/*',
    id: 'image-file',
    className: 'visually-hidden',
  });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onImage(file, file.name);
    input.value = '';
  });
  const zone = h(
    'div',
    { className: 'drop' },
    h('p', {}, 'Drop an image here, paste one (Ctrl+V), or'),
    h('label', { htmlFor: 'image-file', className: 'button' }, 'Choose an image'),
    input,
  );
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const file = event.dataTransfer?.files[0];
    if (file) onImage(file, file.name);
  });
  document.addEventListener(
    'paste',
    (event) => {
      const file = [...(event.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
      if (file) onImage(file, file.name || 'pasted image');
    },
    { signal },
  );
  return zone;
}

/** A black pad to draw a white digit on with mouse, pen or finger, sent as a PNG. */
function drawingPad(onImage: ImageHandler): HTMLElement {
  const canvas = h('canvas', { width: PAD_SIDE, height: PAD_SIDE, className: 'pad' });
  canvas.setAttribute('aria-label', 'Drawing pad: draw a digit with the mouse, a pen or a finger');
  const context = canvas.getContext('2d');
  const clear = () => {
    if (!context) return;
    context.fillStyle = '#000';
    context.fillRect(0, 0, PAD_SIDE, PAD_SIDE);
  };
  clear();
  const at = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) * PAD_SIDE) / rect.width,
      ((event.clientY - rect.top) * PAD_SIDE) / rect.height,
    ] as const;
  };
  canvas.addEventListener('pointerdown', (event) => {
    if (!context) return;
    canvas.setPointerCapture(event.pointerId);
    const [x, y] = at(event);
    context.strokeStyle = '#fff';
    context.lineWidth = PEN_WIDTH;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x, y);
    context.stroke();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!context || !canvas.hasPointerCapture(event.pointerId)) return;
    const [x, y] = at(event);
    context.lineTo(x, y);
    context.stroke();
  });
  const send = h('button', { type: 'button' }, 'Send drawing');
  send.addEventListener('click', () =>
    canvas.toBlob((blob) => {
      if (blob) onImage(blob, 'drawing.png');
    }, 'image/png'),
  );
  const erase = h('button', { type: 'button', className: 'secondary' }, 'Clear');
  erase.addEventListener('click', clear);
  return h('div', { className: 'draw' }, canvas, h('div', { className: 'row' }, send, erase));
}

/** Every way to give the Try page an image: pick, drop, paste, or draw. */
export function imageInput(onImage: ImageHandler, signal: AbortSignal): HTMLElement {
  return h(
    'section',
    { className: 'input', aria: { label: 'Image' } },
    picker(onImage, signal),
    drawingPad(onImage),
  );
}
