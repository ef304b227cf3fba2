import { describe, expect, it } from 'vitest';
import type { GrowthRow } from '../../bench/growth.js';
import { hugeEpisodes } from '../../bench/huge.js';
import { summarize } from '../../bench/measure.js';
import { checkGrowth, growthTable, sizeLabel } from '../../bench/table.js';

const stats = (p95: number) => summarize('op', [p95 / 2, p95], { n: 2, warmup: 0 });

function row(episodes: number, p95: number, importPerSec: number): GrowthRow {
  return {
    episodes,
    importPerSec,
    reindexSec: 1,
    lexical: stats(p95),
    hybrid: stats(p95),
    playbook: stats(p95),
    start: stats(0.1),
    logStep: stats(0.1),
    complete: stats(1),
    rssMb: 100,
    peakRssMb: 120,
    dbMb: episodes / 100,
  };
}

describe('growth table against issue 11', () => {
  it('compares 10k with 100k and names every miss', () => {
    // Retrieval within the 10k targets at 10k (1 ms), over every 100k target and ×30 at 100k (30 ms).
    const check = checkGrowth([row(1000, 0.5, 6000), row(10_000, 1, 6000), row(100_000, 30, 4000)]);
    expect([check?.from, check?.to]).toEqual([10_000, 100_000]);
    expect(check?.ratios.lexical).toBeCloseTo(30);
    expect(check?.ratios.start).toBeCloseTo(1);
    expect(check?.misses).toContain('retrieve, lexical @100k: p95 30.00 ms > 10 ms');
    expect(check?.misses).toContain('import @100k: 4,000 ep/s < 5,000');
    expect(check?.misses).toContain('growth 10k→100k of playbook: ×30.0 > ×4');
    expect(check?.misses.some((m) => m.includes('@10k'))).toBe(false);
  });

  it('prints one row per operation, a column per size, MISS beside what misses', () => {
    const table = growthTable([row(10_000, 1, 6000), row(100_000, 30, 6000)]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/operation\s+10k\s+100k\s+target\s+growth 10k→100k/);
    const lexical = lines.find((l) => l.startsWith('retrieve, lexical'))!;
    expect(lexical).toContain('0.500 / 1.00 ');
    expect(lexical).toMatch(/15.00 \/ 30.00 MISS/);
    expect(lexical).toMatch(/×30.0 MISS$/);
    expect(lines.find((l) => l.startsWith('start episode'))).not.toContain('MISS');
  });

  it('labels sizes and reads the huge override', () => {
    expect([1000, 10_000, 100_000, 1_000_000, 1500].map(sizeLabel)).toEqual([
      '1k',
      '10k',
      '100k',
      '1M',
      '1,500',
    ]);
    expect(hugeEpisodes({})).toBe(1_000_000);
    expect(hugeEpisodes({ SLMEM_BENCH_HUGE_EPISODES: '20000' })).toBe(20_000);
    expect(() => hugeEpisodes({ SLMEM_BENCH_HUGE_EPISODES: '1234' })).toThrow(/multiple of 1000/);
  });
});
