// @ts-check
// One short status line at the bottom of the page, read out by screen readers.
/** @type {HTMLDivElement | null} */
let element = null;
let timer = 0;

/**
 * @param {string} message
 * @param {{ error?: boolean }} [options]
 */
export function toast(message, { error = false } = {}) {
  if (!element) {
    element = document.createElement('div');
    element.className = 'toast';
    element.setAttribute('role', 'status');
    element.hidden = true;
    document.body.append(element);
  }
  element.textContent = message;
  element.classList.toggle('error', error);
  element.hidden = false;
  clearTimeout(timer);
  const shown = element;
  timer = setTimeout(() => (shown.hidden = true), error ? 8000 : 4000);
}
