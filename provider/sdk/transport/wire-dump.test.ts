import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WIRE_DUMP_ENV, wireDumper } from './wire-dump';

describe('the wire dump switch', () => {
  it('is off unless the variable is set', () => {
    expect(wireDumper({})).toBeUndefined();
  });

  it('writes each payload of a request and a response to its own file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wire-'));
    try {
      const dump = wireDumper({ [WIRE_DUMP_ENV]: join(dir, 'out') })!;
      dump('PlanResourceChange', 'request', {
        type_name: 'x_thing',
        prior_state: { msgpack: Buffer.from([0xc0]) },
        config: { msgpack: Buffer.from([0x80]), json: Buffer.alloc(0) },
        prior_private: Buffer.from('{"a":1}'),
      });
      dump('ImportResourceState', 'response', { imported_resources: [{ type_name: 'x', state: { msgpack: Buffer.from([0x81]) } }], diagnostics: [] });
      dump('UpgradeResourceState', 'request', { raw_state: { json: Buffer.from('{"id":"1"}') } });
      const files = readdirSync(join(dir, 'out'))
        .map((f) => f.replace(/^[^_]+_\d+_/, ''))
        .sort();
      expect(files).toEqual([
        'ImportResourceState_response_imported_resources_0_state.msgpack',
        'PlanResourceChange_request_config.msgpack',
        'PlanResourceChange_request_prior_private.bin',
        'PlanResourceChange_request_prior_state.msgpack',
        'UpgradeResourceState_request_raw_state.json',
      ]);
      const raw = readdirSync(join(dir, 'out')).find((f) => f.endsWith('raw_state.json'))!;
      expect(readFileSync(join(dir, 'out', raw), 'utf8')).toBe('{"id":"1"}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
