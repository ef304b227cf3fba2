// @ts-check
/** One episode: what was asked, the timeline of its steps, the reward and reflection, what it taught. */
import { duration, empty, facts, h, meter, num, outcomeBadge, percent, section, when } from './dom.js';

/**
 * @param {{ episode: any, patterns: any[], links: any[] }} data
 * @param {Map<string, string>} [tasks] the tasks of linked episodes, by id
 */
export function episodeDetail({ episode, patterns, links }, tasks = new Map()) {
  return h(
    'article',
    { class: 'episode', 'data-testid': 'episode-view' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/episodes' }, '← All episodes')),
    h('h1', { class: 'task-title' }, episode.task),
    facts([
      ['Outcome', [outcomeBadge(episode.outcome), episode.outcome_text ? ` ${episode.outcome_text}` : '']],
      ['Domain', episode.domain],
      ['Type', `${episode.task_type}, ${episode.complexity}`],
      ...(episode.language || episode.framework
        ? /** @type {Array<[string, string]>} */ ([
            ['Stack', [episode.language, episode.framework].filter(Boolean).join(' / ')],
          ])
        : []),
      [
        'Tags',
        episode.tags.length > 0
          ? episode.tags.map((/** @type {string} */ t) => h('span', { class: 'tag' }, t))
          : '—',
      ],
      ['Started', h('time', { datetime: episode.started_at }, when(episode.started_at))],
      [
        'Ended',
        episode.ended_at
          ? h('time', { datetime: episode.ended_at }, when(episode.ended_at))
          : 'still running',
      ],
      ['Id', h('code', {}, episode.episode_id)],
    ]),
    h('div', { class: 'split' }, reward(episode), summary(episode)),
    section(`Steps (${episode.steps.length})`, timeline(episode.steps, episode.started_at)),
    reflection(episode.reflection),
    section(
      'Patterns it taught',
      patterns.length === 0
        ? empty(
            h(
              'p',
              {},
              episode.outcome === null
                ? 'Patterns are learned when the episode completes.'
                : 'None: a pattern needs several episodes that share it.',
            ),
          )
        : h('ul', { class: 'plain' }, patterns.map(patternLink)),
    ),
    section('Linked episodes', linkList(episode.episode_id, links, tasks)),
  );
}

/** @param {any} episode */
function reward(episode) {
  const c = episode.reward_components;
  if (episode.reward === null)
    return section('Reward', h('p', { class: 'muted' }, 'Not scored until it completes.'));
  return section(
    'Reward',
    h('p', { class: 'big-number' }, num(episode.reward)),
    c
      ? facts([
          ['Base', meter(c.base, num(c.base))],
          ['Efficiency', meter(c.efficiency, num(c.efficiency))],
          ['Error rate', meter(c.error_rate, percent(c.error_rate))],
          ['Recovery', meter(c.recovery, percent(c.recovery))],
          ['Complexity ×', num(c.complexity_multiplier)],
        ])
      : null,
  );
}

/** @param {any} episode */
function summary(episode) {
  return section('Summary', h('p', {}, episode.summary ?? 'No summary yet.'));
}

/**
 * The steps as a vertical timeline, each with when it was logged after the episode began; each latency bar is
 * relative to the slowest step.
 * @param {any[]} steps @param {string} startedAt
 */
function timeline(steps, startedAt) {
  const start = Date.parse(startedAt);
  if (steps.length === 0) return empty(h('p', {}, 'No steps were logged.'));
  const slowest = Math.max(1, ...steps.map((step) => step.latency_ms));
  return h(
    'ol',
    { class: 'timeline', 'data-testid': 'episode-timeline' },
    steps.map((step) =>
      h(
        'li',
        { class: `step step-${step.status}`, 'data-testid': 'timeline-step' },
        h(
          'div',
          { class: 'step-head' },
          h('span', { class: 'step-seq' }, `#${step.seq}`),
          h('strong', { class: 'step-tool' }, step.tool),
          h('span', { class: `badge badge-${step.status}` }, step.status),
          h(
            'time',
            { class: 'step-at', datetime: step.at, title: when(step.at) },
            `+${duration(Math.max(0, Date.parse(step.at) - start))}`,
          ),
        ),
        step.action ? h('p', { class: 'step-action' }, step.action) : null,
        step.error ? longText('Error', step.error, 'error-text') : null,
        step.output ? longText('Output', step.output, 'output-text') : null,
        h('div', { class: 'latency' }, meter(step.latency_ms / slowest, duration(step.latency_ms))),
      ),
    ),
  );
}

/** A tool output or error: short ones shown, long ones folded. @param {string} label @param {string} text @param {string} cls */
function longText(label, text, cls) {
  const pre = h('pre', { class: cls }, text);
  if (text.length <= 240 && text.split('\n').length <= 4)
    return h('div', {}, h('span', { class: 'visually-hidden' }, `${label}: `), pre);
  return h('details', {}, h('summary', {}, `${label} (${text.length} characters)`), pre);
}

/** @param {any} r */
function reflection(r) {
  if (!r) return section('Reflection', h('p', { class: 'muted' }, 'Written when the episode completes.'));
  /** @param {string} title @param {string[]} items */
  const part = (title, items) =>
    h(
      'div',
      {},
      h('h3', {}, title),
      items.length === 0
        ? h('p', { class: 'muted' }, 'none')
        : h(
            'ul',
            {},
            items.map((i) => h('li', {}, i)),
          ),
    );
  return section(
    'Reflection',
    h(
      'div',
      { class: 'columns' },
      part('What worked', r.successes),
      part('To improve', r.improvements),
      part('Insights', r.insights),
    ),
  );
}

/** @param {any} p */
export function patternLink(p) {
  return h(
    'li',
    {},
    h('a', { href: `#/patterns/${encodeURIComponent(p.pattern_id)}` }, p.description),
    h(
      'span',
      { class: 'muted' },
      ` ${p.type.replace(/_/g, ' ')}, effectiveness ${num(p.effectiveness)}, ${p.occurrences}×`,
    ),
  );
}

/** @param {string} self @param {any[]} links @param {Map<string, string>} tasks */
function linkList(self, links, tasks) {
  if (links.length === 0) return empty(h('p', {}, 'No linked episodes.'));
  /** @param {string} id */
  const ep = (id) => {
    const task = tasks.get(id);
    const text = task
      ? `“${task.length > 90 ? `${task.slice(0, 90)}…` : task}”`
      : h('code', {}, id.slice(0, 8));
    return h('a', { href: `#/episodes/${encodeURIComponent(id)}` }, text);
  };
  return h(
    'ul',
    { class: 'plain', 'data-testid': 'episode-links' },
    links.map((link) =>
      h(
        'li',
        {},
        link.from_episode_id === self ? 'this episode' : ep(link.from_episode_id),
        ` ${link.type.replace(/_/g, ' ')} `,
        link.to_episode_id === self ? 'this episode' : ep(link.to_episode_id),
        link.note ? h('span', { class: 'muted' }, ` — ${link.note}`) : null,
      ),
    ),
  );
}
