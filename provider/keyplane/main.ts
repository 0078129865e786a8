#!/usr/bin/env node
/**
 * The `terraform-provider-keyplane` executable. The plugin server lands with the provider SDK; until then it
 * says so instead of pretending to be a plugin.
 */
process.stderr.write('terraform-provider-keyplane: not yet. The Terraform provider is under construction; use the `keyplane` CLI.\n');
process.exit(1);
