import {
  type Clock,
  checkNamespace,
  cryptoRandom,
  DEFAULT_LIMITS,
  type Learn,
  type MemoryLimits,
  systemClock,
  uuidV7Generator,
} from '../core/index.js';
import { createEmbeddingProvider, type EmbeddingProvider } from '../embeddings/index.js';
import {
  DEFAULT_PLAYBOOK_SETTINGS,
  DEFAULT_REWARD_WEIGHTS,
  type PlaybookSettings,
  planLearning,
} from '../learning/index.js';
import { resolveRetrievalSettings, VectorIndexer } from '../retrieval/index.js';
import { openStorage, type StorageBackend } from '../storage/index.js';
import { CachedRetriever } from './cached-retriever.js';
import { defaultDbPath, defaultNamespace, type MemoryOptions } from './options.js';
import { checkMemoryOptions } from './options-schema.js';

/** What a memory is made of, every default filled: built once by `openParts`, owned by the facade. */
export interface MemoryParts {
  storage: StorageBackend;
  clock: Clock;
  newId: () => string;
  limits: MemoryLimits;
  learn: Learn;
  playbookSettings: PlaybookSettings;
  log: (message: string) => void;
  /** The embedding provider as configured; absent when embeddings are off. */
  provider: EmbeddingProvider | undefined;
  /** Embeds what is written, in the background; absent when embeddings are off. */
  indexer: VectorIndexer | undefined;
  retriever: CachedRetriever;
}

/** Checks the options, opens (and creates or migrates) the store and builds the parts around it. */
export async function openParts(input: MemoryOptions): Promise<MemoryParts> {
  // The namespace first: its own message repeats the value given, which the options check does not.
  const asked = (input as { namespace?: unknown } | null)?.namespace;
  if (asked !== undefined) checkNamespace(asked, 'namespace');
  const options = checkMemoryOptions(input);
  const namespace = checkNamespace(options.namespace ?? defaultNamespace(), 'namespace');
  const storage =
    options.storage ??
    (await openStorage(options.db ?? defaultDbPath(), {
      namespace,
      sqlite: {
        ...pick(options, ['durability', 'vectorIndex', 'readOnly']),
        ...options.sqlite,
      },
      ...(options.postgres ? { postgres: options.postgres } : {}),
    }));
  return buildParts(storage, options);
}

function buildParts(storage: StorageBackend, options: MemoryOptions): MemoryParts {
  const clock = options.clock ?? systemClock;
  const rewardWeights = { ...DEFAULT_REWARD_WEIGHTS, ...options.rewardWeights };
  const namespace = storage.namespace;
  const log = options.log ?? ((message: string) => process.stderr.write(`slmem: ${message}\n`));
  const embeddings = options.embeddings ?? createEmbeddingProvider();
  const provider =
    embeddings === false
      ? undefined
      : 'embed' in embeddings
        ? embeddings
        : createEmbeddingProvider(embeddings);
  const indexer = provider ? new VectorIndexer({ storage, provider, log }) : undefined;
  return {
    storage,
    clock,
    newId: uuidV7Generator(clock, options.random ?? cryptoRandom),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    learn: (episode) => planLearning(episode, { rewardWeights, namespace }),
    playbookSettings: { ...DEFAULT_PLAYBOOK_SETTINGS, ...options.playbook },
    log,
    provider,
    indexer,
    retriever: new CachedRetriever({
      storage,
      provider,
      indexer,
      settings: resolveRetrievalSettings(options.retrieval),
      clock,
      log,
      queryCache: options.queryCache,
    }),
  };
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Pick<T, K>;
}
