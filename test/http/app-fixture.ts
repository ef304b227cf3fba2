import { afterAll, beforeAll } from 'vitest';
import { createHttpApp, type HttpApp } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { tempSqliteDb } from '../backends.js';

/**
 * The HTTP app over a fresh memory in a real SQLite file, for the file's tests: opened before them, closed
 * after. The returned object is filled in by `beforeAll`.
 */
export function useHttpApp(): { memory: SelfLearningMemory; http: HttpApp } {
  const made = {} as { memory: SelfLearningMemory; http: HttpApp };
  beforeAll(async () => {
    made.memory = await SelfLearningMemory.open({ db: tempSqliteDb(), embeddings: { provider: 'hash' } });
    made.http = createHttpApp(made.memory);
  });
  afterAll(async () => {
    await made.http?.close();
    await made.memory?.close();
  });
  return made;
}
