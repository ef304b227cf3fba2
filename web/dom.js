// @ts-check
/**
 * DOM helpers shared by the views. Text from the API is only ever set as text (never as HTML), so a task or
 * a tool output holding markup shows as written.
 */
import { ApiError } from './api.js';

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>} Attrs
 */

/**
 * Builds an element: attributes (`on…` keys become listeners, `false`/`null` ones are left out) and children.
 *
 * @example
 * h('a', { href: '#/episodes', class: 'button' }, 'Episodes');
 * @param {string} tag
 * @param {Attrs} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * SVG element with attributes and children.
 * @param {string} tag
 * @param {Record<string, string | number | undefined>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {SVGElement}
 */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined) el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** @param {Element} el @param {Array<Child | Child[]>} children */
function append(el, children) {
  // Views nest lists of children freely (a map inside a list); any depth is flattened.
  for (const child of /** @type {Child[]} */ (children.flat(Number.POSITIVE_INFINITY))) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
}

/** @param {number | null | undefined} value 0..1 @returns {string} */
export function percent(value) {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}

/** @param {number | null | undefined} value @param {number} [digits] @returns {string} */
export function num(value, digits = 2) {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

/** @param {string | null | undefined} iso @returns {string} */
export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** @param {number} ms @returns {string} */
export function duration(ms) {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return ms < 60_000 ? `${(ms / 1_000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

/** An outcome as a badge with its word (colour is never the only signal). @param {string | null} outcome */
export function outcomeBadge(outcome) {
  const word = outcome ?? 'in progress';
  return h('span', { class: `badge badge-${outcome ?? 'open'}` }, word);
}

/**
 * A horizontal bar for a value in 0..1, with the number beside it for those who do not see the bar.
 * @param {number} value @param {string} label
 */
export function meter(value, label) {
  const fill = h('span');
  // Set through the CSSOM, not a style attribute, so a strict Content-Security-Policy still allows it.
  fill.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
  return h(
    'span',
    { class: 'meter-wrap' },
    h('span', { class: 'meter', 'aria-hidden': 'true' }, fill),
    h('span', { class: 'meter-value' }, label),
  );
}

/** A titled section. @param {string} title @param {...(Child | Child[])} children */
export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

/** "Nothing here yet", with what to do about it. @param {...(Child | Child[])} children */
export function empty(...children) {
  return h('div', { class: 'empty' }, ...children);
}

/** A definition list from label/value pairs. @param {Array<[string, Child | Child[]]>} pairs */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    ...pairs.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

/** Says something to screen readers without moving focus. @param {string} text */
export function announce(text) {
  const el = document.getElementById('announcer');
  if (el) el.textContent = text;
}

/**
 * Goes to a route, its query built from the non-empty values.
 * @example navigate('/episodes', { outcome: 'failure' });
 * @param {string} path @param {Record<string, string | undefined>} [query]
 */
export function navigate(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const search = params.toString();
  location.hash = `#${path}${search ? `?${search}` : ''}`;
}

/**
 * An API or page error, readable: what happened and the server's own message.
 * @param {unknown} error @param {'h1' | 'h2' | 'h3'} [heading] the level its title takes where it is shown
 */
export function errorBox(error, heading = 'h1') {
  const known = error instanceof ApiError;
  const code = known ? error.code : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  return h(
    'div',
    { class: 'error', role: 'alert', 'data-testid': 'error' },
    h(heading, {}, errorTitle(known ? error.status : 500)),
    h('p', {}, h('code', {}, code), ' ', message),
    known && error.status === 401 ? h('p', {}, 'Enter the token above to continue.') : null,
  );
}

/**
 * A "show more" button: appends the next page to `list`, focuses its first new link, goes when none is left.
 * @example moreButton(list, page.next_offset, async (offset) => ({ nodes: [...], next: null }));
 * @param {HTMLElement} list @param {number | null} offset
 * @param {(offset: number) => Promise<{ nodes: HTMLElement[], next: number | null }>} load
 */
export function moreButton(list, offset, load) {
  if (offset === null) return null;
  let next = offset;
  const status = h('div');
  const button = h('button', { type: 'button', class: 'secondary', 'data-testid': 'more' }, 'Show more');
  button.addEventListener('click', async () => {
    button.setAttribute('disabled', '');
    try {
      const page = await load(next);
      list.append(...page.nodes);
      /** @type {HTMLElement | null} */ (page.nodes[0]?.querySelector('a'))?.focus();
      announce(`${page.nodes.length} more shown`);
      if (page.next === null) button.remove();
      else next = page.next;
      status.replaceChildren();
    } catch (error) {
      status.replaceChildren(errorBox(error, 'h2'));
    } finally {
      button.removeAttribute('disabled');
    }
  });
  return h('div', { class: 'more' }, button, status);
}

/** @param {number} status */
function errorTitle(status) {
  if (status === 401) return 'This server needs a token';
  if (status === 404) return 'Not found';
  if (status === 0) return 'Cannot reach the server';
  return status < 500 ? 'The memory refused the request' : 'The memory failed to answer';
}
