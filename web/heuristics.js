// @ts-check
/** Heuristics (when this, do that), most confident first, and one heuristic with the episodes behind it. */
import { api } from './api.js';
import { empty, facts, h, meter, moreButton, percent, section, when } from './dom.js';
import { episodeRow } from './episodes.js';

const PAGE = 50;

/** @param {{ query: URLSearchParams }} args */
export async function heuristicsView({ query }) {
  const domain = query.get('domain') ?? '';
  /** @param {number} offset */
  const load = (offset) => api('/api/heuristics', { query: { domain, limit: PAGE, offset } });
  const page = await load(0);
  const rows = h('ol', { class: 'rows' }, page.heuristics.map(heuristicRow));
  const list =
    page.heuristics.length === 0
      ? empty(h('p', {}, 'No heuristics yet: they come from decisions that several episodes agree on.'))
      : h(
          'div',
          {},
          rows,
          moreButton(rows, page.next_offset, async (offset) => {
            const next = await load(offset);
            return { nodes: next.heuristics.map(heuristicRow), next: next.next_offset };
          }),
        );
  return {
    title: 'Heuristics',
    node: h(
      'div',
      {},
      h('h1', {}, 'Heuristics'),
      h('p', { class: 'muted' }, 'Rules learned from decisions, most confident first.'),
      list,
    ),
  };
}

/** @param {{ id?: string }} args */
export async function heuristicView({ id }) {
  const { heuristic: x, episodes } = await api(`/api/heuristics/${encodeURIComponent(id ?? '')}`);
  const node = h(
    'article',
    { 'data-testid': 'heuristic-view' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/heuristics' }, '← All heuristics')),
    h('h1', {}, rule(x)),
    facts([
      ['Confidence', meter(x.confidence, percent(x.confidence))],
      ['Evidence', `${x.agree} episodes agree, ${x.disagree} disagree`],
      ['Tools', x.action_tools.join(', ') || '—'],
      ['Domain', x.domain],
      ['Updated', when(x.updated_at)],
      ['Id', h('code', {}, x.heuristic_id)],
    ]),
    section(
      `Supporting episodes (${episodes.length})`,
      episodes.length === 0
        ? empty(h('p', {}, 'Its evidence is gone (pruned or deleted).'))
        : h('ol', { class: 'rows' }, episodes.map(episodeRow)),
    ),
  );
  return { title: 'Heuristic', node };
}

/** When this, do that. @param {any} x */
function rule(x) {
  return h(
    'span',
    { class: 'rule' },
    x.condition,
    h('span', { class: 'muted' }, ' → '),
    h('strong', {}, x.action),
  );
}

/** One rule with how sure the memory is and how many episodes agree; it opens the rule's view. @param {any} x */
function heuristicRow(x) {
  return h(
    'li',
    { class: 'row-item', 'data-testid': 'heuristic-row' },
    h(
      'p',
      { class: 'rule' },
      h('a', { href: `#/heuristics/${encodeURIComponent(x.heuristic_id)}` }, rule(x)),
    ),
    h(
      'div',
      { class: 'row-meta' },
      meter(x.confidence, `confidence ${percent(x.confidence)}`),
      h('span', {}, `${x.agree} agree, ${x.disagree} disagree`),
      h('span', {}, `from ${x.evidence_episode_ids.length} episodes`),
      h('span', {}, x.domain),
    ),
  );
}
