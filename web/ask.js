// @ts-check
/** A task box: what the memory recommends (the playbook) and what it found (retrieve), with the reasons. */
import { api } from './api.js';
import { empty, errorBox, h, meter, navigate, num, outcomeBadge, percent, section } from './dom.js';

/** @param {{ query: URLSearchParams }} args */
export async function askView({ query }) {
  const task = query.get('task') ?? '';
  const domain = query.get('domain') ?? '';
  const heading = h('h1', {}, 'Ask the memory');
  const intro = h(
    'p',
    { class: 'muted' },
    'Describe a task an agent is about to start: see the steps that worked before and why.',
  );
  if (!task) return { title: 'Ask', node: h('div', {}, heading, intro, askForm(task, domain)) };
  const [playbook, found] = await Promise.allSettled([
    api('/api/playbook', { body: { task, ...(domain ? { domain } : {}) } }),
    api('/api/retrieve', { body: { task, ...(domain ? { domain } : {}), limit: 10 } }),
  ]);
  const result = h(
    'div',
    { class: 'ask-result', 'data-testid': 'ask-result', 'aria-label': 'Answer' },
    playbook.status === 'fulfilled'
      ? playbookSection(playbook.value)
      : section('Playbook', errorBox(playbook.reason, 'h3')),
    found.status === 'fulfilled'
      ? foundSections(found.value)
      : section('Similar episodes', errorBox(found.reason, 'h3')),
  );
  return { title: 'Ask', node: h('div', {}, heading, askForm(task, domain), result) };
}

/** @param {string} task @param {string} domain */
function askForm(task, domain) {
  const area = h(
    'textarea',
    { id: 'ask-task', name: 'task', rows: 3, required: true, maxlength: 10000 },
    task,
  );
  return h(
    'form',
    {
      class: 'card ask-form',
      'data-testid': 'ask-form',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(/** @type {HTMLFormElement} */ (event.currentTarget));
        navigate('/ask', {
          task: String(data.get('task')).trim(),
          domain: String(data.get('domain')).trim(),
        });
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'ask-task' }, 'Task'), area),
    h(
      'div',
      { class: 'row' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'ask-domain' }, 'Domain (optional)'),
        h('input', { id: 'ask-domain', name: 'domain', value: domain }),
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Ask')),
    ),
  );
}

/** @param {any} p */
function playbookSection(p) {
  if (p.steps.length === 0 && p.pitfalls.length === 0) {
    return section(
      'Playbook',
      empty(h('p', {}, 'No playbook: nothing similar has succeeded in this memory yet.')),
    );
  }
  return section(
    'Playbook',
    h(
      'div',
      { class: 'row-meta' },
      meter(p.confidence, `confidence ${percent(p.confidence)}`),
      h('span', {}, `from ${p.evidence.successes} similar successes and ${p.evidence.failures} failures`),
    ),
    h(
      'ol',
      { class: 'playbook', 'data-testid': 'playbook-steps' },
      p.steps.map((/** @type {any} */ step) =>
        h(
          'li',
          { 'data-testid': 'playbook-step' },
          h('p', {}, h('strong', {}, step.tool), step.action ? ` ${step.action}` : ''),
          h('p', { class: 'why' }, step.why),
          meter(step.support, `support ${percent(step.support)}`),
        ),
      ),
    ),
    list('Pitfalls', p.pitfalls),
    list('When to apply', p.when_to_apply),
    p.supporting_episode_ids.length > 0
      ? h(
          'p',
          {},
          'Based on: ',
          p.supporting_episode_ids.map((/** @type {string} */ id, /** @type {number} */ i) => [
            i > 0 ? ', ' : '',
            episodeLink(id),
          ]),
        )
      : null,
  );
}

/** @param {string} title @param {string[]} items */
function list(title, items) {
  return items.length === 0
    ? null
    : h(
        'div',
        {},
        h('h3', {}, title),
        h(
          'ul',
          {},
          items.map((i) => h('li', {}, i)),
        ),
      );
}

/** @param {string} id */
function episodeLink(id) {
  return h('a', { href: `#/episodes/${encodeURIComponent(id)}` }, h('code', {}, id.slice(0, 8)));
}

/** @param {any} found */
function foundSections(found) {
  return [
    section(
      'Similar episodes',
      found.episodes.length === 0
        ? empty(h('p', {}, 'Nothing similar found.'))
        : h(
            'ol',
            { class: 'rows', 'data-testid': 'found-episodes' },
            found.episodes.map((/** @type {any} */ e) =>
              h(
                'li',
                { class: 'row-item' },
                h('a', { class: 'row-link', href: `#/episodes/${encodeURIComponent(e.episode_id)}` }, e.task),
                h(
                  'div',
                  { class: 'row-meta' },
                  outcomeBadge(e.outcome),
                  h('span', {}, `score ${num(e.score, 3)}`),
                  h('span', {}, `reward ${num(e.reward)}`),
                ),
                h('p', { class: 'why' }, e.why),
              ),
            ),
          ),
    ),
    found.patterns.length === 0
      ? null
      : section(
          'Patterns that apply',
          h(
            'ul',
            { class: 'plain' },
            found.patterns.map((/** @type {any} */ p) =>
              h(
                'li',
                {},
                h('a', { href: `#/patterns/${encodeURIComponent(p.pattern_id)}` }, p.description),
                h(
                  'span',
                  { class: 'muted' },
                  ` ${p.type.replace(/_/g, ' ')}, success ${percent(p.success_rate)}, ${p.occurrences}×, score ${num(p.score, 3)}`,
                ),
              ),
            ),
          ),
        ),
    found.heuristics.length === 0
      ? null
      : section(
          'Heuristics that apply',
          h(
            'ul',
            { class: 'plain' },
            found.heuristics.map((/** @type {any} */ x) =>
              h(
                'li',
                {},
                `${x.condition} → ${x.action} `,
                h('span', { class: 'muted' }, `(confidence ${percent(x.confidence)})`),
              ),
            ),
          ),
        ),
  ];
}
