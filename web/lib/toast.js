// One short status line at the bottom of the page, read out by screen readers.
let element = null;
let timer = 0;

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
  timer = setTimeout(() => (element.hidden = true), error ? 8000 : 4000);
}
