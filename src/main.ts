// Composition root: config → database → HTTP, with hot reload. `npm start` runs this file.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ConfigWatcher, formatIssue, loadConfig } from './config/index.js';
import { openDatabase, type Db } from './store/index.js';
import { buildApp } from './http/index.js';
import { createLogger } from './logging.js';

export interface RunningServer {
  app: FastifyInstance;
  config: ConfigWatcher;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function startServer(configDir: string, env: NodeJS.ProcessEnv = process.env, log?: Logger): Promise<RunningServer> {
  const loaded = await loadConfig(configDir, env);
  if (!loaded.ok) {
    throw new Error(`config in ${configDir} is not valid:\n${loaded.issues.map(formatIssue).join('\n')}`);
  }
  const logger = log ?? createLogger(loaded.config.server.logLevel);
  const config = new ConfigWatcher(loaded.config, logger, env);
  const db = openDatabase(loaded.config.server.database);
  // No ESL client exists yet (the controller issue adds it), so the link is honestly down.
  const app = await buildApp({ config, db, log: logger, freeswitchState: () => 'disconnected' });
  const { host, port } = loaded.config.server.http;
  const url = await app.listen({ host, port });
  config.start();
  logger.info({ url, config: config.current.dir, database: loaded.config.server.database }, 'CTI server listening');
  return {
    app,
    config,
    db,
    url,
    async close() {
      config.stop();
      await app.close();
      db.close();
    },
  };
}

async function runFromCommandLine(): Promise<void> {
  const dir = resolve(process.env.CTI_CONFIG ?? 'config');
  let server: RunningServer;
  try {
    server = await startServer(dir);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const stop = async (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runFromCommandLine();
