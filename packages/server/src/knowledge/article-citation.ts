// How an article is quoted on a customer channel, by the bot or by an agent: plain text (chat
// apps show markdown marks as they are), then the article's title and, when the workspace has a
// help-centre address, its link.
import { tokenize } from '../core/persian-text.ts';
import type { Language } from './search-terms.ts';

/** `how-to-track-your-order`, `پیگیری-سفارش`: the title's words, normalised, joined by hyphens. */
export function articleSlug(title: string): string {
  return tokenize(title).slice(0, 12).join('-');
}

/** The article's public address from the workspace's template (`{id}`, `{slug}`, `{language}`). */
export function articleLink(
  template: string | null,
  article: { id: string; title: string; language: Language },
): string | null {
  if (!template) return null;
  return template
    .replaceAll('{id}', article.id)
    .replaceAll('{slug}', encodeURIComponent(articleSlug(article.title)))
    .replaceAll('{language}', article.language);
}

/** Markdown to what a chat app shows well: no heading, emphasis or code marks; links as "text (url)". */
export function markdownToChatText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/^\s{0,3}[-*+]\s+/gm, '• ')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The line naming the source: «title» and the link on its own line (so apps make it clickable). */
export function citationLine(input: { title: string; link: string | null; language: Language }): string {
  const named = input.language === 'fa' ? `منبع: «${input.title}»` : `Source: "${input.title}"`;
  return input.link ? `${named}\n${input.link}` : named;
}

/** An answer as sent: the passage in plain text, a blank line, the citation. */
export function answerWithCitation(input: {
  text: string;
  title: string;
  link: string | null;
  language: Language;
}): string {
  return `${markdownToChatText(input.text)}\n\n${citationLine(input)}`;
}
