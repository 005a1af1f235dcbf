import { describe, expect, it } from 'vitest';
import { jsonByteSize, jsonText, type JsonTexts } from './json-texts.ts';

describe('JSON texts', () => {
  it('measures a parsed object exactly as its serialised UTF-8 size', () => {
    const bodies = [
      '{}',
      '{"a":1}',
      '{"type":"track","event":"Product Viewed","properties":{"name":"گوشی \\"هوشمند\\"","price":1e21,"n":1E2}}',
      '{"emoji":"😀","escaped":"\\u0000\\n\\t","nested":[1,{"b":null}],"flag":false,"none":null}',
      '{"__proto__":{"x":1},"constructor":"c","2":"two","1":"one","key with \\"quotes\\"":"v"}',
      '{"lone":"\\ud800","num":-0,"big":123456789012345678901234567890}',
      '{"نام":"کاربر آزمایشی","tab\\tkey":"a\\\\b","😀":"\\udfff","del":"\u007f","sep":"\u2028"}',
    ];
    for (const body of bodies) {
      const item = JSON.parse(body) as Record<string, unknown>;
      expect(jsonByteSize(item, new Map()), body).toBe(Buffer.byteLength(JSON.stringify(item)));
    }
  });

  it('serialises each object once and hands the same text back', () => {
    const texts: JsonTexts = new Map();
    const context = { ip: '10.0.0.1' };
    jsonByteSize({ type: 'track', context }, texts);
    expect(texts.get(context)).toBe('{"ip":"10.0.0.1"}');
    expect(jsonText(texts, context)).toBe(texts.get(context));
    expect(jsonText(undefined, context)).toBe('{"ip":"10.0.0.1"}');
  });
});
