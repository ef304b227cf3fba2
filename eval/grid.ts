/**
 * The library settings the cross-domain table chooses among (eval/cross-domain.ts). A plain list: add a row to
 * try a setting. Each row's options are merged over the benchmark's base options where a memory is opened
 * (`retrieval` and `playbook` one level deep), cast to `MemoryOptions`: an option the library does not know is
 * ignored by `SelfLearningMemory.open`, so a row with it still runs (and then equals `defaults`). The first row
 * is the library's defaults: a tie keeps it.
 */
export interface GridEntry {
  name: string;
  options: Record<string, unknown>;
}

const rrf = (lexicalWeight: number, vectorWeight: number, rerank = true) => ({
  retrieval: { fusion: 'rrf', lexicalWeight, vectorWeight, rerank },
});
const weighted = (lexicalWeight: number, vectorWeight: number, rerank = true) => ({
  retrieval: { fusion: 'weighted', lexicalWeight, vectorWeight, rerank },
});

export const SETTINGS_GRID: readonly GridEntry[] = [
  { name: 'defaults', options: {} },
  { name: 'rrf 1:2', options: rrf(1, 2) },
  { name: 'rrf 2:1', options: rrf(2, 1) },
  { name: 'rrf 1:1 -rerank', options: rrf(1, 1, false) },
  { name: 'rrf 1:2 -rerank', options: rrf(1, 2, false) },
  { name: 'rrf 2:1 -rerank', options: rrf(2, 1, false) },
  { name: 'weighted 1:1', options: weighted(1, 1) },
  { name: 'weighted 1:2', options: weighted(1, 2) },
  { name: 'weighted 2:1', options: weighted(2, 1) },
  { name: 'weighted 1:1 -rerank', options: weighted(1, 1, false) },
  { name: 'weighted 1:2 -rerank', options: weighted(1, 2, false) },
  { name: 'weighted 2:1 -rerank', options: weighted(2, 1, false) },
  { name: 'textIndex task', options: { retrieval: { textIndex: 'task' } } },
  { name: 'listWeights decisive', options: { retrieval: { listWeights: 'decisive' } } },
  { name: 'playbook -consensus', options: { playbook: { consensus: false } } },
  { name: 'playbook -toolModel', options: { playbook: { toolModel: false } } },
  { name: 'playbook -failures', options: { playbook: { failures: false } } },
];

/** The rows `--quick` tries: the defaults and two others. */
export const QUICK_GRID: readonly GridEntry[] = SETTINGS_GRID.filter((e) =>
  ['defaults', 'rrf 2:1', 'weighted 1:1'].includes(e.name),
);

/** The options of an entry that can change a ranking: all but `playbook` (webarena asks for no plan). */
export function retrievalKey(entry: GridEntry): string {
  const { playbook: _, ...rest } = entry.options;
  return JSON.stringify(rest);
}
