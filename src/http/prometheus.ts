/**
 * The Prometheus text exposition format, version 0.0.4, written by hand: the format is a few line shapes, and
 * a client library would be the only dependency of `/metrics`.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** The `Content-Type` of a `/metrics` response in this format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

/** One line of a family: `name{labels} value`; `suffix` gives `_bucket`, `_sum` and `_count`. */
export interface Sample {
  labels?: Labels;
  value: number;
  suffix?: string;
}

/** `\`, `"` and newline escaped, as the format requires inside a label value. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Go's float spelling, which Prometheus parses: `+Inf`, `-Inf`, `NaN`, else the shortest decimal. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

/**
 * One metric family: its HELP and TYPE lines, then its samples. A family without samples still says what it
 * is, so a dashboard finds the name before the first request.
 *
 * @example
 * formatFamily('slmem_episodes', 'gauge', 'Episodes stored.', [{ labels: { namespace: 'default' }, value: 3 }]);
 * // # HELP slmem_episodes Episodes stored.\n# TYPE slmem_episodes gauge\nslmem_episodes{namespace="default"} 3\n
 */
export function formatFamily(
  name: string,
  type: 'counter' | 'gauge' | 'histogram',
  help: string,
  samples: readonly Sample[],
): string {
  const lines = [
    `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
    `# TYPE ${name} ${type}`,
  ];
  for (const s of samples) {
    lines.push(`${name}${s.suffix ?? ''}${formatLabels(s.labels)} ${formatNumber(s.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Values of one family kept per label set; label names are fixed so a key is the values in order. */
abstract class Labelled<T> {
  protected readonly series = new Map<string, { labels: Labels; value: T }>();
  constructor(readonly labelNames: readonly string[]) {}

  protected entry(labels: Labels, make: () => T): T {
    const key = JSON.stringify(this.labelNames.map((name) => labels[name] ?? ''));
    let found = this.series.get(key);
    if (!found) {
      const picked = Object.fromEntries(this.labelNames.map((name) => [name, labels[name] ?? '']));
      found = { labels: picked, value: make() };
      this.series.set(key, found);
    }
    return found.value;
  }
}

/** A counter per label set. */
export class CounterVec extends Labelled<{ n: number }> {
  inc(labels: Labels, by = 1): void {
    this.entry(labels, () => ({ n: 0 })).n += by;
  }

  samples(): Sample[] {
    return [...this.series.values()].map(({ labels, value }) => ({ labels, value: value.n }));
  }
}

/** A histogram per label set: cumulative `_bucket` lines up to `le="+Inf"`, then `_sum` and `_count`. */
export class HistogramVec extends Labelled<{ counts: number[]; sum: number; count: number }> {
  /** Upper bounds, ascending; `+Inf` is added when rendered. */
  readonly buckets: readonly number[];

  constructor(labelNames: readonly string[], buckets: readonly number[]) {
    super(labelNames);
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const h = this.entry(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    const i = this.buckets.findIndex((bound) => value <= bound);
    if (i >= 0) h.counts[i] = (h.counts[i] ?? 0) + 1;
    h.sum += value;
    h.count += 1;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    for (const { labels, value } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += value.counts[i] ?? 0;
        out.push({ suffix: '_bucket', labels: { ...labels, le: formatNumber(bound) }, value: cumulative });
      });
      out.push({ suffix: '_bucket', labels: { ...labels, le: '+Inf' }, value: value.count });
      out.push({ suffix: '_sum', labels, value: value.sum });
      out.push({ suffix: '_count', labels, value: value.count });
    }
    return out;
  }
}
