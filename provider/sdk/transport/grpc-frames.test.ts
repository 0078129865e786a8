import fc from 'fast-check';
import { MessageReader, frame } from './grpc-frames';
import { GrpcError, GrpcStatus, encodeStatusMessage } from './grpc-status';

function read(chunks: Buffer[], max = 1 << 20): Buffer[] {
  const out: Buffer[] = [];
  const reader = new MessageReader(max, (m) => out.push(Buffer.from(m)));
  for (const c of chunks) reader.push(c);
  expect(reader.idle).toBe(true);
  return out;
}

/** `bytes` cut at the given offsets. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe('gRPC message framing', () => {
  it('prefixes a message with a zero flag and its big-endian length', () => {
    expect(frame(Buffer.from('abc'))).toEqual(Buffer.from([0, 0, 0, 0, 3, 0x61, 0x62, 0x63]));
    expect(frame(Buffer.alloc(0))).toEqual(Buffer.from([0, 0, 0, 0, 0]));
  });

  it('reads back any messages however the stream cuts them', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (messages, offsets) => {
        const wire = Buffer.concat(messages.map((m) => frame(Buffer.from(m))));
        expect(read(cut(wire, offsets))).toEqual(messages.map((m) => Buffer.from(m)));
      }),
    );
  });

  it('is not idle while a message is partly read', () => {
    const reader = new MessageReader(100, () => undefined);
    reader.push(Buffer.from([0, 0, 0]));
    expect(reader.idle).toBe(false);
    reader.push(Buffer.from([0, 2, 9]));
    expect(reader.idle).toBe(false);
    reader.push(Buffer.from([9]));
    expect(reader.idle).toBe(true);
  });

  it('refuses a message over the limit from its prefix alone, as RESOURCE_EXHAUSTED', () => {
    const reader = new MessageReader(10, () => undefined);
    let error: unknown;
    try {
      reader.push(Buffer.from([0, 0, 0, 0, 11]));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GrpcError);
    expect(error).toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED, message: expect.stringMatching(/11 bytes, more than the 10/) });
    expect(() => new MessageReader(10, () => undefined).push(Buffer.from([0, 0, 0, 0, 10, ...Buffer.alloc(10)]))).not.toThrow();
  });

  it('refuses a compressed message, as UNIMPLEMENTED', () => {
    expect(() => new MessageReader(10, () => undefined).push(Buffer.from([1, 0, 0, 0, 1, 7]))).toThrow(
      expect.objectContaining({ code: GrpcStatus.UNIMPLEMENTED, message: expect.stringMatching(/compressed/) }),
    );
  });
});

describe('grpc-message encoding', () => {
  it('percent-encodes what is not printable ASCII, and the percent sign', () => {
    expect(encodeStatusMessage('plain text: ok!')).toBe('plain text: ok!');
    expect(encodeStatusMessage('50% done\nnext')).toBe('50%25 done%0Anext');
    expect(encodeStatusMessage('clé')).toBe('cl%C3%A9');
  });

  it('round-trips through percent-decoding for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const encoded = encodeStatusMessage(text);
        expect(encoded).toMatch(/^[\x20-\x7e]*$/);
        expect(decodeURIComponent(encoded)).toBe(text);
      }),
    );
  });
});
