// @ts-check
/** "Are my agents getting better?": success rate and mean reward over time per domain, and what helped. */
import { api } from './api.js';
import { lineChart } from './chart.js';
import { empty, h, meter, navigate, num, percent, section } from './dom.js';
import { noEpisodesYet } from './episodes.js';

const BUCKETS = ['day', 'week', 'month'];

/** @param {{ query: URLSearchParams }} args */
export async function progressView({ query }) {
  const bucket = BUCKETS.includes(query.get('bucket') ?? '')
    ? /** @type {string} */ (query.get('bucket'))
    : 'week';
  const domain = query.get('domain') ?? '';
  const [data, stats] = await Promise.all([
    api('/api/progress', { query: { bucket, domain } }),
    api('/api/stats'),
  ]);
  /** @type {Map<string, any[]>} */
  const byDomain = new Map();
  for (const row of data.series) byDomain.set(row.domain, [...(byDomain.get(row.domain) ?? []), row]);
  /** @param {'success_rate' | 'mean_reward'} key */
  const series = (key) =>
    [...byDomain].map(([name, rows]) => ({ name, points: rows.map((r) => ({ x: r.start, y: r[key] })) }));
  const charts =
    data.series.length === 0
      ? domain
        ? empty(h('p', {}, `No completed episodes in the domain “${domain}”.`))
        : noEpisodesYet()
      : h(
          'div',
          { class: 'charts' },
          lineChart({
            id: 'chart-success',
            testid: 'progress-chart',
            title: `Success rate per ${bucket}`,
            desc: `Share of the episodes completed each ${bucket} that succeeded, one line per domain. ${trend(byDomain, 'success_rate', percent)}`,
            series: series('success_rate'),
            format: percent,
          }),
          lineChart({
            id: 'chart-reward',
            testid: 'progress-chart-reward',
            title: `Mean reward per ${bucket}`,
            desc: `Mean reward (0 to 1) of the episodes completed each ${bucket}, one line per domain. ${trend(byDomain, 'mean_reward', num)}`,
            series: series('mean_reward'),
            format: (y) => num(y),
          }),
        );
  const node = h(
    'div',
    {},
    h('h1', {}, 'Are my agents getting better?'),
    data.series.length > 0 ? h('p', { class: 'lead' }, trend(byDomain, 'success_rate', percent)) : null,
    controls(bucket, domain),
    charts,
    topPatterns(data.top_patterns),
    tuning(stats.tuning),
  );
  return { title: 'Progress', node };
}

/**
 * One sentence per domain: the earlier half of its periods against the later half, each weighted by how many
 * episodes completed in it (first against last period alone would follow the noise of two small buckets).
 * @param {Map<string, any[]>} byDomain @param {'success_rate' | 'mean_reward'} key @param {(v: number) => string} format
 */
function trend(byDomain, key, format) {
  const label = key === 'success_rate' ? 'success rate' : 'mean reward';
  /** @param {any[]} rows */
  const mean = (rows) => {
    const known = rows.filter((r) => r[key] !== null);
    const n = known.reduce((sum, r) => sum + r.completed, 0);
    return n === 0 ? null : known.reduce((sum, r) => sum + r[key] * r.completed, 0) / n;
  };
  return [...byDomain]
    .map(([name, rows]) => {
      const half = Math.floor(rows.length / 2);
      const before = mean(rows.slice(0, half));
      const after = mean(rows.slice(rows.length - half));
      if (before === null || after === null) {
        const all = mean(rows);
        return all === null ? '' : `${name}: ${label} ${format(all)} so far.`;
      }
      const word = after > before + 0.005 ? 'up' : after < before - 0.005 ? 'down' : 'level';
      return `${name}: ${label} ${format(before)} in the first ${half} periods, ${format(after)} in the last ${half} (${word}).`;
    })
    .join(' ');
}

/** @param {string} bucket @param {string} domain */
function controls(bucket, domain) {
  return h(
    'form',
    {
      class: 'filters card',
      'aria-label': 'Chart options',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(/** @type {HTMLFormElement} */ (event.currentTarget));
        navigate('/progress', {
          bucket: String(data.get('bucket')),
          domain: String(data.get('domain')).trim(),
        });
      },
    },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'g-bucket' }, 'Period'),
      h(
        'select',
        { id: 'g-bucket', name: 'bucket' },
        BUCKETS.map((b) => h('option', { value: b, selected: b === bucket }, b)),
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'g-domain' }, 'Domain'),
      h('input', { id: 'g-domain', name: 'domain', value: domain, placeholder: 'all' }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show')),
  );
}

/**
 * What the memory chose for itself from its own history.
 * @param {any} tuning
 */
function tuning(tuning) {
  return section(
    'How the memory tunes itself',
    h(
      'p',
      { 'data-testid': 'tuning' },
      tuning
        ? `On ${new Date(tuning.at).toLocaleDateString()}, ${tuning.note}.`
        : 'Not yet: after 25 completed episodes (or slmem tune) the memory asks itself about its successful episodes and keeps the search and playbook settings that found the like ones best.',
    ),
  );
}

/** @param {any[]} patterns */
function topPatterns(patterns) {
  return section(
    'Patterns that helped most',
    patterns.length === 0
      ? empty(
          h(
            'p',
            {},
            'No feedback yet: agents report it with record_feedback (MCP) or POST /api/feedback after applying a pattern.',
          ),
        )
      : h(
          'ol',
          { class: 'rows', 'data-testid': 'top-patterns' },
          patterns.map((p) =>
            h(
              'li',
              { class: 'row-item' },
              h(
                'a',
                { class: 'row-link', href: `#/patterns/${encodeURIComponent(p.pattern_id)}` },
                p.description,
              ),
              h(
                'div',
                { class: 'row-meta' },
                meter(
                  p.feedback_applied === 0 ? 0 : p.feedback_helped / p.feedback_applied,
                  `helped ${p.feedback_helped} of ${p.feedback_applied}`,
                ),
                h('span', {}, `${p.type.replace(/_/g, ' ')}, ${p.domain}`),
                h('span', {}, `effectiveness ${num(p.effectiveness)}`),
              ),
            ),
          ),
        ),
  );
}
