// What a chat message is besides a question: a greeting ("سلام، وقت بخیر") the bot answers with an
// invitation to ask, or thanks after an answer ("ممنون، حل شد") that closes the conversation. Sent
// to retrieval, both would find nothing and hand a satisfied customer over to a person.
// Strict on purpose: a message counts only when every word is a courtesy word, so "thanks, and
// how do I get an invoice" stays a question.
import { tokenize } from '../core/persian-text.ts';

export type SmallTalk = 'greeting' | 'thanks';

const GREETINGS = new Set(['سلام', 'درود', 'hi', 'hello', 'hey', 'salam', 'dorood', 'hiya', 'greetings']);
// Said with a greeting: وقت بخیر، روز بخیر، خسته نباشید، سلام علیکم، good morning, hello there …
const GREETING_COMPANIONS = new Set([
  'وقت',
  'وقتتون',
  'وقتتان',
  'روز',
  'روزتون',
  'صبح',
  'صبحتون',
  'عصر',
  'عصرتون',
  'شب',
  'بخیر',
  'خیر',
  'به',
  'خسته',
  'نباشید',
  'علیکم',
  'عليكم',
  'جان',
  'عزیز',
  'پشتیبانی',
  'good',
  'morning',
  'afternoon',
  'evening',
  'there',
  'team',
  'support',
  'all',
]);

const THANKS = new Set([
  'ممنون',
  'ممنونم',
  'مرسی',
  'متشکرم',
  'متشکر',
  'مچکرم',
  'سپاس',
  'سپاسگزارم',
  'تشکر',
  'thanks',
  'thank',
  'thx',
  'ty',
  'merci',
  'mersi',
  'mamnoon',
  'solved',
  'helped',
  'helpful',
]);
// Said with thanks: خیلی ممنون، حل شد، کمک کرد، دستتون درد نکنه، thank you so much, that helped …
const THANKS_COMPANIONS = new Set([
  ...GREETING_COMPANIONS,
  'خیلی',
  'واقعا',
  'بسیار',
  'از',
  'شما',
  'ازتون',
  'حل',
  'شد',
  'کمک',
  'کرد',
  'کردید',
  'جواب',
  'داد',
  'دادید',
  'راهنمایی',
  'راهنماییتون',
  'لطف',
  'لطفتون',
  'دستتون',
  'دستت',
  'درد',
  'نکنه',
  'عالی',
  'بود',
  'مشکلم',
  'مشکل',
  'اوکی',
  'you',
  'so',
  'much',
  'very',
  'a',
  'lot',
  'it',
  'that',
  'this',
  'was',
  'is',
  'has',
  'been',
  'great',
  'perfect',
  'awesome',
  'ok',
  'okay',
  'got',
  'works',
  'worked',
  'now',
  'for',
  'the',
  'help',
  'answer',
  'your',
]);
// Any of these turns thanks into a complaint ("thanks but it didn't work", "ممنون ولی حل نشد").
const NEGATIONS = new Set([
  'not',
  'no',
  'didn',
  'doesn',
  'don',
  'isn',
  'wasn',
  'still',
  'but',
  'however',
  'نه',
  'نشد',
  'نکرد',
  'نداد',
  'نبود',
  'ولی',
  'اما',
  'هنوز',
  'نمیشه',
]);
const THANKS_EMOJI = /[👍🙏❤♥🌹🌷💐😊🙂👌✅🤝]/u;

export function smallTalkOf(text: string): SmallTalk | null {
  const words = tokenize(text);
  if (words.length === 0) return THANKS_EMOJI.test(text) ? 'thanks' : null;
  if (words.length > 10 || /[?؟]/.test(text)) return null;
  if (words.some((w) => NEGATIONS.has(w))) return null;
  if (words.some((w) => THANKS.has(w)) && words.every((w) => THANKS.has(w) || THANKS_COMPANIONS.has(w)))
    return 'thanks';
  if (
    words.some((w) => GREETINGS.has(w)) &&
    words.every((w) => GREETINGS.has(w) || GREETING_COMPANIONS.has(w))
  )
    return 'greeting';
  return null;
}

// Greeting phrases that may open a question, as token sequences (the companions alone — وقت،
// روز، support — are topic words and stay).
const OPENING_PHRASES: readonly string[][] = [
  ...[...GREETINGS].map((w) => [w]),
  ...['وقت', 'وقتتون', 'روز', 'روزتون', 'صبح', 'صبحتون', 'عصر', 'عصرتون', 'شب'].flatMap((w) => [
    [w, 'بخیر'],
    [w, 'به', 'خیر'],
  ]),
  ['خسته', 'نباشید'],
  ['علیکم'],
  ['good', 'morning'],
  ['good', 'afternoon'],
  ['good', 'evening'],
];
const AFTER_GREETING: readonly string[][] = [['there'], ['team'], ['all'], ['جان'], ['عزیز']];

function phraseAt(words: readonly string[], at: number, phrases: readonly string[][]): number {
  for (const phrase of phrases) if (phrase.every((w, j) => words[at + j] === w)) return phrase.length;
  return 0;
}

/**
 * The question without a greeting before it ("سلام وقت بخیر، سفارشم کجاست؟" → "سفارشم کجاست"):
 * words like وقت and بخیر are not stop words of search and would lower its confidence. The rest
 * comes back normalised; a text that does not start with a greeting comes back as it is.
 */
export function withoutLeadingGreeting(text: string): string {
  const words = tokenize(text);
  let start = 0;
  for (;;) {
    const length =
      phraseAt(words, start, OPENING_PHRASES) || (start > 0 ? phraseAt(words, start, AFTER_GREETING) : 0);
    if (length === 0) break;
    start += length;
  }
  return start === 0 ? text : words.slice(start).join(' ');
}

/** The bot's answer to a greeting, in the customer's language. */
export function greetingReply(language: 'fa' | 'en'): string {
  return language === 'fa'
    ? 'سلام! من دستیار خودکار پشتیبانی هستم. سؤالتان را بنویسید؛ اگر پاسخش را ندانم، شما را به همکارانم می‌سپارم.'
    : "Hello! I'm the support assistant. Write your question — if I don't know the answer, I'll pass you to a colleague.";
}
