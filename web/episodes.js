// @ts-check
/** The episodes list (filters, paging) and one episode (timeline, reward, reflection, what it taught). */
import { api } from './api.js';
import { announce, empty, h, moreButton, navigate, num, outcomeBadge, when } from './dom.js';
import { episodeDetail } from './episode.js';

const PAGE = 20;
const FILTERS = ['q', 'domain', 'outcome', 'tag', 'since', 'until'];

/** @param {{ query: URLSearchParams }} args */
export async function episodesView({ query }) {
  const filters = Object.fromEntries(FILTERS.map((key) => [key, query.get(key) ?? '']));
  const tags = (filters.tag ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  // "In progress" is a status, not an outcome: the one select offers both, the API takes them apart.
  const open = filters.outcome === 'in_progress';
  const apiQuery = {
    ...filters,
    // The days picked are the reader's own, as the list shows its times: from the first millisecond of the
    // since-day to the last of the until-day in this browser's time zone, sent as instants.
    since: localDay(filters.since, 'T00:00:00'),
    until: localDay(filters.until, 'T23:59:59.999'),
    outcome: open ? '' : filters.outcome,
    status: open ? 'in_progress' : '',
    tag: tags,
    limit: PAGE,
  };
  const page = await api('/api/episodes', { query: apiQuery });
  const list = h('ol', { class: 'rows', 'data-testid': 'episode-list' }, page.episodes.map(episodeRow));
  const filtered = FILTERS.some((key) => filters[key]);
  const body =
    page.episodes.length > 0
      ? [
          list,
          moreButton(list, page.next_offset, async (offset) => {
            const next = await api('/api/episodes', { query: { ...apiQuery, offset } });
            return { nodes: next.episodes.map(episodeRow), next: next.next_offset };
          }),
        ]
      : filtered
        ? empty(
            h('p', {}, 'No episode matches these filters. '),
            h('a', { href: '#/episodes' }, 'Clear the filters'),
          )
        : noEpisodesYet();
  announce(`${page.episodes.length}${page.next_offset === null ? '' : '+'} episodes shown`);
  const node = h(
    'div',
    {},
    h('h1', {}, 'Episodes'),
    filterForm(filters),
    h('div', { class: 'results' }, body),
  );
  return { title: 'Episodes', node };
}

export function noEpisodesYet() {
  return empty(
    h('p', {}, h('strong', {}, 'No episodes yet.')),
    h('p', {}, 'Record some through the MCP tools, the CLI or the library, or fill a memory with the demo: '),
    h('pre', {}, 'slmem --db memory.db demo\nslmem --db memory.db serve'),
  );
}

/** @param {Record<string, string>} values */
function filterForm(values) {
  /** @param {string} name @param {string} label @param {Record<string, string | boolean>} [extra] */
  const field = (name, label, extra = {}) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `f-${name}` }, label),
      h('input', { id: `f-${name}`, name, value: values[name], ...extra }),
    );
  const outcomes = ['', 'success', 'partial', 'failure', 'abstained', 'in_progress'];
  return h(
    'form',
    {
      class: 'filters card',
      role: 'search',
      'aria-label': 'Filter episodes',
      'data-testid': 'episode-filters',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(/** @type {HTMLFormElement} */ (event.currentTarget));
        navigate(
          '/episodes',
          Object.fromEntries(FILTERS.map((key) => [key, String(data.get(key) ?? '').trim()])),
        );
      },
    },
    field('q', 'Text', { type: 'search', placeholder: 'words in the task' }),
    field('domain', 'Domain', { list: 'domains', autocomplete: 'off' }),
    domainList(),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-outcome' }, 'Outcome'),
      h(
        'select',
        { id: 'f-outcome', name: 'outcome' },
        outcomes.map((o) =>
          h('option', { value: o, selected: o === values.outcome }, o.replace('_', ' ') || 'any'),
        ),
      ),
    ),
    field('tag', 'Tags', { placeholder: 'a, b', 'aria-describedby': 'f-tag-help' }),
    h(
      'span',
      { id: 'f-tag-help', class: 'visually-hidden' },
      'Separate tags with commas; an episode must carry all.',
    ),
    field('since', 'Since', { type: 'date' }),
    field('until', 'Until', { type: 'date' }),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Filter'),
      h('a', { href: '#/episodes' }, 'Clear'),
    ),
  );
}

/** The domains to suggest, filled when the stats arrive: the list does not wait for them (slower at 10k). */
function domainList() {
  const list = h('datalist', { id: 'domains' });
  api('/api/stats')
    .then((stats) =>
      list.replaceChildren(...Object.keys(stats.by_domain ?? {}).map((d) => h('option', { value: d }))),
    )
    .catch(() => {}); // Suggestions only: the field works without them.
  return list;
}

/** One row of a list of episodes; its link opens the episode. @param {any} episode */
export function episodeRow(episode) {
  return h(
    'li',
    { class: 'row-item', 'data-testid': 'episode-row' },
    h('a', { class: 'row-link', href: `#/episodes/${encodeURIComponent(episode.episode_id)}` }, episode.task),
    h(
      'div',
      { class: 'row-meta' },
      outcomeBadge(episode.outcome),
      h('span', {}, episode.domain),
      h('span', {}, 'reward ', h('strong', {}, num(episode.reward))),
      h('time', { datetime: episode.started_at }, when(episode.started_at)),
    ),
  );
}

/** @param {{ id?: string }} args */
export async function episodeView({ id }) {
  const data = await api(`/api/episodes/${encodeURIComponent(id ?? '')}`);
  // The links name ids; the episodes at their other ends come with them, so their tasks are shown, not ids.
  /** @type {Map<string, string>} */
  const tasks = new Map(data.linked_episodes.map((/** @type {any} */ e) => [e.episode_id, e.task]));
  return { title: 'Episode', node: episodeDetail(data, tasks) };
}

/** A `YYYY-MM-DD` from a date field, at `time` in the browser's zone, as an ISO instant ('' stays ''). */
function localDay(/** @type {string | undefined} */ day, /** @type {string} */ time) {
  if (!day) return '';
  const at = new Date(`${day}${time}`);
  return Number.isNaN(at.getTime()) ? day : at.toISOString();
}
