/** The `app.info` channel: what the renderer shows about the running app and where its database is. */
import { availableParallelism } from 'node:os';
import type { AppMode } from '../../shared/domain/enums.ts';
import { APP_VERSION } from '../storage/app-version.ts';
import type { Store } from '../storage/store.ts';
import type { Handler } from './ports.ts';

export function createAppService({ store, mode }: { store: Store; mode: AppMode }) {
  const info: Handler<'app.info'> = () => ({ version: APP_VERSION, mode, dbPath: store.path, cores: availableParallelism(), platform: process.platform });
  return { info };
}
