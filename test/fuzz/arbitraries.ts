import fc from 'fast-check';

/** Cases per property: a few hundred in CI, many more with `npm run fuzz` (FUZZ_RUNS). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 150);

/** Strings that break naive code: NUL, lone surrogates, `__proto__`, huge, empty, whitespace, unicode. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'before\u0000after',
    '\uD800',
    'x\uDC00y',
    '__proto__',
    'constructor',
    '\n\t',
  ),
  fc.string({ minLength: 1, maxLength: 4 }).map((s) => s.repeat(3_000)),
);

/** Numbers at and beyond every edge: negative, huge, fractional, the largest doubles. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 5e-324),
);

/** JSON-like values with bounded depth, plus objects nested deeper than any limit. */
export const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  // Deeper than 4,000 levels the test's own JSON.stringify overflows; the HTTP fuzz sends deeper bodies as text.
  fc.integer({ min: 1, max: 4_000 }).map((depth) => {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as unknown),
);

/** Something in the place of an object argument: often right-shaped, often not. */
export const maybeObject = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: good },
    { weight: 1, arbitrary: fc.oneof(nastyJson, fc.constant(null), nastyString) },
  );

export const stepInput: fc.Arbitrary<unknown> = maybeObject(
  fc.record(
    {
      tool: nastyString,
      action: nastyString,
      params: fc.oneof(nastyJson, fc.dictionary(fc.string(), nastyJson, { maxKeys: 3 })),
      result: fc.oneof(
        fc.record({ status: fc.constant('success'), output: fc.option(nastyString, { nil: undefined }) }),
        fc.record({ status: fc.constant('error'), message: nastyString }),
        fc.constant({ status: 'timeout' }),
        nastyJson,
      ),
      latencyMs: nastyNumber,
      tokens: nastyNumber,
      metadata: fc.dictionary(nastyString, fc.oneof(nastyString, nastyNumber), { maxKeys: 3 }),
    },
    { requiredKeys: ['tool'] },
  ),
);

export const startInput: fc.Arbitrary<unknown> = maybeObject(
  fc.record(
    {
      task: nastyString,
      taskType: fc.oneof(fc.constantFrom('debugging', 'other'), nastyString),
      context: maybeObject(
        fc.record(
          {
            domain: nastyString,
            language: nastyString,
            complexity: fc.oneof(fc.constant('simple'), nastyString),
            tags: fc.array(nastyString, { maxLength: 3 }),
          },
          { requiredKeys: [] },
        ),
      ),
      tags: fc.array(nastyString, { maxLength: 3 }),
      metadata: fc.dictionary(nastyString, nastyString, { maxKeys: 3 }),
    },
    { requiredKeys: ['task'] },
  ),
);

export const outcomeInput: fc.Arbitrary<unknown> = maybeObject(
  fc.oneof(
    fc.record({ status: fc.constant('success'), verdict: nastyString }, { requiredKeys: ['status'] }),
    fc.record({ status: fc.constant('failure'), reason: nastyString }, { requiredKeys: ['status'] }),
    fc.record(
      { status: fc.constant('partial'), completed: fc.array(nastyString, { maxLength: 2 }) },
      { requiredKeys: ['status'] },
    ),
    fc.record({ status: nastyString }),
  ),
);
