import { portRange } from './port-range';

describe('portRange (PLUGIN_MIN_PORT, PLUGIN_MAX_PORT)', () => {
  it('is the range both give, ends included', () => {
    expect(portRange({ PLUGIN_MIN_PORT: '10000', PLUGIN_MAX_PORT: '25000' })).toEqual({ min: 10000, max: 25000 });
    expect(portRange({ PLUGIN_MIN_PORT: ' 4000 ', PLUGIN_MAX_PORT: '4000' })).toEqual({ min: 4000, max: 4000 });
  });

  it('is undefined (any port) when neither is set, or both are empty', () => {
    expect(portRange({})).toBeUndefined();
    expect(portRange({ PLUGIN_MIN_PORT: '', PLUGIN_MAX_PORT: '' })).toBeUndefined();
  });

  it.each([
    [{ PLUGIN_MIN_PORT: '20000', PLUGIN_MAX_PORT: '10000' }, 'PLUGIN_MIN_PORT (20000) is greater than PLUGIN_MAX_PORT (10000)'],
    [{ PLUGIN_MIN_PORT: '10000' }, 'PLUGIN_MIN_PORT is set but PLUGIN_MAX_PORT is not'],
    [{ PLUGIN_MAX_PORT: '10000' }, 'PLUGIN_MAX_PORT is set but PLUGIN_MIN_PORT is not'],
    [{ PLUGIN_MIN_PORT: 'ten', PLUGIN_MAX_PORT: '10000' }, 'PLUGIN_MIN_PORT is "ten": it must be a port number from 1 to 65535'],
    [{ PLUGIN_MIN_PORT: '1000', PLUGIN_MAX_PORT: '65536' }, 'PLUGIN_MAX_PORT is "65536": it must be a port number from 1 to 65535'],
    [{ PLUGIN_MIN_PORT: '0', PLUGIN_MAX_PORT: '10' }, 'PLUGIN_MIN_PORT is "0"'],
    [{ PLUGIN_MIN_PORT: '-1', PLUGIN_MAX_PORT: '10' }, 'PLUGIN_MIN_PORT is "-1"'],
    [{ PLUGIN_MIN_PORT: '1e4', PLUGIN_MAX_PORT: '20000' }, 'PLUGIN_MIN_PORT is "1e4"'],
  ])('refuses %p, naming the variables', (env, message) => {
    expect(() => portRange(env)).toThrow(message);
  });
});
