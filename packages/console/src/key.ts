import { h } from './dom.js';

/** Opens a dialog with the reason the API gave; resolves with the key typed, or null when cancelled. */
export function askKey(reason: string): Promise<string | null> {
  const input = h('input', {
    id: 'key-input',
    type: 'password',
    autocomplete: 'off',
    required: true,
    minLength: 16,
  });
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: 'key-title' }, 'API key'),
    h('p', {}, `The API answered: ${reason}`),
    h('label', { htmlFor: 'key-input' }, "Bearer key (kept in this tab's session storage only)"),
    input,
    h(
      'div',
      { className: 'row' },
      h('button', { type: 'submit', value: 'ok' }, 'Use key'),
      h('button', { type: 'submit', value: 'cancel', formNoValidate: true }, 'Cancel'),
    ),
  );
  const dialog = h('dialog', { className: 'key-dialog', aria: { labelledby: 'key-title' } }, form);
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        dialog.remove();
        const key = input.value.trim();
        resolve(dialog.returnValue === 'ok' && key.length > 0 ? key : null);
      },
      { once: true },
    );
  });
}
