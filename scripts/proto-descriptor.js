#!/usr/bin/env node
/**
 * Compiles the .proto files in proto/ into what the plugin server loads at run time, so no provider process
 * parses or reflects on them (Terraform starts 3–5 of them per command):
 *
 * - proto/descriptor.json, the protobufjs JSON descriptor: the services, their methods and the message fields
 *   the converter walks (provider/sdk/transport/descriptor.ts, convert.ts). Parsing .proto text cost a
 *   provider process several milliseconds on every start.
 * - proto/codec.ts, the messages' encoders and decoders as code, made from that JSON by protobufjs's own
 *   generator (pbjs, static target, from protobufjs-cli). Building them at run time (Root.fromJSON, then a
 *   generated function per message type on first use) cost each process about 15 to 20 ms before its first
 *   answer.
 *
 *   node scripts/proto-descriptor.js           # rewrite both
 *   node scripts/proto-descriptor.js --check   # exit 1 when either is stale
 *
 * Both are checked in; proto/protocol.test.ts fails when they no longer match the .proto files. protobufjs
 * is the parser @grpc/proto-loader itself uses (its dependency), so the JSON is exactly what loadSync would
 * have built from the text. Field names keep their .proto spelling (keepCase), as the server expects.
 */

const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const protobuf = require('protobufjs');

const PROTO_DIR = join(__dirname, '..', 'proto');
const OUT = join(PROTO_DIR, 'descriptor.json');
const CODEC = join(PROTO_DIR, 'codec.ts');

/** Every file the plugin server serves, relative to proto/. Imports of google/protobuf/* come from protobufjs. */
const PROTO_FILES = ['tfplugin6.8.proto', 'plugin/grpc_controller.proto', 'plugin/grpc_stdio.proto', 'plugin/grpc_broker.proto', 'grpc/health/v1/health.proto'];

/** The descriptor as a JSON-ready object. */
function buildDescriptor() {
  const root = new protobuf.Root();
  const resolveCommon = root.resolvePath.bind(root);
  // google/protobuf/*.proto are bundled with protobufjs (its "common" files); everything else is ours.
  root.resolvePath = (origin, target) => (target.startsWith('google/protobuf/') ? resolveCommon(origin, target) : resolve(PROTO_DIR, target));
  root.loadSync(PROTO_FILES, { keepCase: true });
  root.resolveAll();
  return root.toJSON({ keepComments: false });
}

/** The file's text: stable key order comes from the .proto files, one trailing newline. */
function descriptorText() {
  return `${JSON.stringify(buildDescriptor(), null, 1)}\n`;
}

/**
 * pbjs options: encode, decode, and the conversions from and to plain objects (fromObject, toObject), which
 * the server uses as it used protobufjs's reflection (descriptor.ts); no verify (fromObject checks what it
 * converts), no length-delimited variants, type URLs, service clients, comments or create().
 */
const PBJS_OPTIONS = [
  '-t',
  'static-module',
  '-w',
  'commonjs',
  '--keep-case',
  '--no-verify',
  '--no-delimited',
  '--no-typeurl',
  '--no-comments',
  '--no-service',
  '--no-create',
];

/**
 * Message names that would shadow a global the generated code calls: tfplugin6 has `Schema.Object`, and pbjs
 * declares each message as a function of its own name, so inside Schema's scope `Object.create` and
 * `Object.keys` would reach the message instead. Renamed for pbjs only (the wire has no type names): the
 * codec holds `Schema.Object_`, and nothing looks it up by name (fields reach it from their own message).
 */
const SHADOWING = new Set(['Object', 'Array', 'Error', 'String', 'Number', 'Boolean', 'Math', 'Symbol']);

/** The descriptor with SHADOWING names given a trailing underscore, in declarations and in field types. */
function pbjsDescriptor(node = buildDescriptor()) {
  const rename = (name) =>
    name
      .split('.')
      .map((part) => (SHADOWING.has(part) ? `${part}_` : part))
      .join('.');
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nested') out.nested = Object.fromEntries(Object.entries(value).map(([name, child]) => [rename(name), pbjsDescriptor(child)]));
    else if (key === 'fields') out.fields = Object.fromEntries(Object.entries(value).map(([name, field]) => [name, { ...field, type: rename(field.type) }]));
    else out[key] = value;
  }
  return out;
}

/** proto/codec.ts: pbjs's CommonJS module, left untyped (descriptor.ts types what it uses). */
function codecText() {
  const pbjs = join(require.resolve('protobufjs-cli/package.json'), '..', 'bin', 'pbjs');
  const dir = mkdtempSync(join(tmpdir(), 'proto-codec-'));
  try {
    const json = join(dir, 'descriptor.json');
    writeFileSync(json, JSON.stringify(pbjsDescriptor()));
    const made = spawnSync(process.execPath, [pbjs, ...PBJS_OPTIONS, json], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (made.status !== 0) throw new Error(`pbjs failed: ${made.stderr}`);
    const header = '// @ts-nocheck\n// Made by scripts/proto-descriptor.js (pbjs, protobufjs-cli) from proto/*.proto: do not edit.\n';
    return header + made.stdout.replace(/^\/\*eslint-disable[^\n]*\n/, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const text = descriptorText();
  if (process.argv.includes('--check')) {
    const read = (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    };
    const stale = [];
    if (read(OUT) !== text) stale.push(OUT);
    if (read(CODEC) !== codecText()) stale.push(CODEC);
    if (stale.length > 0) {
      process.stderr.write(`${stale.join(' and ')} stale: run node scripts/proto-descriptor.js\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, text);
    writeFileSync(CODEC, codecText());
    process.stdout.write(`wrote ${OUT} and ${CODEC}\n`);
  }
}

module.exports = { PROTO_DIR, PROTO_FILES, OUT, CODEC, buildDescriptor, descriptorText, codecText };
