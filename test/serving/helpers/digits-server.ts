import { type TempRegistry, tempRegistry, trainTinyDigits } from './registry.js';
import { type RunningServer, startServer } from './server.js';

/**
 * A listening server over a fresh registry whose `digits-cnn` (the classify route's default model) is a
 * tiny trained MLP in production. The registry is removed again if the server fails to start.
 */
export async function digitsServer(): Promise<{ temp: TempRegistry; server: RunningServer }> {
  const temp = await tempRegistry();
  try {
    await trainTinyDigits(temp.registry, { promote: 'production' });
    return { temp, server: await startServer({ OCELLUS_REGISTRY_ROOT: temp.root }) };
  } catch (error) {
    await temp.cleanup();
    throw error;
  }
}
