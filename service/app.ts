/**
 * Builds the Fastify application without listening, so tests call it in-process with `inject()` and
 * `server.ts` serves it. Public routes (health, the OpenAPI document) sit outside the authenticated context;
 * every other `/v1` route is registered in a child context behind bearer authentication.
 * @module
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { LoggerOptions } from 'pino';
import { auditRoutes } from './audit/routes';
import { defaultAssetsDir } from './console/assets';
import { sessionTokenOf } from './console/cookie';
import { sessionAuthentication } from './console/session-auth';
import { sessionRoutes } from './console/session-routes';
import { ConsoleSessions } from './console/sessions';
import { signInLinkRoutes } from './console/sign-in-link-routes';
import { SignInLinks } from './console/sign-in-links';
import { consoleStaticRoutes } from './console/static-routes';
import { allowListRoutes } from './allow-lists/routes';
import type { ServiceContext } from './context';
import { type AbuseLimitsOptions, abuseLimits } from './http/abuse-limits';
import { keyAuthentication } from './http/auth';
import { installErrorHandler } from './http/error-handler';
import { installFailedAuthLimit } from './http/failed-auth-limit';
import { FRAMEWORK_ERROR_OPTIONS } from './http/framework-errors';
import { safeLoggerOptions } from './http/log-safety';
import { ErrorResponse } from '../contract/api/common';
import { type OpenApiDocument, markOptionalBodies } from './http/openapi';
import { installRequestParsing } from './http/request-parsing';
import { nextRequestId } from './http/request-ids';
import { installVerifyFastPath, logsEachVerification, VERIFY_PATH, type VerifyFastPath } from './http/verify-fast-path';
import { validatorCompiler } from './http/validation';
import { verifyRoutes } from './keys/verify-routes';
import { apiKeyRoutes } from './keys/routes';
import { rotateApiKeyRoute } from './keys/rotate-route';
import { scopeRoutes } from './scopes/routes';
import { secretRoutes } from './secrets/routes';
import { serviceAccountRoutes } from './service-accounts/routes';
import { userRoutes } from './users/routes';
import type { ProviderReleases } from './registry/releases';
import { providerRegistryRoutes } from './registry/routes';

export const BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  /**
   * Pino options (they get LOG_SAFETY, service/http/log-safety.ts), or a pino logger built by the caller,
   * which should carry LOG_SAFETY itself as the server's does.
   */
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** A pino logger built by the caller; the same as passing it as `logger`. */
  loggerInstance?: FastifyBaseLogger;
  /** CIDRs (or addresses) of proxies whose X-Forwarded-For is believed. */
  trustedProxies?: string[];
  https?: { cert: Buffer; key: Buffer };
  version?: string;
  /** Only `failedAuth` is read here; the context takes the rest (service/context.ts). */
  abuseLimits?: AbuseLimitsOptions;
  /** Provider releases to serve as a Terraform provider registry (service/registry/). */
  providerReleases?: ProviderReleases;
  /** Where the web console's built files are (service/console/assets.ts has the default). */
  consoleAssetsDir?: string;
  /** Answer POST /v1/keys/verify beside Fastify (service/http/verify-fast-path.ts); on unless false. */
  verifyFastPath?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The verify fast path: what it did, and its drain; undefined when it is off. Requests by inject() never reach it. */
    verifyFastPath: VerifyFastPath | undefined;
  }
}

/**
 * Verification is the hot path: another service calls it for each request it serves. Its per-request lines
 * ("incoming request", "request completed") are written only at debug level, where every other route writes
 * them at info; errors are logged either way (service/http/error-handler.ts). Fastify asks before routing
 * hooks run, so the route is told by its method and path, the request's own.
 */
function quietRequestLogging(request: FastifyRequest): boolean {
  const url = request.raw.url;
  if (request.raw.method !== 'POST' || !url?.startsWith(VERIFY_PATH)) return false;
  if (url.length > VERIFY_PATH.length && url[VERIFY_PATH.length] !== '?') return false;
  return !logsEachVerification(request.log);
}

function isLogger(value: unknown): value is FastifyBaseLogger {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FastifyBaseLogger).child === 'function' &&
    typeof (value as FastifyBaseLogger).info === 'function'
  );
}

/** Fastify 5 takes a logger instance only as `loggerInstance`; options get the safety the server's logger has. */
function loggerOptions(options: AppOptions): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  const logger = options.loggerInstance ?? options.logger;
  if (isLogger(logger)) return { loggerInstance: logger };
  if (!logger) return { logger: false };
  const given = logger === true ? {} : (logger as Exclude<FastifyServerOptions['logger'], boolean | undefined>);
  return { logger: safeLoggerOptions(given as LoggerOptions) as FastifyServerOptions['logger'] };
}

export async function buildApp(ctx: ServiceContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(options),
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustedProxies && options.trustedProxies.length > 0 ? options.trustedProxies : false,
    ...(options.https ? { https: options.https } : {}),
    requestIdHeader: false,
    logController: new LogController({ disableRequestLogging: quietRequestLogging }),
    genReqId: nextRequestId,
    ajv: { customOptions: { removeAdditional: false } },
    return503OnClosing: true,
    ...FRAMEWORK_ERROR_OPTIONS,
  } as FastifyServerOptions).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  installRequestParsing(app);
  app.addSchema(ErrorResponse);
  installErrorHandler(app);
  // Set as the request arrives, not in onSend: headers set then stay on every answer, errors included, and an
  // onSend hook costs every request a pass through the hook runner on the way out.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });

  const failedAuthLimit = await installFailedAuthLimit(app, abuseLimits(options.abuseLimits).failedAuth);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Keyplane API',
        version: options.version ?? '0.0.0',
        description: 'Issue, manage and verify API keys; keep secrets in a versioned store.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Keyplane API key (kp_…).' } } },
      security: [{ bearer: [] }],
    },
    transformObject: (doc) => markOptionalBodies(('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject) as OpenApiDocument) as never,
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (options.providerReleases) await app.register(providerRegistryRoutes(options.providerReleases));

  const auth = keyAuthentication(ctx, failedAuthLimit);
  const sessions = new ConsoleSessions(ctx.store.db);
  const links = new SignInLinks(ctx.store.db);
  const authenticateSession = sessionAuthentication(auth, sessions);
  await app.register(consoleStaticRoutes(options.consoleAssetsDir ?? defaultAssetsDir()));
  await app.register(sessionRoutes(ctx, auth, sessions, links), { prefix: '/v1' });

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', (request, reply) => {
        // Answers may hold a key or secret entries, and all are per caller: no cache may keep them.
        void reply.header('cache-control', 'no-store');
        // A bearer key is used as sent; without one, the console's session cookie (service/console/session-auth.ts).
        const sessionToken = request.headers.authorization === undefined ? sessionTokenOf(request) : undefined;
        return sessionToken === undefined ? auth.bearer(request, reply) : authenticateSession(request, reply, sessionToken);
      });
      await v1.register(apiKeyRoutes(ctx));
      await v1.register(rotateApiKeyRoute(ctx));
      await v1.register(verifyRoutes(ctx));
      await v1.register(serviceAccountRoutes(ctx));
      await v1.register(userRoutes(ctx));
      await v1.register(allowListRoutes(ctx));
      await v1.register(scopeRoutes(ctx));
      await v1.register(secretRoutes(ctx));
      await v1.register(auditRoutes(ctx));
      await v1.register(signInLinkRoutes(ctx, links));
    },
    { prefix: '/v1' },
  );
  const fastPath =
    options.verifyFastPath === false ? undefined : installVerifyFastPath(app, { ctx, auth, bodyLimit: BODY_LIMIT, trustedProxies: options.trustedProxies });
  app.decorate('verifyFastPath', fastPath);
  await app.ready();
  return app;
}
