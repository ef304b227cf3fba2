// @ts-check
/**
 * The page's entry: hash routes (`#/episodes?outcome=failure`, `#/episodes/<id>`, …) to views, the nav's
 * aria-current, the token form shown when the API answers 401, and errors shown in the page.
 */
import { ApiError, getToken, setToken, whenUnauthorized } from './api.js';
import { askView } from './ask.js';
import { errorBox, h, navigate } from './dom.js';
import { episodesView, episodeView } from './episodes.js';
import { heuristicsView, heuristicView } from './heuristics.js';
import { patternsView, patternView } from './patterns.js';
import { progressView } from './progress.js';

/**
 * A view gets the route's id (if any) and its query, and returns what goes in <main>.
 * @typedef {(args: { id?: string, query: URLSearchParams }) => Promise<{ title: string, node: Node }>} View
 */

/** @type {Array<{ pattern: RegExp, nav: string, view: View }>} */
const ROUTES = [
  { pattern: /^\/episodes$/, nav: 'episodes', view: episodesView },
  { pattern: /^\/episodes\/([^/]+)$/, nav: 'episodes', view: episodeView },
  { pattern: /^\/patterns$/, nav: 'patterns', view: patternsView },
  { pattern: /^\/patterns\/([^/]+)$/, nav: 'patterns', view: patternView },
  { pattern: /^\/heuristics$/, nav: 'heuristics', view: heuristicsView },
  { pattern: /^\/heuristics\/([^/]+)$/, nav: 'heuristics', view: heuristicView },
  { pattern: /^\/ask$/, nav: 'ask', view: askView },
  { pattern: /^\/progress$/, nav: 'progress', view: progressView },
];

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const auth = /** @type {HTMLElement} */ (document.getElementById('auth'));
let renderCount = 0;

async function render() {
  const hash = location.hash;
  // Only `#/…` is a route; any other fragment (a skip link, say) leaves the view as it is.
  if (!hash.startsWith('#/')) {
    if (hash === '') navigate('/episodes');
    return;
  }
  const [path = '', search = ''] = hash.slice(1).split('?');
  const query = new URLSearchParams(search);
  const route = ROUTES.find((r) => r.pattern.test(path));
  const mine = ++renderCount;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.getAttribute('data-nav') === route?.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.setAttribute('aria-busy', 'true');
  let title = 'Not found';
  /** @type {Node} */
  let node;
  try {
    if (!route) throw new ApiError(404, 'NOT_FOUND', `there is no page at ${hash}; pick a view above`);
    const id = route.pattern.exec(path)?.[1];
    ({ title, node } = await route.view({ id: id ? decodeURIComponent(id) : undefined, query }));
  } catch (error) {
    title = 'Error';
    node = errorBox(error);
  }
  if (mine !== renderCount) return; // A later navigation won the race.
  main.replaceChildren(node);
  main.removeAttribute('aria-busy');
  // For measuring: the time from navigation to a view on screen (read by the load-time measurement).
  performance.mark('slmem:view-rendered', { detail: route?.nav });
  document.title = `${title} · slmem`;
  // After a navigation, focus the new heading so a screen reader says where the user is.
  const heading = main.querySelector('h1');
  if (started && heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
  started = true;
}
let started = false;

function showTokenForm() {
  if (!auth.hidden) return;
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
  });
  const form = h(
    'form',
    {
      class: 'card token-form',
      'data-testid': 'token-form',
      onsubmit: (event) => {
        event.preventDefault();
        setToken(/** @type {HTMLInputElement} */ (input).value.trim() || null);
        auth.hidden = true;
        auth.replaceChildren();
        render();
      },
    },
    h('label', { for: 'token' }, 'API token'),
    h(
      'p',
      { class: 'muted', id: 'token-help' },
      'The server asks for a bearer token. It stays in this tab only.',
    ),
    h('div', { class: 'row' }, input, h('button', { type: 'submit' }, 'Use token')),
  );
  input.setAttribute('aria-describedby', 'token-help');
  if (getToken()) form.prepend(h('p', { class: 'error' }, 'The token you gave was refused.'));
  auth.replaceChildren(form);
  auth.hidden = false;
  input.focus();
}

whenUnauthorized(showTokenForm);
window.addEventListener('hashchange', render);
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
render();
