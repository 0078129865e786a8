/**
 * Terraform's provider registry protocol for the releases the service was started with
 * (`keyplane server start --provider-releases DIR`, service/registry/releases.ts), so that
 * `source = "HOST/keyplane/keyplane"` installs with a plain `terraform init`, and the lock file records the
 * signed `zh:` hash of every platform. Air-gapped teams run one service that holds their keys and serves
 * their provider.
 *
 *   GET /.well-known/terraform.json                                  service discovery
 *   GET /terraform/providers/v1/:namespace/:type/versions            versions, protocols, platforms
 *   GET /terraform/providers/v1/:namespace/:type/:version/download/:os/:arch
 *   GET /terraform/providers/files/:version/:filename                the zip, SHA256SUMS and its signature
 *
 * Public, like any registry: a provider package holds no secret, and Terraform sends no credentials unless
 * its CLI configuration says to. Terraform requires HTTPS for a registry host, so serve with --tls-cert.
 * @module
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { PROVIDER_NAMESPACE } from '../../contract/provider-address';
import { ApiError } from '../errors';
import type { ProviderReleases } from './releases';

export const REGISTRY_BASE = '/terraform/providers/v1/';
const FILES_BASE = '/terraform/providers/files/';

const CONTENT_TYPES: [RegExp, string][] = [
  [/\.zip$/, 'application/zip'],
  [/_SHA256SUMS$/, 'text/plain; charset=utf-8'],
  [/\.sig$/, 'application/octet-stream'],
];

export function providerRegistryRoutes(releases: ProviderReleases) {
  return async (app: FastifyInstance) => {
    const provider = (namespace: string, type: string) => {
      if (namespace !== PROVIDER_NAMESPACE || type !== releases.type)
        throw new ApiError('not_found', `this registry serves ${PROVIDER_NAMESPACE}/${releases.type} only`);
    };

    app.get('/.well-known/terraform.json', { schema: { hide: true } }, async () => ({ 'providers.v1': REGISTRY_BASE }));

    app.get<{ Params: { namespace: string; type: string } }>(`${REGISTRY_BASE}:namespace/:type/versions`, { schema: { hide: true } }, async (request) => {
      provider(request.params.namespace, request.params.type);
      return {
        versions: [...releases.versions.values()].map((v) => ({
          version: v.version,
          protocols: v.protocols,
          platforms: v.platforms.map((p) => ({ os: p.os, arch: p.arch })),
        })),
      };
    });

    app.get<{ Params: { namespace: string; type: string; version: string; os: string; arch: string } }>(
      `${REGISTRY_BASE}:namespace/:type/:version/download/:os/:arch`,
      { schema: { hide: true } },
      async (request) => {
        const { namespace, type, version, os, arch } = request.params;
        provider(namespace, type);
        const v = releases.versions.get(version);
        if (!v) throw new ApiError('not_found', `version ${version} of ${namespace}/${type} is not in this registry`);
        const p = v.platforms.find((x) => x.os === os && x.arch === arch);
        if (!p) throw new ApiError('not_found', `version ${version} of ${namespace}/${type} has no package for ${os}_${arch}`);
        const url = (name: string) => `${FILES_BASE}${encodeURIComponent(version)}/${encodeURIComponent(name)}`;
        return {
          protocols: v.protocols,
          os,
          arch,
          filename: p.name,
          download_url: url(p.name),
          shasums_url: url(v.shasums.name),
          shasums_signature_url: url(v.signature.name),
          shasum: p.sha256,
          signing_keys: { gpg_public_keys: v.signedBy.map((k) => ({ key_id: k.keyId, ascii_armor: k.armored })) },
        };
      },
    );

    app.get<{ Params: { version: string; filename: string } }>(`${FILES_BASE}:version/:filename`, { schema: { hide: true } }, async (request, reply) => {
      const file = releases.file(request.params.version, request.params.filename);
      if (!file) throw new ApiError('not_found', 'no such release file');
      const type = CONTENT_TYPES.find(([re]) => re.test(file.name))?.[1] ?? 'application/octet-stream';
      void reply.header('content-type', type).header('content-length', file.size);
      return reply.send(createReadStream(file.path));
    });
  };
}
