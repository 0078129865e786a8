import { spawnSync } from 'node:child_process';
import { quote } from 'shell-quote';
import { debugInstructions, reattachProviders } from './debug';

describe('reattachProviders', () => {
  it("is keyed by the provider address in Terraform's TF_REATTACH_PROVIDERS shape", () => {
    expect(reattachProviders('registry.terraform.io/example/thing', { network: 'unix', address: '/tmp/plugin1' }, 42, 6)).toEqual({
      'registry.terraform.io/example/thing': { Protocol: 'grpc', ProtocolVersion: 6, Pid: 42, Test: true, Addr: { Network: 'unix', String: '/tmp/plugin1' } },
    });
  });

  it('names a TCP listener by network tcp and host:port', () => {
    expect(
      reattachProviders('registry.terraform.io/example/thing', { network: 'tcp', address: '127.0.0.1:10000' }, 42, 6)['registry.terraform.io/example/thing']!
        .Addr,
    ).toEqual({
      Network: 'tcp',
      String: '127.0.0.1:10000',
    });
  });
});

describe('the quoting of the export line (shell-quote)', () => {
  it.each(['plain', "it's", `{"a":"b'c"}`, "''"])('quotes %p so that sh reads it back unchanged', (s) => {
    const echoed = spawnSync('sh', ['-c', `printf %s ${quote([s])}`], { encoding: 'utf8' });
    expect(echoed.stdout).toBe(s);
  });
});

describe('debugInstructions', () => {
  it('prints an export line a shell can run, carrying the JSON', () => {
    const reattach = reattachProviders('registry.terraform.io/example/thing', { network: 'unix', address: "/tmp/it's/plugin1" }, 42, 6);
    const text = debugInstructions('registry.terraform.io/example/thing', reattach);
    const line = text.split('\n').find((l) => l.includes('export TF_REATTACH_PROVIDERS='))!;
    const out = spawnSync('sh', ['-c', `${line.trim()}; printf %s "$TF_REATTACH_PROVIDERS"`], { encoding: 'utf8' });
    expect(JSON.parse(out.stdout)).toEqual(reattach);
    expect(text).toMatch(/Ctrl-C/);
  });
});
