// What of a customer's HTML mail the console may show, and its plain-text reading. The HTML is
// shown to agents inside our own origin, so it is reduced to formatting: no scripts, no event
// handlers, no forms or frames, and nothing that loads from the network when an agent opens the
// message (remote images and CSS `url()` are how senders track opens and learn agents' IPs).
import sanitizeHtml from 'sanitize-html';

/** Images may come from the message itself (`cid:` parts turned into `data:` URLs), never a server. */
const INLINE_IMAGE = /^data:image\/[a-z0-9.+-]+;base64,[a-z0-9+/=\s]+$/i;
const SAFE_LINK = /^(?:https?:|mailto:|tel:)/i;

/** Inline styles carry much of a mail's layout; only properties that cannot fetch anything are kept. */
const STYLE_VALUE = [/^[^()]*$/];
const ALLOWED_STYLES = Object.fromEntries(
  [
    'color',
    'background-color',
    'font-weight',
    'font-style',
    'font-size',
    'font-family',
    'text-align',
    'text-decoration',
    'direction',
    'unicode-bidi',
    'line-height',
    'margin',
    'margin-left',
    'margin-right',
    'margin-top',
    'margin-bottom',
    'padding',
    'padding-left',
    'padding-right',
    'padding-top',
    'padding-bottom',
    'border',
    'border-collapse',
    'width',
    'height',
    'vertical-align',
    'white-space',
  ].map((property) => [property, STYLE_VALUE]),
);

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center'],
  allowedAttributes: {
    '*': ['dir', 'lang', 'style', 'title', 'align'],
    // target and rel are set by the transform below, never taken from the sender.
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    font: ['color', 'face', 'size'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor'],
    td: ['colspan', 'rowspan', 'valign', 'width', 'bgcolor'],
    th: ['colspan', 'rowspan', 'valign', 'width', 'bgcolor'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  allowedStyles: { '*': ALLOWED_STYLES },
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title'],
  transformTags: {
    // Relative links would resolve against the console's own origin; links open outside it.
    a: (tagName, attribs) => {
      const { href, target: _target, rel: _rel, ...rest } = attribs;
      return {
        tagName,
        attribs:
          href !== undefined && SAFE_LINK.test(href.trim())
            ? { ...rest, href: href.trim(), target: '_blank', rel: 'noopener noreferrer nofollow' }
            : rest,
      };
    },
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      return { tagName, attribs: src !== undefined && INLINE_IMAGE.test(src) ? { ...rest, src } : rest };
    },
  },
  // An image whose remote source was dropped shows nothing: the tag goes, its alt text stays out.
  exclusiveFilter: (frame) => frame.tag === 'img' && frame.attribs.src === undefined,
};

/** The HTML with `cid:` image links replaced by the inline parts they name, then sanitised. */
export function sanitizeEmailHtml(html: string, inlineImages: ReadonlyMap<string, string>): string {
  const withImages = html.replace(
    /(\ssrc\s*=\s*["']?)cid:([^"'\s>]+)/gi,
    (whole, prefix: string, cid: string) => {
      const dataUrl = inlineImages.get(decodeURIComponentSafe(cid).toLowerCase());
      return dataUrl === undefined ? whole : `${prefix}${dataUrl}`;
    },
  );
  return sanitizeHtml(withImages, SANITIZE_OPTIONS).trim();
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const BLOCK_TAGS = [
  'p',
  'div',
  'br',
  'li',
  'tr',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'hr',
  'ul',
  'ol',
];

/** The text of an HTML body for search, previews and channels that show text only. */
export function htmlToText(html: string): string {
  // sanitize-html decodes every entity while parsing and re-escapes only &, < and >, so after the
  // pass the text holds exactly those three entities and can be unescaped without a table.
  const reduced = sanitizeHtml(html, {
    allowedTags: [...BLOCK_TAGS, 'a', 'td', 'th'],
    allowedAttributes: { a: ['href'] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head'],
  });
  const text = reduced
    .replace(/\s+/g, ' ')
    .replace(/<a href="([^"]*)">(.*?)<\/a>/g, (_whole, href: string, label: string) => {
      const target = href.replace(/^mailto:/i, '');
      return label.trim() === '' || label.includes(target) ? label || target : `${label} (${target})`;
    })
    .replace(/<li>/g, '\n- ')
    .replace(/<\/t[dh]>/g, '\t')
    .replace(/<br \/>|<\/?(?:p|div|tr|table|h[1-6]|blockquote|pre|ul|ol|hr)(?: \/)?>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
