// @ts-check
/** Patterns (sortable, with feedback) and one pattern with its supporting episodes. */
import { api } from './api.js';
import { empty, facts, h, meter, moreButton, navigate, num, percent, section, when } from './dom.js';
import { episodeRow } from './episodes.js';

const SORTS = {
  effectiveness: 'Effectiveness',
  helped: 'Helped most',
  occurrences: 'Occurrences',
  recent: 'Most recent',
};
const TYPES = ['tool_sequence', 'decision_point', 'error_recovery', 'context_pattern'];
const PAGE = 50;

/** @param {{ query: URLSearchParams }} args */
export async function patternsView({ query }) {
  const filters = {
    sort: query.get('sort') ?? 'effectiveness',
    type: query.get('type') ?? '',
    domain: query.get('domain') ?? '',
  };
  const page = await api('/api/patterns', { query: { ...filters, limit: PAGE } });
  const body = h('tbody', {}, page.patterns.map(patternRow));
  const table = h(
    'table',
    { class: 'stack', 'data-testid': 'pattern-table' },
    h(
      'caption',
      { class: 'visually-hidden' },
      `Patterns sorted by ${SORTS[/** @type {keyof SORTS} */ (filters.sort)] ?? filters.sort}`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Pattern', 'Type', 'Domain', 'Seen', 'Success', 'Effectiveness', 'Feedback'].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    body,
  );
  const more = moreButton(body, page.next_offset, async (offset) => {
    const next = await api('/api/patterns', { query: { ...filters, limit: PAGE, offset } });
    return { nodes: next.patterns.map(patternRow), next: next.next_offset };
  });
  const content =
    page.patterns.length === 0
      ? empty(
          h(
            'p',
            {},
            'No patterns yet: they are learned when episodes complete, once several share a way of working.',
          ),
        )
      : [table, more];
  return { title: 'Patterns', node: h('div', {}, h('h1', {}, 'Patterns'), controls(filters), content) };
}

/** @param {{ sort: string, type: string, domain: string }} values */
function controls(values) {
  /** @param {string} name @param {string} label @param {Array<[string, string]>} options */
  const select = (name, label, options) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `p-${name}` }, label),
      h(
        'select',
        { id: `p-${name}`, name },
        options.map(([v, text]) =>
          h('option', { value: v, selected: v === values[/** @type {'sort'} */ (name)] }, text),
        ),
      ),
    );
  return h(
    'form',
    {
      class: 'filters card',
      'aria-label': 'Sort and filter patterns',
      'data-testid': 'pattern-filters',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(/** @type {HTMLFormElement} */ (event.currentTarget));
        navigate('/patterns', {
          sort: String(data.get('sort')),
          type: String(data.get('type')),
          domain: String(data.get('domain')).trim(),
        });
      },
    },
    select('sort', 'Sort by', Object.entries(SORTS)),
    select('type', 'Type', [
      ['', 'any'],
      ...TYPES.map((t) => /** @type {[string, string]} */ ([t, t.replace(/_/g, ' ')])),
    ]),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'p-domain' }, 'Domain'),
      h('input', { id: 'p-domain', name: 'domain', value: values.domain }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply')),
  );
}

/** @param {any} p */
function feedback(p) {
  return p.feedback_applied === 0 ? 'none yet' : `helped ${p.feedback_helped} of ${p.feedback_applied}`;
}

/** @param {any} p */
function patternRow(p) {
  /** @param {string} label @param {import('./dom.js').Child | import('./dom.js').Child[]} value */
  const cell = (label, value) => h('td', { 'data-label': label }, value);
  return h(
    'tr',
    { 'data-testid': 'pattern-row' },
    cell('Pattern', h('a', { href: `#/patterns/${encodeURIComponent(p.pattern_id)}` }, p.description)),
    cell('Type', p.type.replace(/_/g, ' ')),
    cell('Domain', p.domain),
    cell('Seen', `${p.occurrences}×`),
    cell('Success', meter(p.success_rate, percent(p.success_rate))),
    cell('Effectiveness', meter(p.effectiveness, num(p.effectiveness))),
    cell('Feedback', feedback(p)),
  );
}

/** @param {{ id?: string }} args */
export async function patternView({ id }) {
  const { pattern: p, episodes } = await api(`/api/patterns/${encodeURIComponent(id ?? '')}`);
  const node = h(
    'article',
    { 'data-testid': 'pattern-view' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/patterns' }, '← All patterns')),
    h('h1', {}, p.description),
    facts([
      ['Type', p.type.replace(/_/g, ' ')],
      ['Domain', `${p.domain} (${p.task_type})`],
      ['Seen', `${p.occurrences} times, ${when(p.first_seen)} – ${when(p.last_seen)}`],
      ['Success rate', meter(p.success_rate, percent(p.success_rate))],
      ['Effectiveness', meter(p.effectiveness, num(p.effectiveness))],
      ['Feedback', feedback(p)],
      ['Mean step latency', `${Math.round(p.avg_latency_ms)} ms`],
      ['Id', h('code', {}, p.pattern_id)],
    ]),
    section(
      `Supporting episodes (${episodes.length})`,
      episodes.length === 0
        ? empty(h('p', {}, 'Its evidence is gone (pruned or deleted).'))
        : h('ol', { class: 'rows' }, episodes.map(episodeRow)),
    ),
    h(
      'details',
      { class: 'card' },
      h('summary', {}, 'Raw pattern data'),
      h('pre', {}, JSON.stringify(p.data, null, 2)),
    ),
  );
  return { title: 'Pattern', node };
}
