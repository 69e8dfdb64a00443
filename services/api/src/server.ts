import { openRegistry } from '@ocellus/registry';
import { buildApp } from './build.js';
import { ConfigError, isLoopback, loadConfig } from './config.js';
import { openJobService } from './jobs/open-jobs.js';
import { redisEventBus } from './serving/registry-events.js';
import { threadHost } from './serving/thread-host.js';

/** `npm start`: configuration from the environment, pino logs, graceful shutdown, listen. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const { redisUrl } = config;
  // Stray entries in the registry root are reported once the logger exists (the first scan runs after).
  const warnings: { log?: (message: string) => void } = {};
  const app = await buildApp({
    config,
    registry: openRegistry(config.registryRoot, {
      pollIntervalMs: config.registryPollMs,
      onWarning: (message) => (warnings.log ?? ((m) => process.stderr.write(`${m}\n`)))(message),
    }),
    modelHost: threadHost({ nice: config.inferenceNice }),
    trainingJobs: (log) => openJobService(config, log),
    ...(redisUrl === undefined
      ? {}
      : {
          registryEvents: (log) =>
            redisEventBus(redisUrl, {
              onError: (error) => log.warn({ reason: error.message }, 'registry events over Redis'),
            }),
        }),
    logger: {
      level: config.logLevel,
      ...(process.stdout.isTTY
        ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } }
        : {}),
    },
  });
  warnings.log = (message) => app.log.warn({ registry: config.registryRoot }, message);
  if (config.adminKeys.length === 0) {
    app.log.warn(
      { host: config.host },
      'no OCELLUS_ADMIN_KEYS: management routes are open, so the server listens on loopback only',
    );
  }
  if (!isLoopback(config.host) && config.inferenceKeys.length === 0) {
    app.log.info('no OCELLUS_INFERENCE_KEYS: inference and registry reads are open');
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    setTimeout(() => {
      app.log.error('in-flight requests did not finish in time');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  app.log.info({ registry: config.registryRoot }, 'serving');
}

await main();
