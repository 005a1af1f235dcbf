import { describe, expect, it } from 'vitest';
import { failureClass, httpFailure, joinUrl } from './http.ts';

describe('failure classes of HTTP answers', () => {
  it.each([
    [500, 'transient'],
    [503, 'transient'],
    [429, 'transient'],
    [408, 'transient'],
    [401, 'auth'],
    [403, 'auth'],
    [400, 'permanent'],
    [404, 'permanent'],
    [422, 'permanent'],
    [302, 'permanent'],
  ] as const)('classifies %i as %s', (status, type) => {
    expect(failureClass(status)).toBe(type);
  });

  it('keeps the provider reason, or names the status when there is none', () => {
    expect(httpFailure(400, 'invalid number')).toEqual({ type: 'permanent', reason: 'invalid number' });
    expect(httpFailure(502, '  ')).toEqual({ type: 'transient', reason: 'HTTP 502' });
  });

  it('joins base URLs and paths with exactly one slash', () => {
    expect(joinUrl('https://api.example/', '/v1/x')).toBe('https://api.example/v1/x');
    expect(joinUrl('https://api.example', 'v1/x')).toBe('https://api.example/v1/x');
  });
});
