// A compact binary codec for the results table's value (SourceCheckResult): these bytes are both
// what the TTL table keeps in memory and what the changelog topic carries, so they must be small
// and must not depend on anything held only by this process.
//
// Format: the high 3 bits of byte 0 say which of two forms follows.
// Short form (2), for the common case of one application with a decimal id and no error or one
// of the first 15 known sentences:
//   byte 0      2 << 5 | status << 4 (0 available, 1 unavailable) | error (0 = '', 1..15 = known 0..14)
//   id          varint
// General form (1):
//   byte 0      1 << 5 | application count (low 5 bits; 31 = count follows as varint)
//   per application:
//     header    bit 0 status (0 available, 1 unavailable)
//               bit 1 id form (0 = canonical decimal as varint, 1 = UTF-8 string: varint length + bytes)
//               bits 2-7 error: 0 = '' · 1..61 = known sentence 0..60 · 62 = known sentence, index as
//               varint · 63 = inline UTF-8 (varint length + bytes)
//     id        as the header says
//     error     varint index (62) or inline text (63), when the header says so
// Status form (4), when some application is partially_available (missing permissions, when so
// configured): the general form, with one more byte before each application's header: its status
// (0 available, 1 unavailable, 2 partially_available); the header's bit 0 is then 0.
// Owned form (3): the tenant the result belongs to, then the result in one of the forms above.
//   byte 0      3 << 5 | prefix << 3 | zeros
//               prefix: 0 = none, 1..3 = tenantPrefixes[0..2] (e.g. "org:", "account:")
//               zeros: 0..6 = that many '0's, then a canonical decimal (org ids like "000001");
//               7 = the rest of the tenant is UTF-8 text
//   tenant      the decimal as a varint, or varint length + UTF-8 bytes
// A result with tenant '' (nobody's) is written without it, and the forms above decode to ''.
// A typical result, one application id below 2^28, takes 1 + at most 4 = 5 bytes, which the TTL
// table keeps inside its entry; with its owner, an 8-digit org id adds 5 bytes and the value moves
// to the table's arena (README: the table's design).
//
// Error sentences are interned in a table passed at construction: the checks' fixed sentences.
// The table is part of the format (its indices go to the changelog), so it may only grow at the
// end: never reorder or remove a sentence. A sentence outside the table is written inline.
import type { ApplicationStatus, AvailabilityStatus, SourceCheckResult } from './types.ts';
import { StoreError } from '../streams/store/errors.ts';
import type { StoreValueCodec } from '../streams/dsl/store-ref.ts';
import { ByteReader, lengthPrefixedSize, varintLength, writeLengthPrefixed, writeVarint } from '../streams/store/varint.ts';

const GENERAL_FORM = 1;
const SHORT_FORM = 2;
const OWNED_FORM = 3;
const STATUS_FORM = 4;
const STATUS_CODES: readonly AvailabilityStatus[] = ['available', 'unavailable', 'partially_available'];
const MAX_TENANT_PREFIXES = 3;
const MAX_TENANT_ZEROS = 6;
const TENANT_TEXT = 7;
const SHORT_ERROR_LIMIT = 15; // known sentences 0..14 fit the short form's 4 error bits
const COUNT_ESCAPE = 31;
const ERROR_NONE = 0;
const ERROR_VARINT_INDEX = 62;
const ERROR_INLINE = 63;
const SMALL_INDEX_LIMIT = ERROR_VARINT_INDEX - 1; // sentences 0..60 fit in the header

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A canonical decimal (no sign, no leading zero) within Number's exact range, else -1. */
function decimalId(id: string): number {
  if (id.length === 0 || id.length > 16 || (id.length > 1 && id.charCodeAt(0) === 48)) return -1;
  let value = 0;
  for (let i = 0; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value <= Number.MAX_SAFE_INTEGER ? value : -1;
}

/**
 * The id of a short-form value of 2 to 5 bytes starting at `start` whose varint ends exactly at
 * the end (ids below 2^28), read without a ByteReader; -1 for anything else (the caller then
 * takes the general path).
 */
function shortFormId(bytes: Uint8Array, start: number): number {
  // unrolled: a loop measured slower on the lookup path, and no byte past the end is read
  switch (bytes.length - start) {
    case 2: {
      const b1 = bytes[start + 1]!;
      return b1 < 128 ? b1 : -1;
    }
    case 3: {
      const b1 = bytes[start + 1]!;
      const b2 = bytes[start + 2]!;
      return b1 >= 128 && b2 < 128 ? (b1 & 127) | (b2 << 7) : -1;
    }
    case 4: {
      const b1 = bytes[start + 1]!;
      const b2 = bytes[start + 2]!;
      const b3 = bytes[start + 3]!;
      return b1 >= 128 && b2 >= 128 && b3 < 128 ? (b1 & 127) | ((b2 & 127) << 7) | (b3 << 14) : -1;
    }
    case 5: {
      const b1 = bytes[start + 1]!;
      const b2 = bytes[start + 2]!;
      const b3 = bytes[start + 3]!;
      const b4 = bytes[start + 4]!;
      return b1 >= 128 && b2 >= 128 && b3 >= 128 && b4 < 128 ? (b1 & 127) | ((b2 & 127) << 7) | ((b3 & 127) << 14) | (b4 << 21) : -1;
    }
    default:
      return -1;
  }
}

/** How a tenant is written: its prefix index + 1 (0: none), leading zeros or TENANT_TEXT, the rest. */
interface TenantParts {
  prefix: number;
  zeros: number;
  value: number;
  text: Uint8Array | undefined;
}

function tenantParts(tenant: string, prefixes: readonly string[]): TenantParts {
  const index = prefixes.findIndex((p) => tenant.startsWith(p));
  const rest = index < 0 ? tenant : tenant.slice(prefixes[index]!.length);
  let zeros = 0;
  while (zeros < rest.length - 1 && rest.charCodeAt(zeros) === 48) zeros++;
  const value = zeros <= MAX_TENANT_ZEROS ? decimalId(rest.slice(zeros)) : -1;
  if (value < 0) return { prefix: index + 1, zeros: TENANT_TEXT, value: 0, text: encoder.encode(rest) };
  return { prefix: index + 1, zeros, value, text: undefined };
}

export interface AvailabilityCodecOptions {
  /** error sentences to intern, append-only (their positions are written to the changelog) */
  knownErrors?: readonly string[];
  /** up to 3 tenant prefixes written as an index, append-only like knownErrors */
  tenantPrefixes?: readonly string[];
}

/** Builds the codec; with no known sentences every error is written inline. */
export function createAvailabilityCodec(options: AvailabilityCodecOptions = {}): StoreValueCodec<SourceCheckResult> {
  const knownErrors = [...(options.knownErrors ?? [])];
  const errorIndex = new Map<string, number>();
  knownErrors.forEach((sentence, i) => {
    if (typeof sentence !== 'string') throw new StoreError('STORE_INVALID_OPTIONS', `availability codec: knownErrors[${i}] is not a string`);
    if (errorIndex.has(sentence)) throw new StoreError('STORE_INVALID_OPTIONS', `availability codec: knownErrors[${i}] repeats "${sentence}"`);
    errorIndex.set(sentence, i);
  });
  const tenantPrefixes = [...(options.tenantPrefixes ?? [])];
  if (tenantPrefixes.length > MAX_TENANT_PREFIXES || tenantPrefixes.some((p) => typeof p !== 'string' || p === '')) {
    throw new StoreError('STORE_INVALID_OPTIONS', `availability codec: tenantPrefixes must be at most ${MAX_TENANT_PREFIXES} non-empty strings`);
  }

  function encode(result: SourceCheckResult): Uint8Array {
    const tenant = result?.tenant;
    if (typeof tenant !== 'string') throw new StoreError('STORE_CODEC_ENCODE', 'availability codec: tenant must be a string');
    const unowned = encodeStatuses(result.statuses);
    if (tenant === '') return unowned;
    const parts = tenantParts(tenant, tenantPrefixes);
    const tenantSize = parts.text === undefined ? varintLength(parts.value) : lengthPrefixedSize(parts.text);
    const bytes = new Uint8Array(1 + tenantSize + unowned.length);
    bytes[0] = (OWNED_FORM << 5) | (parts.prefix << 3) | parts.zeros;
    let offset = 1;
    offset = parts.text === undefined ? writeVarint(bytes, offset, parts.value) : writeLengthPrefixed(bytes, offset, parts.text);
    bytes.set(unowned, offset);
    return bytes;
  }

  function encodeStatuses(statuses: ApplicationStatus[]): Uint8Array {
    if (!Array.isArray(statuses)) throw new StoreError('STORE_CODEC_ENCODE', 'availability codec: value must be { statuses: ApplicationStatus[] }');
    // First pass: validate and size; strings are encoded once and kept for the second pass.
    const parts: { header: number; id: number; status: number; idText?: Uint8Array; errorRef?: number; errorText?: Uint8Array }[] = [];
    let size = statuses.length < COUNT_ESCAPE ? 1 : 1 + varintLength(statuses.length);
    const statusForm = statuses.some((entry) => entry?.status === 'partially_available');
    if (statusForm) size += statuses.length;
    statuses.forEach((entry: ApplicationStatus, i) => {
      const { applicationId, status, error } = entry ?? ({} as ApplicationStatus);
      if (typeof applicationId !== 'string') throw new StoreError('STORE_CODEC_ENCODE', `availability codec: statuses[${i}].applicationId must be a string`);
      if (!STATUS_CODES.includes(status)) {
        throw new StoreError('STORE_CODEC_ENCODE', `availability codec: statuses[${i}].status must be one of ${STATUS_CODES.join(', ')}, got ${JSON.stringify(status)}`);
      }
      if (typeof error !== 'string') throw new StoreError('STORE_CODEC_ENCODE', `availability codec: statuses[${i}].error must be a string`);
      let header = !statusForm && status === 'unavailable' ? 1 : 0;
      const part: (typeof parts)[number] = { header: 0, id: decimalId(applicationId), status: STATUS_CODES.indexOf(status) };
      size += 1;
      if (part.id >= 0) {
        size += varintLength(part.id);
      } else {
        header |= 2;
        part.idText = encoder.encode(applicationId);
        size += lengthPrefixedSize(part.idText);
      }
      const known = errorIndex.get(error);
      if (error === '') {
        header |= ERROR_NONE << 2;
      } else if (known !== undefined && known < SMALL_INDEX_LIMIT) {
        header |= (known + 1) << 2;
      } else if (known !== undefined) {
        header |= ERROR_VARINT_INDEX << 2;
        part.errorRef = known;
        size += varintLength(known);
      } else {
        header |= ERROR_INLINE << 2;
        part.errorText = encoder.encode(error);
        size += lengthPrefixedSize(part.errorText);
      }
      part.header = header;
      parts.push(part);
    });

    const only = parts.length === 1 ? parts[0]! : undefined;
    if (only && !statusForm && only.idText === undefined && only.errorRef === undefined && only.errorText === undefined && only.header >>> 2 <= SHORT_ERROR_LIMIT) {
      const short = new Uint8Array(1 + varintLength(only.id));
      short[0] = (SHORT_FORM << 5) | ((only.header & 1) << 4) | (only.header >>> 2);
      writeVarint(short, 1, only.id);
      return short;
    }

    const bytes = new Uint8Array(size);
    let offset = 0;
    const form = statusForm ? STATUS_FORM : GENERAL_FORM;
    if (statuses.length < COUNT_ESCAPE) {
      bytes[offset++] = (form << 5) | statuses.length;
    } else {
      bytes[offset++] = (form << 5) | COUNT_ESCAPE;
      offset = writeVarint(bytes, offset, statuses.length);
    }
    for (const part of parts) {
      if (statusForm) bytes[offset++] = part.status;
      bytes[offset++] = part.header;
      offset = part.idText === undefined ? writeVarint(bytes, offset, part.id) : writeLengthPrefixed(bytes, offset, part.idText);
      if (part.errorRef !== undefined) offset = writeVarint(bytes, offset, part.errorRef);
      if (part.errorText !== undefined) offset = writeLengthPrefixed(bytes, offset, part.errorText);
    }
    return bytes;
  }

  function text(reader: ByteReader): string {
    const raw = reader.slice(reader.varint());
    try {
      return decoder.decode(raw);
    } catch (cause) {
      throw new StoreError('STORE_CODEC_DECODE', `availability codec: invalid UTF-8 before offset ${reader.offset}`, { cause });
    }
  }

  function knownSentence(index: number): string {
    const sentence = knownErrors[index];
    if (sentence === undefined) {
      throw new StoreError('STORE_CODEC_DECODE', `availability codec: error sentence #${index} is not in this codec's table of ${knownErrors.length} (was the table reordered or shortened?)`);
    }
    return sentence;
  }

  function tenantPrefix(code: number): string {
    if (code === 0) return '';
    const prefix = tenantPrefixes[code - 1];
    if (prefix === undefined) {
      throw new StoreError('STORE_CODEC_DECODE', `availability codec: tenant prefix #${code - 1} is not in this codec's table of ${tenantPrefixes.length}`);
    }
    return prefix;
  }

  function decode(bytes: Uint8Array): SourceCheckResult {
    const reader = new ByteReader(bytes, 'availability codec');
    if (bytes[0]! >>> 5 !== OWNED_FORM) return { tenant: '', statuses: decodeStatuses(bytes, reader) };
    const first = reader.byte();
    const zeros = first & 7;
    const rest = zeros === TENANT_TEXT ? text(reader) : '0'.repeat(zeros) + String(reader.varint());
    return { tenant: tenantPrefix((first >>> 3) & 3) + rest, statuses: decodeStatuses(bytes, reader) };
  }

  /** The statuses of an unowned value from the reader's offset to the end of `bytes`. */
  function decodeStatuses(bytes: Uint8Array, reader: ByteReader): ApplicationStatus[] {
    const start = reader.offset;
    const first = reader.byte();
    const form = first >>> 5;
    if (form === SHORT_FORM) {
      const errorCode = first & 15;
      // the hot path (a cache hit replays this): ids below 2^28 decoded inline, without the reader
      let id = shortFormId(bytes, start);
      if (id < 0) {
        id = reader.varint();
        if (!reader.done) throw new StoreError('STORE_CODEC_DECODE', `availability codec: ${bytes.length - reader.offset} trailing bytes`);
      }
      return [{ applicationId: String(id), status: first & 16 ? 'unavailable' : 'available', error: errorCode === 0 ? '' : knownSentence(errorCode - 1) }];
    }
    if (form !== GENERAL_FORM && form !== STATUS_FORM) throw new StoreError('STORE_CODEC_DECODE', `availability codec: unknown format ${form}`);
    const count = (first & 31) === COUNT_ESCAPE ? reader.varint() : first & 31;
    // each application takes at least two bytes: a count beyond that is corruption, not a loop bound
    if (count * 2 > bytes.length - start) throw new StoreError('STORE_CODEC_DECODE', `availability codec: ${count} applications cannot fit in ${bytes.length} bytes`);
    const statuses: ApplicationStatus[] = [];
    for (let i = 0; i < count; i++) {
      const statusCode = form === STATUS_FORM ? reader.byte() : -1;
      const header = reader.byte();
      const status = statusCode >= 0 ? STATUS_CODES[statusCode] : header & 1 ? 'unavailable' : 'available';
      if (status === undefined) throw new StoreError('STORE_CODEC_DECODE', `availability codec: unknown status ${statusCode}`);
      const applicationId = header & 2 ? text(reader) : String(reader.varint());
      const errorCode = header >>> 2;
      let error: string;
      if (errorCode === ERROR_NONE) error = '';
      else if (errorCode === ERROR_INLINE) error = text(reader);
      else if (errorCode === ERROR_VARINT_INDEX) error = knownSentence(reader.varint());
      else error = knownSentence(errorCode - 1);
      statuses.push({ applicationId, status, error });
    }
    if (!reader.done) throw new StoreError('STORE_CODEC_DECODE', `availability codec: ${bytes.length - reader.offset} trailing bytes`);
    return statuses;
  }

  return { encode, decode };
}

/** The codec with no interned sentences (errors inline); pass the checks' sentences when known. */
export const availabilityCodec: StoreValueCodec<SourceCheckResult> = createAvailabilityCodec();
