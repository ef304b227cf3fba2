import type { HttpBindings } from '@hono/node-server';
import type { SelfLearningMemory } from '../memory/index.js';

/**
 * What every handler may read from its context: the memory the request's token grants (the server's own or a
 * namespace's), set by the guard before any route runs. The Node request and response are there when served by
 * `@hono/node-server`, absent under `app.request` in tests.
 */
export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: {
    memory: SelfLearningMemory;
    /** The namespace the token is bound to; null for the server's own memory. */
    namespace: string | null;
  };
}
