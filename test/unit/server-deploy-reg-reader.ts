/**
 * A reader for regedit's `.reg` files, written for the tests from the grammar regedit
 * imports (https://support.microsoft.com/help/310516): the version header, `[key]` and
 * `[-key]` sections, `"name"=` / `@=` values as "string", dword:XXXXXXXX, hex:…,
 * hex(N):… (with `\` line continuations), and `"name"=-` deletions; `;` comments. It
 * applies the file to an empty registry and refuses anything outside the grammar,
 * naming the line.
 */

export type RegValue =
  | { type: 'REG_SZ' | 'REG_EXPAND_SZ'; value: string }
  | { type: 'REG_DWORD'; value: number }
  | { type: 'REG_QWORD'; value: bigint }
  | { type: 'REG_MULTI_SZ'; value: string[] }
  | { type: 'REG_BINARY' | 'REG_NONE'; value: Buffer };

export interface Registry {
  /** Keys by lower-cased path (the registry is case-insensitive), in creation order. */
  keys: Map<string, { path: string; values: Map<string, RegValue> }>;
  /** Keys a `[-key]` section deleted, in order. */
  deleted: string[];
  get(path: string): Map<string, RegValue> | undefined;
}

const HEADER = 'Windows Registry Editor Version 5.00';
const ROOTS = /^(HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG)(\\[^\\\]]+)*$/;

/** Decodes the file as regedit does: UTF-16LE after a BOM, else 8-bit text. */
export function decodeRegFile(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  return bytes.toString('utf8');
}

function readQuoted(text: string, at: number, line: number): [string, number] {
  if (text[at] !== '"') throw new Error(`line ${line}: expected "`);
  let out = '';
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[++i];
      if (next !== '\\' && next !== '"') throw new Error(`line ${line}: bad escape \\${next ?? ''}`);
      out += next;
    } else if (c === '"') {
      return [out, i + 1];
    } else {
      out += c;
    }
  }
  throw new Error(`line ${line}: unterminated string`);
}

function hexBytes(list: string, line: number): Buffer {
  const parts = list
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  for (const p of parts) if (!/^[0-9a-fA-F]{2}$/.test(p)) throw new Error(`line ${line}: bad hex byte "${p}"`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

const utf16 = (bytes: Buffer) => bytes.toString('utf16le');

function readData(data: string, line: number): RegValue {
  if (data.startsWith('"')) {
    const [value, end] = readQuoted(data, 0, line);
    if (data.slice(end).trim() !== '') throw new Error(`line ${line}: text after the string`);
    return { type: 'REG_SZ', value };
  }
  const dword = data.match(/^dword:([0-9a-fA-F]{8})$/);
  if (dword) return { type: 'REG_DWORD', value: parseInt(dword[1]!, 16) };
  const hex = data.match(/^hex(?:\(([0-9a-fA-F]+)\))?:(.*)$/);
  if (!hex) throw new Error(`line ${line}: unknown value data "${data}"`);
  const bytes = hexBytes(hex[2]!, line);
  switch (hex[1] === undefined ? 3 : parseInt(hex[1], 16)) {
    case 0:
      return { type: 'REG_NONE', value: bytes };
    case 1:
      return { type: 'REG_SZ', value: utf16(bytes).replace(/\0$/, '') };
    case 2:
      return { type: 'REG_EXPAND_SZ', value: utf16(bytes).replace(/\0$/, '') };
    case 3:
      return { type: 'REG_BINARY', value: bytes };
    case 4:
      if (bytes.length !== 4) throw new Error(`line ${line}: hex(4) needs 4 bytes`);
      return { type: 'REG_DWORD', value: bytes.readUInt32LE(0) };
    case 7:
      return { type: 'REG_MULTI_SZ', value: utf16(bytes).replace(/\0+$/, '').split('\0') };
    case 0xb:
      if (bytes.length !== 8) throw new Error(`line ${line}: hex(b) needs 8 bytes`);
      return { type: 'REG_QWORD', value: bytes.readBigUInt64LE(0) };
    default:
      throw new Error(`line ${line}: unsupported value type hex(${hex[1]})`);
  }
}

/** Joins `\`-continued lines (hex data spans lines in regedit's output). */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const raw = text.split(/\r\n|\n/);
  const out: Array<{ text: string; line: number }> = [];
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let current = raw[i]!;
    while (/=hex(\([0-9a-fA-F]+\))?:/.test(current) && current.trimEnd().endsWith('\\')) {
      current = current.trimEnd().slice(0, -1) + (raw[++i] ?? '').trim();
    }
    out.push({ text: current, line: start + 1 });
  }
  return out;
}

export function readRegFile(input: string | Buffer): Registry {
  const text = typeof input === 'string' ? input : decodeRegFile(input);
  const lines = logicalLines(text.replace(/^\uFEFF/, ''));
  if (lines[0]?.text.trim() !== HEADER) throw new Error(`line 1: expected "${HEADER}"`);
  const keys: Registry['keys'] = new Map();
  const deleted: string[] = [];
  let current: Map<string, RegValue> | undefined;
  for (const { text: rawLine, line } of lines.slice(1)) {
    const content = rawLine.trim();
    if (content === '' || content.startsWith(';')) continue;
    const section = content.match(/^\[(-?)(.+)\]$/);
    if (section) {
      const path = section[2]!;
      if (!ROOTS.test(path)) throw new Error(`line ${line}: "${path}" is not a registry key path`);
      if (section[1] === '-') {
        deleted.push(path);
        for (const key of [...keys.keys()])
          if (key === path.toLowerCase() || key.startsWith(`${path.toLowerCase()}\\`)) keys.delete(key);
        current = undefined;
        continue;
      }
      const existing = keys.get(path.toLowerCase());
      current = existing?.values ?? new Map();
      if (!existing) keys.set(path.toLowerCase(), { path, values: current });
      continue;
    }
    if (!current) throw new Error(`line ${line}: a value outside any [key] section`);
    let name: string;
    let rest: string;
    if (content.startsWith('@=')) [name, rest] = ['', content.slice(1)];
    else {
      const [quoted, end] = readQuoted(content, 0, line);
      [name, rest] = [quoted, content.slice(end)];
    }
    if (!rest.startsWith('=')) throw new Error(`line ${line}: expected = after the value name`);
    const data = rest.slice(1).trim();
    if (data === '-') current.delete(name);
    else current.set(name, readData(data, line));
  }
  return { keys, deleted, get: (path) => keys.get(path.toLowerCase())?.values };
}
