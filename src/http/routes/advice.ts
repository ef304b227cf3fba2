import {
  PlaybookView,
  playbookInput,
  playbookView,
  RetrievalView,
  recommendPlaybookArgs,
  retrievalView,
  retrieveContextArgs,
} from '../../views/index.js';
import { defineRoute, type Route } from '../route.js';

const tag = 'Advice';

/** Asking for experience before a task: what happened in similar tasks, and a plan. */
export function adviceRoutes(): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/retrieve',
      tag,
      summary: 'The past episodes, patterns and heuristics most relevant to a task',
      description: 'Each episode comes with a score in 0-1 and why it matched; failures say what to avoid.',
      body: retrieveContextArgs,
      response: RetrievalView,
      async handle({ body }, memory) {
        const { task, limit, ...context } = body;
        return retrievalView(await memory.retrieve({ task, context, limit }), limit);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/playbook',
      tag,
      summary: 'Ordered steps, pitfalls and a confidence for a task, from the best matching experience',
      body: recommendPlaybookArgs,
      response: PlaybookView,
      handle: async ({ body }, memory) => playbookView(await memory.playbook(playbookInput(body))),
    }),
  ];
}
