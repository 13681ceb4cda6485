/**
 * Apple's XML property list, written from plain values: strings, integers, reals,
 * booleans, arrays and dictionaries (the types a managed preference can hold).
 * https://developer.apple.com/library/archive/documentation/Cocoa/Conceptual/PropertyLists/
 */

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function element(value: unknown, indent: string): string[] {
  if (typeof value === 'string') {
    if (/[\0-\x08\x0b\x0c\x0e-\x1f]/.test(value)) throw new Error('plist: control characters cannot be written in XML');
    return [`${indent}<string>${escapeText(value)}</string>`];
  }
  if (typeof value === 'boolean') return [`${indent}<${value}/>`];
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`plist: ${value} is not a finite number`);
    return [Number.isInteger(value) ? `${indent}<integer>${value}</integer>` : `${indent}<real>${value}</real>`];
  }
  if (Array.isArray(value))
    return [`${indent}<array>`, ...value.flatMap((v) => element(v, `${indent}\t`)), `${indent}</array>`];
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return [
      `${indent}<dict>`,
      ...entries.flatMap(([k, v]) => [`${indent}\t<key>${escapeText(k)}</key>`, ...element(v, `${indent}\t`)]),
      `${indent}</dict>`,
    ];
  }
  throw new Error(`plist: cannot write ${value === null ? 'null' : typeof value}`);
}

export function plistXml(root: unknown): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    ...element(root, ''),
    '</plist>',
    '',
  ].join('\n');
}
