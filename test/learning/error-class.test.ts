import { describe, expect, it } from 'vitest';
import { classifyError, stepErrorClass } from '../../src/learning/index.js';
import { fail, makeStep, timeout } from './fixtures.js';

describe('classifyError', () => {
  it('prefers an error name, then an errno code, then an HTTP status', () => {
    expect(classifyError("TypeError: cannot read properties of undefined (reading 'x')")).toBe('TypeError');
    expect(classifyError("ENOENT: no such file or directory, open '/tmp/a.json'")).toBe('ENOENT');
    expect(classifyError('Request failed with status code 404')).toBe('http_404');
    expect(classifyError('ERROR: upstream replied 503')).toBe('http_503');
  });

  it('maps known phrases to snake_case classes', () => {
    expect(classifyError('Operation timed out after 500 ms')).toBe('timeout');
    expect(classifyError('Permission denied while writing')).toBe('permission_denied');
    expect(classifyError('Page not found')).toBe('not_found');
    expect(classifyError('connect: connection refused')).toBe('connection_refused');
    expect(classifyError('Rate limit hit, slow down')).toBe('rate_limit');
  });

  it('falls back to the first content words without values that vary', () => {
    const a = classifyError("Module '/src/a.ts' has no default export at 0x1f3a");
    const b = classifyError('Module "./lib/b.js" has no default export at 0xbeef');
    expect(a).toBe('module_default_export');
    expect(b).toBe(a);
    expect(classifyError('Build failed: 3 errors in 12 files, see output')).toBe('build_failed_errors_files');
  });

  it('says unknown when nothing is left', () => {
    expect(classifyError('')).toBe('unknown');
    expect(classifyError('   ')).toBe('unknown');
    expect(classifyError("'quoted' 42 /a/b")).toBe('unknown');
  });

  it('classifies steps: timeouts as timeout, errors by message', () => {
    expect(stepErrorClass(makeStep(1, timeout('npm')))).toBe('timeout');
    expect(stepErrorClass(makeStep(1, fail('npm', 'SyntaxError: Unexpected token')))).toBe('SyntaxError');
    expect(stepErrorClass(makeStep(1, 'npm'))).toBe('');
  });
});
