/**
 * Conformance, diagnostics: errors and warnings from the framework's validators, from a resource's own
 * validateConfig, from the provider's configure and from a data source point at the exact attribute, at the
 * top level and deep in nested blocks and nested attributes: Terraform prints the file, the line and the
 * source line of the offending expression. A value set on a computed-only attribute is refused, and so is
 * a number too precise for an attribute that holds JS numbers. Values still unknown at plan time (refined
 * unknowns) are not judged too early.
 */
import { ConformanceWorkspace } from '../helpers/conformance';
import { type ParsedDiagnostic, describeTerraform, diagnostics, steps } from '../helpers/terraform';

jest.setTimeout(120_000);

const VALIDATED = 'conformance_validated.v';

describeTerraform('conformance: diagnostics point at the attribute', () => {
  let ws: ConformanceWorkspace;
  beforeAll(async () => {
    ws = await ConformanceWorkspace.create('diagnostics');
  });
  afterAll(() => ws?.remove());

  /** The diagnostic with this summary, which must be the only one with it. */
  const only = (found: ParsedDiagnostic[], summary: string) => {
    const hits = found.filter((d) => d.summary === summary);
    if (hits.length !== 1) throw new Error(`${hits.length} diagnostics "${summary}" in ${JSON.stringify(found, null, 2)}`);
    return hits[0]!;
  };

  /** What Terraform prints for an attribute error: the resource, main.tf, the line, that line's source. */
  const at = (source: string) => ({ address: VALIDATED, file: 'main.tf', line: ws.lineOf(source), source });

  test('validators report at the attribute, at the top level and inside nested blocks', async () => {
    ws.writeConfig(`
resource "conformance_validated" "v" {
  email     = "not-an-email"
  mode      = "slow"
  starts_at = "2030-02-30T10:00:00Z"
  primary   = "p"
  secondary = "s"
  id        = "chosen-by-me"

  listener {
    port     = 80
    protocol = "sctp"
  }
  listener {
    port = 443
    allow {
      cidr = "10.0.0.0/8"
    }
    allow {
      cidr = "10.0.0.1/8"
    }
  }
}
`);
    const res = await ws.terraform(['validate'], { expectCode: [1] });
    const found = diagnostics(res.output);
    expect(found).toEqual(
      expect.arrayContaining([
        {
          severity: 'Error',
          summary: 'Invalid Attribute Value',
          ...at('email     = "not-an-email"'),
          detail: '"not-an-email" is not valid: it must be an email address.',
        },
        {
          severity: 'Error',
          summary: 'Invalid RFC 3339 Timestamp',
          ...at('starts_at = "2030-02-30T10:00:00Z"'),
          detail: expect.stringContaining('is not an RFC 3339 timestamp'),
        },
        {
          severity: 'Error',
          summary: 'Invalid Attribute Combination',
          ...at('primary   = "p"'),
          detail: '"primary" cannot be set together with "secondary". Remove one of them.',
        },
        {
          severity: 'Error',
          summary: 'Invalid Configuration for Read-Only Attribute',
          ...at('id        = "chosen-by-me"'),
          detail: 'Cannot set a value for "id": the provider computes it. Remove it from the configuration.',
        },
        // listener[0].protocol and listener[1].allow[1].cidr: the exact element, not the block.
        {
          severity: 'Error',
          summary: 'Invalid CIDR Block',
          ...at('cidr = "10.0.0.1/8"'),
          detail: '"10.0.0.1/8" has bits set after its /8 prefix. Did you mean the network address of that block?',
        },
      ]),
    );
    // oneOf reports with the same summary; mode and protocol each point at their own line.
    expect(found.filter((d) => d.detail.includes('is not allowed here')).map((d) => d.source)).toEqual(['mode      = "slow"', 'protocol = "sctp"']);
    expect(found.filter((d) => d.severity === 'Error')).toHaveLength(7);
  });

  test("a resource's own checks report errors and warnings at nested paths, in validate and again in plan", async () => {
    ws.writeConfig(`
resource "conformance_validated" "v" {
  email    = "ops@example.com"
  mode     = "fast"
  old_name = "legacy"
  ports = {
    http  = { number = 80 }
    admin = { number = 70000 }
  }

  listener {
    port = 80
  }
  listener {
    port = 0
  }
  old_listener {
    port = 8080
  }
}
`);
    for (const command of ['validate', 'plan']) {
      const res = await ws.terraform([command], { expectCode: [1] });
      const found = diagnostics(res.output);
      expect(only(found, 'Reserved Port')).toEqual({
        severity: 'Error',
        summary: 'Reserved Port',
        ...at('port = 0'),
        detail: 'Port 0 is reserved. Pick a port from 1 to 65535.',
      });
      // The path is ports["admin"].number, but Terraform finds source ranges only through blocks and
      // attributes of a body, not inside an attribute's value: it points at the resource (tfdiags'
      // ElaborateFromConfigBody falls back to the body's "missing item" range).
      expect(only(found, 'Port Out Of Range')).toEqual({
        severity: 'Error',
        summary: 'Port Out Of Range',
        ...at('resource "conformance_validated" "v" {'),
        detail: 'Port "admin" is 70000; ports go from 1 to 65535.',
      });
      expect(only(found, 'Fast Mode Skips Checks')).toMatchObject({ severity: 'Warning', ...at('mode     = "fast"') });
      expect(only(found, 'Deprecated Attribute')).toMatchObject({
        severity: 'Warning',
        ...at('old_name = "legacy"'),
        detail: 'Use email instead; old_name will be removed.',
      });
      // The path is the block itself; Terraform looks the last step up as an attribute only, so it points
      // at the resource (a path into the block, such as old_listener[0].port, would point at that line).
      expect(only(found, 'Deprecated Block')).toMatchObject({
        severity: 'Warning',
        ...at('resource "conformance_validated" "v" {'),
        detail: 'Use listener blocks instead.',
      });
    }
  });

  test('a number more precise than a JS number, in a plain number attribute, is refused at validate and plan, not at apply', async () => {
    ws.writeConfig(`
resource "conformance_everything" "e" {
  num     = 12345678901234567890
  numbers = [1, 9007199254740993]
  big     = 12345678901234567890
  dyn     = [9007199254740993]
  rule {
    port = 1
  }
}
`);
    const everything = { address: 'conformance_everything.e', file: 'main.tf' };
    for (const command of ['validate', 'plan']) {
      const found = diagnostics((await ws.terraform([command], { expectCode: [1] })).output);
      // big (exact) and dyn (a cty value) hold any number; num and numbers hold JS numbers.
      expect(found.filter((d) => d.summary === 'Number Too Precise')).toEqual([
        {
          severity: 'Error',
          summary: 'Number Too Precise',
          ...everything,
          line: ws.lineOf('num     ='),
          source: 'num     = 12345678901234567890',
          detail: expect.stringContaining('12345678901234567890 has more significant digits than "num" can hold exactly'),
        },
        {
          severity: 'Error',
          summary: 'Number Too Precise',
          ...everything,
          line: ws.lineOf('numbers ='),
          source: 'numbers = [1, 9007199254740993]',
          detail: expect.stringContaining('9007199254740993 has more significant digits than "numbers"'),
        },
      ]);
    }
    expect(ws.storeIds('everything')).toEqual([]);
  });

  test('values unknown at plan time are judged at apply, once known', async () => {
    await steps(ws, [
      {
        name: "an email built from another resource's id is a refined unknown at plan time and valid at apply",
        config: `
resource "conformance_thing" "t" {
  name = "owner"
}

resource "conformance_validated" "v" {
  email = "\${conformance_thing.t.id}@example.com"
  listener {
    port = 8080
    allow {
      cidr = "10.\${length(conformance_thing.t.id)}.0.0/16"
    }
  }
}
`,
        expectActions: { 'conformance_thing.t': 'create', [VALIDATED]: 'create' },
        check: ({ state }) => {
          const id = state['conformance_thing.t']!.values.id as string;
          expect(state[VALIDATED]!.values).toMatchObject({
            email: `${id}@example.com`,
            listener: [{ port: 8080, allow: [{ cidr: `10.${id.length}.0.0/16` }] }],
          });
        },
      },
    ]);
  });

  test('a data source error points at its argument, a provider configuration error at the provider', async () => {
    ws.writeConfig(`
data "conformance_thing" "missing" {
  id = "thing-does-not-exist"
}
`);
    const res = await ws.terraform(['plan'], { expectCode: [1] });
    expect(only(diagnostics(res.output), 'Thing Not Found')).toEqual({
      severity: 'Error',
      summary: 'Thing Not Found',
      address: 'data.conformance_thing.missing',
      file: 'main.tf',
      line: ws.lineOf('id = "thing-does-not-exist"'),
      source: 'id = "thing-does-not-exist"',
      detail: 'The store has no thing with id "thing-does-not-exist".',
    });

    const noProvider = await ConformanceWorkspace.create('diagnostics-provider', { providerBlock: false });
    try {
      noProvider.writeConfig('resource "conformance_thing" "t" {\n  name = "x"\n}\n');
      const failed = await noProvider.terraform(['plan'], { expectCode: [1], env: { CONFORMANCE_STORE_DIR: undefined } });
      expect(only(diagnostics(failed.output), 'Missing Store Directory')).toMatchObject({
        severity: 'Error',
        address: 'provider["registry.terraform.io/keyplane-test/conformance"]',
        detail: 'Set store_dir in the provider block or CONFORMANCE_STORE_DIR in the environment.',
      });
      // Without a provider block the store comes from the environment.
      const planned = await noProvider.terraform(['plan', '-detailed-exitcode'], { expectCode: [2] });
      expect(planned.output).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    } finally {
      noProvider.remove();
    }
  });
});
