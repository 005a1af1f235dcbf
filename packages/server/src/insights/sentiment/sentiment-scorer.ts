// Fast scoring of many texts with one model. All members' vocabularies are merged into one
// index, so each n-gram of a text is looked up once (not once per member) and no per-text map
// is built; member weights become dense arrays over that index (0 where a member lacks the
// feature, which contributes nothing, exactly as a missing feature does in `memberMargin`).
import {
  forEachFeature,
  gramPlan,
  sentimentTokens,
  type FeatureKind,
  type GramPlan,
} from './sentiment-features.ts';
import { sigmoid } from './logistic-regression.ts';
import type { LinearMember, MemberWeighting } from './linear-member.ts';

type CompiledMember = {
  weighting: MemberWeighting;
  bias: number;
  scales: Float64Array;
  weights: Float64Array;
};

export type CompiledScorer = {
  plan: GramPlan;
  /** Gram → position in the merged index, one map per feature kind. */
  index: Record<FeatureKind, Map<string, number>>;
  size: number;
  members: CompiledMember[];
};

// Models are never mutated after training or parsing, so a compiled form can be kept per model.
const compiledByMembers = new WeakMap<readonly LinearMember[], CompiledScorer>();

export function compileScorer(members: readonly LinearMember[]): CompiledScorer {
  const cached = compiledByMembers.get(members);
  if (cached) return cached;
  const merged = new Map<string, number>();
  for (const member of members) {
    for (const key of member.vocabulary.keys()) if (!merged.has(key)) merged.set(key, merged.size);
  }
  const index: Record<FeatureKind, Map<string, number>> = { w: new Map(), c: new Map(), t: new Map() };
  for (const [key, at] of merged) index[key[0] as FeatureKind]?.set(key.slice(1), at);
  const compiled: CompiledScorer = {
    plan: gramPlan(members.map((member) => member.features)),
    index,
    size: merged.size,
    members: members.map((member) => {
      const scales = new Float64Array(merged.size);
      const weights = new Float64Array(merged.size);
      for (const [key, column] of member.vocabulary) {
        const at = merged.get(key) ?? 0;
        scales[at] = member.scales[column] ?? 0;
        weights[at] = member.weights[column] ?? 0;
      }
      return { weighting: member.weighting, bias: member.bias, scales, weights };
    }),
  };
  compiledByMembers.set(members, compiled);
  return compiled;
}

/** Ensemble probability that each text is positive; NaN for a text with no words. */
export function scoreTexts(input: { scorer: CompiledScorer; texts: readonly string[] }): Float64Array {
  const { scorer, texts } = input;
  const { index, plan, members } = scorer;
  const counts = new Float64Array(scorer.size);
  let touched = new Int32Array(1024);
  let touchedCount = 0;
  const visit = (kind: FeatureKind, gram: string) => {
    const at = index[kind].get(gram);
    if (at === undefined) return;
    if (counts[at] === 0) {
      if (touchedCount === touched.length) {
        const grown = new Int32Array(touched.length * 2);
        grown.set(touched);
        touched = grown;
      }
      touched[touchedCount++] = at;
    }
    counts[at] = (counts[at] ?? 0) + 1;
  };

  const result = new Float64Array(texts.length);
  texts.forEach((text, i) => {
    const tokens = sentimentTokens(text);
    if (tokens.length === 0) {
      result[i] = Number.NaN;
      return;
    }
    touchedCount = 0;
    forEachFeature({ tokens, plan, visit });
    let sum = 0;
    for (const member of members) {
      let z = 0;
      let squaredNorm = 0;
      for (let t = 0; t < touchedCount; t++) {
        const at = touched[t] ?? 0;
        const scale = member.scales[at] ?? 0;
        const value = member.weighting === 'tfidf-lr' ? (1 + Math.log(counts[at] ?? 1)) * scale : scale;
        z += (member.weights[at] ?? 0) * value;
        squaredNorm += value * value;
      }
      if (member.weighting !== 'mnb' && squaredNorm > 0) z /= Math.sqrt(squaredNorm);
      sum += sigmoid(member.bias + z);
    }
    result[i] = sum / members.length;
    for (let t = 0; t < touchedCount; t++) counts[touched[t] ?? 0] = 0;
  });
  return result;
}
