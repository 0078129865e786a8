import { createLogger, formatLine, formatTimestamp, OFF, parseLevel, thresholdFromEnv } from './logger';

/** go-plugin's layout: exactly six fractional digits, Z for UTC. */
const HCLOG_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('formatTimestamp', () => {
  it.each([
    [Date.UTC(2026, 11, 1, 19, 28, 10, 123) + 0.456, '2026-12-01T19:28:10.123456Z'],
    [Date.UTC(2026, 11, 1, 19, 28, 10, 0), '2026-12-01T19:28:10.000000Z'],
    [Date.UTC(2026, 11, 1, 19, 28, 10, 999) + 0.999, '2026-12-01T19:28:10.999999Z'],
  ])('formats %p as %s', (ms, text) => {
    expect(formatTimestamp(ms)).toBe(text);
  });

  it('keeps the layout for any instant, fractions of a millisecond included', () => {
    for (let i = 0; i < 1000; i++) {
      const ms = Math.random() * 4e12 + Math.random();
      expect(formatTimestamp(ms)).toMatch(HCLOG_TIMESTAMP);
    }
  });
});

describe('formatLine', () => {
  const at = Date.UTC(2026, 11, 1, 19, 28, 10, 123) + 0.456;

  it('writes one hclog JSON line, @message and @timestamp as strings', () => {
    const line = formatLine('debug', 'hello', 'provider', { tf_rpc: 'ReadResource', n: 3 }, at);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual({
      '@level': 'debug',
      '@message': 'hello',
      '@timestamp': '2026-12-01T19:28:10.123456Z',
      '@module': 'provider',
      tf_rpc: 'ReadResource',
      n: 3,
    });
  });

  it('never lets a field replace @message, @timestamp or @level', () => {
    const record = JSON.parse(formatLine('info', 'm', 'provider', { '@message': 42, '@timestamp': 1, '@level': 'error' }, at));
    expect(record['@message']).toBe('m');
    expect(record['@timestamp']).toBe('2026-12-01T19:28:10.123456Z');
    expect(record['@level']).toBe('info');
  });

  it('writes bytes as their length, errors as their message, bigints as text', () => {
    const record = JSON.parse(
      formatLine(
        'info',
        'm',
        'provider',
        { secret: Buffer.from('hunter2'), nested: { raw: new Uint8Array(3) }, err: new Error('boom'), big: 12345678901234567890n },
        at,
      ),
    );
    expect(record).toMatchObject({ secret: '<7 bytes>', nested: { raw: '<3 bytes>' }, err: 'boom', big: '12345678901234567890' });
  });

  it('keeps the message when a field cannot be serialised', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const record = JSON.parse(formatLine('warn', 'still here', 'provider', { circular }, at));
    expect(record['@message']).toBe('still here');
    expect(record.log_error).toMatch(/not serialisable/);
  });
});

describe('levels from the environment', () => {
  it.each([
    ['trace', 0],
    ['DEBUG', 1],
    ['Info', 2],
    ['warn', 3],
    ['error', 4],
    ['off', OFF],
    ['json', 0],
    ['verbose', 0],
    ['', undefined],
    [undefined, undefined],
  ])('parses %p as %p', (value, rank) => {
    expect(parseLevel(value)).toBe(rank);
  });

  it('prefers TF_LOG_PROVIDER_<TYPE>, then TF_LOG_PROVIDER, then TF_LOG, else trace like terraform-plugin-go', () => {
    expect(thresholdFromEnv({ TF_LOG_PROVIDER_MY_CLOUD: 'error', TF_LOG_PROVIDER: 'info', TF_LOG: 'debug' }, 'my-cloud')).toBe(4);
    expect(thresholdFromEnv({ TF_LOG_PROVIDER: 'info', TF_LOG: 'debug' }, 'my-cloud')).toBe(2);
    expect(thresholdFromEnv({ TF_LOG: 'warn' }, 'my-cloud')).toBe(3);
    expect(thresholdFromEnv({ TF_LOG: 'off' })).toBe(OFF);
    expect(thresholdFromEnv({})).toBe(0);
  });
});

describe('createLogger', () => {
  function capture(threshold: number) {
    const lines: string[] = [];
    const log = createLogger({
      threshold,
      module: 'provider',
      fields: { tf_provider_addr: 'a' },
      write: (l) => lines.push(l),
      now: () => Date.UTC(2026, 0, 1),
    });
    return { log, records: () => lines.map((l) => JSON.parse(l)) };
  }

  it('drops lines below the threshold', () => {
    const { log, records } = capture(2);
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(records().map((r) => r['@level'])).toEqual(['info', 'warn', 'error']);
    expect(log.enabled('debug')).toBe(false);
    expect(log.enabled('warn')).toBe(true);
  });

  it('writes nothing when off', () => {
    const { log, records } = capture(OFF);
    log.error('e');
    expect(records()).toEqual([]);
  });

  it('gives children the parent fields plus their own, and per-line fields on top', () => {
    const { log, records } = capture(0);
    log.with({ tf_rpc: 'X', tf_req_id: '1' }).info('m', { tf_req_id: '2', extra: true });
    expect(records()[0]).toMatchObject({ tf_provider_addr: 'a', tf_rpc: 'X', tf_req_id: '2', extra: true, '@module': 'provider' });
  });
});
