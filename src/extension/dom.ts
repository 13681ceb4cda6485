/**
 * A tiny element builder for the extension's own pages: text goes in as textContent and
 * links only as http(s), so nothing from storage or policy is ever parsed as HTML.
 */
export type Build = (tag: string, text?: string, className?: string) => HTMLElement;

export function builder(doc: Document): Build {
  return (tag, text, className) => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };
}

export function safeLink(doc: Document, href: string, text: string): HTMLElement {
  const protocol = (() => {
    try {
      return new URL(href).protocol;
    } catch {
      return '';
    }
  })();
  if (protocol !== 'https:' && protocol !== 'http:' && protocol !== 'mailto:') return builder(doc)('span', text);
  const a = doc.createElement('a');
  a.href = href;
  a.textContent = text;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}
