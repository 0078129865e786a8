import { chooseNetwork, transportVariable } from './network';

describe('transportVariable', () => {
  it('is <TYPE>_PLUGIN_TRANSPORT for the provider type', () => {
    expect(transportVariable('keyplane')).toBe('KEYPLANE_PLUGIN_TRANSPORT');
    expect(transportVariable('my-thing')).toBe('MY_THING_PLUGIN_TRANSPORT');
  });
});

describe('chooseNetwork', () => {
  it('is the unix socket off Windows unless KEYPLANE_PLUGIN_TRANSPORT says tcp', () => {
    expect(chooseNetwork({}, 'keyplane', 'linux')).toBe('unix');
    expect(chooseNetwork({ KEYPLANE_PLUGIN_TRANSPORT: '' }, 'keyplane', 'darwin')).toBe('unix');
    expect(chooseNetwork({ KEYPLANE_PLUGIN_TRANSPORT: 'tcp' }, 'keyplane', 'linux')).toBe('tcp');
    expect(chooseNetwork({ KEYPLANE_PLUGIN_TRANSPORT: 'unix' }, 'keyplane', 'linux')).toBe('unix');
  });

  it('reads only the variable of its own type', () => {
    expect(chooseNetwork({ OTHER_PLUGIN_TRANSPORT: 'tcp' }, 'keyplane', 'linux')).toBe('unix');
  });

  it('is always TCP on Windows', () => {
    expect(chooseNetwork({}, 'keyplane', 'win32')).toBe('tcp');
    expect(chooseNetwork({ KEYPLANE_PLUGIN_TRANSPORT: 'tcp' }, 'keyplane', 'win32')).toBe('tcp');
    expect(() => chooseNetwork({ KEYPLANE_PLUGIN_TRANSPORT: 'unix' }, 'keyplane', 'win32')).toThrow(
      'KEYPLANE_PLUGIN_TRANSPORT is "unix", but on Windows the provider listens on TCP only',
    );
  });

  it.each(['TCP', 'tcp4', 'udp', ' tcp'])('refuses %p, naming the variable and the values it takes', (value) => {
    expect(() => chooseNetwork({ KEYPLANE_PLUGIN_TRANSPORT: value }, 'keyplane', 'linux')).toThrow(
      `KEYPLANE_PLUGIN_TRANSPORT is ${JSON.stringify(value)}: it must be "tcp" or "unix"`,
    );
  });
});
