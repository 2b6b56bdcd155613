// The contract's one entry point: what every side, the renderer included, imports.
export * from './events.js';
export * from './catalog.js';
export * from './contract.js';
export * from './rpc.js';
export * from '../profile/flame.js';
export * from './names.js';
export * from './remote.js';
export * from './exact-int.js';
