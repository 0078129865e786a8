/**
 * @module transport/handshake
 * What go-plugin's client (inside Terraform) expects from a plugin process before it connects: the magic
 * cookie in the environment, a protocol version it offered, and one line on stdout naming the socket and
 * the server certificate. See docs/sdk/plugin-process.md#launch and #handshake.
 */
import type { Network } from './listener';

/** Terraform's handshake cookie (go-plugin `MagicCookieKey`/`MagicCookieValue` in terraform-plugin-go). */
export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

/** go-plugin's core protocol version: the first handshake field must be exactly this. */
export const CORE_PROTOCOL_VERSION = 1;

/** The tfplugin major version this server speaks (tfplugin6.8). */
export const APP_PROTOCOL_VERSION = 6;

/**
 * The message a person sees when they run the executable by hand. The cookie check is a courtesy, not
 * security: it stops a confusing hang waiting for a client that never comes.
 */
export function notAPluginMessage(executable: string): string {
  return [
    `${executable} is a Terraform provider plugin: Terraform starts it, it is not meant to be run directly.`,
    'Use it from a Terraform configuration (terraform init / plan / apply) and Terraform will launch it as needed.',
    `To debug it, start it yourself with --debug (${executable} --debug) and follow the instructions it prints.`,
    '',
  ].join('\n');
}

export type ProtocolChoice = { ok: true; version: number } | { ok: false; message: string };

/**
 * Picks our protocol from PLUGIN_PROTOCOL_VERSIONS, the comma list Terraform accepts ("5,6" from Terraform
 * 1.11, in no guaranteed order: it is built from a Go map). An absent variable means the host predates
 * version negotiation and expects whatever the plugin declares, as go-plugin's server assumes.
 */
export function chooseProtocolVersion(offered: string | undefined): ProtocolChoice {
  if (offered === undefined || offered.trim() === '') return { ok: true, version: APP_PROTOCOL_VERSION };
  const versions = offered.split(',').map((v) => Number(v.trim()));
  if (versions.includes(APP_PROTOCOL_VERSION)) return { ok: true, version: APP_PROTOCOL_VERSION };
  return {
    ok: false,
    message: `This provider speaks Terraform plugin protocol ${APP_PROTOCOL_VERSION} only, and this Terraform offers protocol version(s) ${offered}. Use Terraform 1.0 or later (protocol 6.8 needs 1.11 or later).\n`,
  };
}

/**
 * The handshake line, `1|6|unix|<path>|grpc|<cert>` or `1|6|tcp|127.0.0.1:<port>|grpc|<cert>`. Only this
 * first stdout line is read; a space inside a field (" 6") fails integer parsing, and the certificate is the DER in standard base64 *without* `=`
 * padding (go-plugin decodes it with RawStdEncoding: padding fails with "illegal base64 data"). An empty
 * certificate field means plaintext.
 */
export function handshakeLine(options: { network: Network; address: string; certificateDer?: Uint8Array }): string {
  const cert = options.certificateDer ? Buffer.from(options.certificateDer).toString('base64').replace(/=+$/, '') : '';
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|${options.network}|${options.address}|grpc|${cert}\n`;
}
