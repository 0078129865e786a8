#!/usr/bin/env node
/**
 * Compiles the .proto files in proto/ into proto/descriptor.json, the protobufjs JSON descriptor the plugin
 * server loads at run time (into a protobufjs Root, provider/sdk/transport/descriptor.ts: cheaper than
 * proto-loader's `fromJSON`). Parsing .proto text costs a provider process several
 * milliseconds on every start, and Terraform starts 3–5 of them per command, so the text is parsed once here.
 *
 *   node scripts/proto-descriptor.js           # rewrite proto/descriptor.json
 *   node scripts/proto-descriptor.js --check   # exit 1 when it is stale
 *
 * The JSON is checked in; proto/protocol.test.ts fails when it no longer matches the .proto files. protobufjs
 * is the parser @grpc/proto-loader itself uses (its dependency), so the JSON is exactly what loadSync would
 * have built from the text. Field names keep their .proto spelling (keepCase), as the server expects.
 */

const { readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const protobuf = require('protobufjs');

const PROTO_DIR = join(__dirname, '..', 'proto');
const OUT = join(PROTO_DIR, 'descriptor.json');

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

if (require.main === module) {
  const text = descriptorText();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUT, 'utf8');
    } catch {}
    if (current !== text) {
      process.stderr.write(`${OUT} is stale: run node scripts/proto-descriptor.js\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, text);
    process.stdout.write(`wrote ${OUT}\n`);
  }
}

module.exports = { PROTO_DIR, PROTO_FILES, OUT, buildDescriptor, descriptorText };
