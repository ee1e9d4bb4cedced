// `node --import <this file>`: registers the TypeScript hooks of ts_hooks.mjs in this process.
import { register } from 'node:module';

register('./ts_hooks.mjs', import.meta.url);
