/**
 * The few protobuf wire-format pieces a CRX3 header needs (length-delimited byte fields
 * and varint tags), written by hand rather than pulling in a protobuf runtime.
 * https://protobuf.dev/programming-guides/encoding/
 */

export function encodeVarint(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`protobuf: cannot encode varint ${value}`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** One length-delimited field (wire type 2): bytes, strings and embedded messages. */
export function bytesField(field: number, value: Buffer): Buffer {
  return Buffer.concat([encodeVarint(field * 8 + 2), encodeVarint(value.length), value]);
}

export interface ProtoField {
  field: number;
  wireType: number;
  /** The payload of a length-delimited field; the raw bytes of fixed-width ones. */
  bytes: Buffer;
  /** Set for varint fields. */
  value?: number;
}

function readVarint(buffer: Buffer, offset: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let at = offset; at < buffer.length && at < offset + 8; at++) {
    const byte = buffer[at]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, at + 1];
    scale *= 0x80;
  }
  throw new Error('protobuf: truncated or oversized varint');
}

/** Every field of a message in order; unknown fields are kept, as protobuf requires. */
export function decodeMessage(buffer: Buffer): ProtoField[] {
  const fields: ProtoField[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [tag, afterTag] = readVarint(buffer, offset);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 0) {
      const [value, next] = readVarint(buffer, afterTag);
      fields.push({ field, wireType, bytes: buffer.subarray(afterTag, next), value });
      offset = next;
    } else if (wireType === 2) {
      const [length, start] = readVarint(buffer, afterTag);
      if (start + length > buffer.length) throw new Error(`protobuf: field ${field} runs past the end`);
      fields.push({ field, wireType, bytes: buffer.subarray(start, start + length) });
      offset = start + length;
    } else if (wireType === 1 || wireType === 5) {
      const width = wireType === 1 ? 8 : 4;
      if (afterTag + width > buffer.length) throw new Error(`protobuf: field ${field} runs past the end`);
      fields.push({ field, wireType, bytes: buffer.subarray(afterTag, afterTag + width) });
      offset = afterTag + width;
    } else {
      throw new Error(`protobuf: unsupported wire type ${wireType} in field ${field}`);
    }
  }
  return fields;
}
