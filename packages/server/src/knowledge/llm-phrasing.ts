// Optional: an OpenAI-compatible chat-completions endpoint phrases the bot's answer from the
// articles retrieval already chose. It never decides whether to answer on its own (retrieval's
// confidence does); it may only decline, and any failure falls back to the retrieval answer.
import { err, ok, type Result } from 'neverthrow';
import { loadConfig } from '../core/config.ts';
import type { Language } from './search-terms.ts';

export type LlmSettings = { url: string; model: string; key: string | null; timeoutMs: number };

export type LlmFailure = { type: 'llm-unavailable'; message: string };

/** What the model answers when the articles do not answer the question. */
export const DECLINE_TOKEN = 'HANDOVER';

/** The settings from PISHKHAN_LLM_URL / _MODEL / _KEY, or null when no endpoint is configured. */
export function llmSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): LlmSettings | null {
  const config = loadConfig(env);
  if (!config.PISHKHAN_LLM_URL) return null;
  return {
    url: config.PISHKHAN_LLM_URL,
    model: config.PISHKHAN_LLM_MODEL,
    key: config.PISHKHAN_LLM_KEY ?? null,
    timeoutMs: 20_000,
  };
}

/** `https://host/v1` → `https://host/v1/chat/completions`; a full endpoint URL is kept as it is. */
export function chatCompletionsUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

const SYSTEM_PROMPTS: Record<Language, string> = {
  en:
    'You are the customer support assistant of this company. Answer the customer only from the ' +
    'knowledge base articles given below, briefly (at most five sentences) and in English. Do not ' +
    `invent facts, prices or policies. If the articles do not answer the question, reply with exactly ${DECLINE_TOKEN}.`,
  fa:
    'شما دستیار پشتیبانی مشتریان این شرکت هستید. فقط بر پایهٔ مقاله‌های پایگاه دانش که در ادامه آمده ' +
    'به فارسی و کوتاه (حداکثر پنج جمله) پاسخ دهید. چیزی از خودتان نسازید. اگر مقاله‌ها پاسخ پرسش را ' +
    `ندارند، فقط بنویسید ${DECLINE_TOKEN}.`,
};

type ChatCompletion = { choices?: { message?: { content?: unknown } }[] };

/**
 * The model's answer, or `null` when it declined (the articles do not answer), or an error value
 * when the endpoint could not be used (network, status, timeout, malformed reply).
 */
export async function phraseAnswer(input: {
  settings: LlmSettings;
  question: string;
  language: Language;
  articles: readonly { title: string; body: string }[];
}): Promise<Result<string | null, LlmFailure>> {
  const { settings, question, language, articles } = input;
  const context = articles
    .map((article, i) => `### [${i + 1}] ${article.title}\n${article.body.slice(0, 6000)}`)
    .join('\n\n');
  const body = {
    model: settings.model,
    temperature: 0.2,
    max_tokens: 500,
    messages: [
      { role: 'system', content: `${SYSTEM_PROMPTS[language]}\n\n${context}` },
      { role: 'user', content: question },
    ],
  };
  let response: Response;
  try {
    response = await fetch(chatCompletionsUrl(settings.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(settings.key ? { authorization: `Bearer ${settings.key}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    return err({ type: 'llm-unavailable', message: `request failed: ${String(error)}` });
  }
  if (!response.ok) {
    return err({ type: 'llm-unavailable', message: `endpoint answered HTTP ${response.status}` });
  }
  let reply: ChatCompletion;
  try {
    reply = (await response.json()) as ChatCompletion;
  } catch (error) {
    return err({ type: 'llm-unavailable', message: `reply is not JSON: ${String(error)}` });
  }
  const content = reply.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') {
    return err({ type: 'llm-unavailable', message: 'reply has no choices[0].message.content' });
  }
  const text = content.trim();
  return ok(text.replace(/[.!]$/, '') === DECLINE_TOKEN ? null : text);
}
